/// Float32 pooling (ONNX): MaxPool and AveragePool over 1-D and 2-D windows (kernel_shape,
/// strides, pads, auto_pad, ceil_mode, dilations, count_include_pad), GlobalMaxPool and
/// GlobalAveragePool over every spatial axis.
///
/// Windowed pooling first combines (max or sum) the input rows of an output row's window into one
/// row, then accumulates one horizontal kernel tap at a time over the run of output columns where
/// that tap reads inside the input: kh + kw vectorisable passes instead of kh * kw, and borders
/// need no per-element checks. MaxPool's optional Indices output is not supported (a clear GraphError).
enum Pooling {
  enum Kind: Sendable { case max, average }

  static func windowed(_ kind: Kind) -> OperatorDefinition {
    OperatorDefinition(
      infer: { node, inputs, _ throws(GraphError) in
        let problem = try PoolingProblem(node, inputs, kind: kind)
        return [TensorInfo(name: node.outputs.first ?? "", elementType: .float32, shape: problem.outputShape)]
      },
      build: { node, inputs, outputs, _ throws(GraphError) in
        let problem = try PoolingProblem(node, inputs.map { $0?.info }, kind: kind)
        return PoolingKernel(problem, x: try OperatorSupport.view(node, inputs, 0), y: outputs[0])
      })
  }

  static func global(_ kind: Kind) -> OperatorDefinition {
    OperatorDefinition(
      infer: { node, inputs, _ throws(GraphError) in
        let x = try OperatorSupport.floatInput(node, inputs, 0)
        guard x.shape.count >= 2 else {
          throw GraphError("node \(node.name) (\(node.op)) needs an input of rank at least 2, not \(x.shape)")
        }
        return [
          TensorInfo(
            name: node.outputs.first ?? "", elementType: .float32,
            shape: Array(x.shape[0..<2]) + [Int](repeating: 1, count: x.shape.count - 2))
        ]
      },
      build: { node, inputs, outputs, _ throws(GraphError) in
        GlobalPoolingKernel(kind: kind, x: try OperatorSupport.view(node, inputs, 0), y: outputs[0])
      })
  }

  static let definitions: [String: OperatorDefinition] = [
    "MaxPool": windowed(.max),
    "AveragePool": windowed(.average),
    "GlobalMaxPool": global(.max),
    "GlobalAveragePool": global(.average),
  ]
}

struct PoolingProblem: Sendable {
  var kind: Pooling.Kind
  var planes: Int
  var geometry: WindowGeometry
  var countIncludePad: Bool
  var outputShape: [Int]

  init(_ node: Node, _ inputs: [TensorInfo?], kind: Pooling.Kind) throws(GraphError) {
    let what = "node \(node.name) (\(node.op))"
    let x = try OperatorSupport.floatInput(node, inputs, 0)
    guard x.shape.count == 3 || x.shape.count == 4 else {
      throw GraphError("\(what) supports 1-D and 2-D pooling (input rank 3 or 4), not input \(x.shape)")
    }
    if node.outputs.count > 1, !node.outputs[1].isEmpty {
      throw GraphError("\(what): the Indices output of MaxPool is not supported")
    }
    guard let kernel = node.ints("kernel_shape") else {
      throw GraphError("\(what) needs a kernel_shape attribute")
    }
    guard kernel.count == x.shape.count - 2 else {
      throw GraphError(
        "\(what): kernel_shape \(kernel) does not match the \(x.shape.count - 2) spatial axes of \(x.shape)")
    }
    let ceilMode = node.int("ceil_mode", default: 0)
    guard ceilMode == 0 || ceilMode == 1 else {
      throw GraphError("\(what) has ceil_mode \(ceilMode); expected 0 or 1")
    }
    let storageOrder = node.int("storage_order", default: 0)
    guard storageOrder == 0 || storageOrder == 1 else {
      throw GraphError("\(what) has storage_order \(storageOrder); expected 0 or 1")
    }
    self.kind = kind
    planes = x.shape[0] * x.shape[1]
    let resolved = try WindowGeometry.resolve(
      node, input: Array(x.shape[2...]), kernel: kernel, ceilMode: ceilMode == 1)
    geometry = resolved.planar
    countIncludePad = node.int("count_include_pad", default: 0) != 0
    outputShape = Array(x.shape[0..<2]) + resolved.output
  }
}

final class PoolingKernel: Kernel {
  let p: PoolingProblem
  let x: TensorView, y: TensorView
  let rowTile: Int, rowTiles: Int
  let firstRowTap: [Int], endRowTap: [Int]
  /// Horizontal kernel taps that read inside the input somewhere, with the output columns where they do.
  let columnTaps: [(tap: Int, outputs: Range<Int>)]
  /// AveragePool divisors, separable: rows per output row times columns per output column.
  let rowCounts: [Float], columnCounts: [Float]
  /// One combined input row per lane.
  let scratch: LaneScratch
  let counter = TaskCounter()

  init(_ p: PoolingProblem, x: TensorView, y: TensorView) {
    self.p = p
    self.x = x
    self.y = y
    let g = p.geometry
    let lanes = LaneScratch.maximumLanes
    var tile = g.output[0]
    if p.planes < 2 * lanes {
      let split = (2 * lanes + p.planes - 1) / p.planes
      tile = Swift.max(1, (g.output[0] + split - 1) / split)
    }
    rowTile = tile
    rowTiles = (g.output[0] + tile - 1) / tile
    (firstRowTap, endRowTap) = g.validTaps(axis: 0)
    columnTaps = (0..<g.kernel[1]).map {
      (
        tap: $0,
        outputs: WindowGeometry.validOutputs(
          tap: $0, stride: g.strides[1], dilation: g.dilations[1], pad: g.padBegin[1], input: g.input[1],
          output: g.output[1])
      )
    }.filter { !$0.outputs.isEmpty }
    // Taps counted by the divisor: inside the input, or (count_include_pad) inside the padded input.
    var counted = g
    if p.countIncludePad {
      counted.input = [g.input[0] + g.padBegin[0] + g.padEnd[0], g.input[1] + g.padBegin[1] + g.padEnd[1]]
      counted.padBegin = [0, 0]
    }
    let rows = counted.validTaps(axis: 0), columns = counted.validTaps(axis: 1)
    rowCounts = zip(rows.first, rows.end).map { Float($1 - $0) }
    columnCounts = zip(columns.first, columns.end).map { Float($1 - $0) }
    scratch = LaneScratch(floatsPerLane: g.input[1])
  }

  func run(_ context: borrowing ExecutionContext) {
    context.threads.forEachTask(p.planes * rowTiles, counter: counter) { task, lane in
      pool(task, scratch.buffer(lane))
    }
  }

  private func pool(_ task: Int, _ combined: UnsafeMutablePointer<Float>) {
    let g = p.geometry
    let plane = task / rowTiles
    let block = task % rowTiles
    let height = g.input[0], width = g.input[1]
    let outputWidth = g.output[1]
    let input = x.floats() + plane * height * width
    let output = y.floats() + plane * g.output[0] * outputWidth
    let strideX = g.strides[1]
    let isMax = p.kind == .max
    for oy in block * rowTile..<Swift.min((block + 1) * rowTile, g.output[0]) {
      let row = output + oy * outputWidth
      row.update(repeating: isMax ? -Float.infinity : 0, count: outputWidth)
      let taps = firstRowTap[oy]..<endRowTap[oy]
      if !taps.isEmpty {
        // The window's input rows, combined into one (or the single row itself).
        func line(_ ky: Int) -> UnsafeMutablePointer<Float> {
          input + (oy * g.strides[0] - g.padBegin[0] + ky * g.dilations[0]) * width
        }
        var source = UnsafePointer(line(taps.lowerBound))
        if taps.count > 1 {
          combined.update(from: line(taps.lowerBound), count: width)
          for ky in taps.dropFirst() {
            let next = line(ky)
            if isMax {
              for ix in 0..<width { combined[ix] = Swift.max(combined[ix], next[ix]) }
            } else {
              for ix in 0..<width { combined[ix] += next[ix] }
            }
          }
          source = UnsafePointer(combined)
        }
        for (kx, valid) in columnTaps {
          let shifted = source + kx * g.dilations[1] - g.padBegin[1]
          switch (isMax, strideX) {
          case (true, 1): for ox in valid { row[ox] = Swift.max(row[ox], shifted[ox]) }
          case (true, _): for ox in valid { row[ox] = Swift.max(row[ox], shifted[ox &* strideX]) }
          case (false, 1): for ox in valid { row[ox] += shifted[ox] }
          case (false, _): for ox in valid { row[ox] += shifted[ox &* strideX] }
          }
        }
      }
      if !isMax {
        let rowCount = rowCounts[oy]
        for ox in 0..<outputWidth {
          let divisor = rowCount * columnCounts[ox]
          row[ox] = divisor > 0 ? row[ox] / divisor : 0
        }
      }
    }
  }
}

/// GlobalMaxPool / GlobalAveragePool: one reduction per (image, channel) plane.
final class GlobalPoolingKernel: Kernel {
  let kind: Pooling.Kind
  let x: TensorView, y: TensorView
  let planes: Int, planeSize: Int

  init(kind: Pooling.Kind, x: TensorView, y: TensorView) {
    self.kind = kind
    self.x = x
    self.y = y
    planes = x.shape[0] * x.shape[1]
    planeSize = x.shape.dropFirst(2).reduce(1, *)
  }

  func run(_ context: borrowing ExecutionContext) {
    let input = x.floats(), output = y.floats()
    let size = planeSize, kind = kind
    context.threads.forEachRange(planes, chunk: Swift.max(1, 32768 / Swift.max(size, 1))) { range in
      for plane in range {
        let values = UnsafeRawPointer(input + plane * size)
        var index = 0
        if kind == .average {
          var sums = SIMD8<Float>()
          while index + 8 <= size {
            sums += values.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            index += 8
          }
          var sum = sums.sum()
          while index < size {
            sum += values.load(fromByteOffset: index * 4, as: Float.self)
            index += 1
          }
          output[plane] = size > 0 ? sum / Float(size) : 0
        } else {
          var maxima = SIMD8<Float>(repeating: -.infinity)
          while index + 8 <= size {
            maxima = VectorMath.max(
              maxima, values.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self))
            index += 8
          }
          var maximum = maxima.max()
          while index < size {
            maximum = Swift.max(maximum, values.load(fromByteOffset: index * 4, as: Float.self))
            index += 1
          }
          output[plane] = maximum
        }
      }
    }
  }
}
