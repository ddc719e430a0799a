/// Resize (opset 11+: inputs X, roi, scales, sizes, all constant; opset 10's X, scales
/// form too) and the deprecated Upsample, along the last two axes (H and W of NCHW).
///
/// Modes: nearest (nearest_mode round_prefer_floor, round_prefer_ceil, floor, ceil) and linear
/// (bilinear). coordinate_transformation_mode: half_pixel, pytorch_half_pixel, align_corners,
/// asymmetric, half_pixel_symmetric, tf_half_pixel_for_nn. Also `axes` and
/// `keep_aspect_ratio_policy` (opset 18). Not supported, each a GraphError: cubic mode,
/// tf_crop_and_resize, antialiased downscaling, and scaling any axis before the last two.
///
/// Source indices and weights are tabulated at build; nearest rows that repeat are copied, an
/// exact 2x nearest row is a duplicating loop, and linear interpolates each input row
/// horizontally once into per-lane scratch, then blends rows vertically. Inputs are float32; mode
/// nearest also moves int8/uint8 values as they are (quantization kept), which the QDQ fusion
/// uses for an upsample between int8 convolutions.
enum ResizeOperators {
  static func definition(upsample: Bool) -> OperatorDefinition {
    OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        let input = try OperatorSupport.input(node, inputs, 0)
        let plan = try ResizePlan(node, input.shape, constants, upsample: upsample)
        guard input.elementType == .float32 || (input.elementType.isQuantized && plan.mode == .nearest) else {
          throw GraphError(
            "node \(node.name) (\(node.op)) resizes float32, or int8/uint8 in mode nearest; not \(input.elementType) in mode \(plan.mode)"
          )
        }
        return [
          TensorInfo(
            name: node.outputs.first ?? "", elementType: input.elementType, shape: plan.outputShape,
            quantization: input.quantization)
        ]
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        let input = try OperatorSupport.view(node, inputs, 0)
        let plan = try ResizePlan(node, input.shape, constants, upsample: upsample)
        return ResizeKernel(plan, x: input, y: outputs[0])
      })
  }

  static let definitions: [String: OperatorDefinition] = [
    "Resize": definition(upsample: false),
    "Upsample": definition(upsample: true),
  ]
}

struct ResizePlan: Sendable {
  enum Mode: Sendable { case nearest, linear }

  var mode: Mode
  var planes: Int
  var inputHeight: Int, inputWidth: Int
  var outputHeight: Int, outputWidth: Int
  var outputShape: [Int]
  var transform: String, rounding: String
  var scaleY: Float, scaleX: Float

  init(_ node: Node, _ shape: [Int], _ constants: ConstantLookup, upsample: Bool) throws(GraphError) {
    let what = "node \(node.name) (\(node.op))"
    let rank = shape.count
    guard rank >= 2 else { throw GraphError("\(what) needs an input of rank at least 2, not \(shape)") }
    func input(_ index: Int) -> String? {
      index < node.inputs.count && !node.inputs[index].isEmpty ? node.inputs[index] : nil
    }
    // Where scales and sizes come from: Upsample (attribute or input 1), opset-10 Resize (input 1),
    // opset 11+ Resize (inputs 2 and 3).
    var scales: [Float]?
    var sizes: [Int]?
    let scalesName = upsample || node.inputs.count == 2 ? input(1) : input(2)
    if let name = scalesName {
      guard let values = constants.floats(name) else {
        throw GraphError("\(what) needs constant float scales")
      }
      scales = values.isEmpty ? nil : values
    } else if upsample, let values = node.attributes["scales"]?.floatsValue {
      scales = values
    }
    if !upsample, node.inputs.count > 2, let name = input(3) {
      guard let values = constants.ints(name) else { throw GraphError("\(what) needs constant int sizes") }
      sizes = values.isEmpty ? nil : values
    }
    guard (scales == nil) != (sizes == nil) else {
      throw GraphError("\(what) needs exactly one of scales and sizes")
    }
    let axes: [Int]
    if let listed = node.ints("axes"), !upsample {
      var seen = Set<Int>()
      var normalised: [Int] = []
      for axis in listed {
        let value = try OperatorSupport.axis(axis, rank: rank, node)
        guard seen.insert(value).inserted else { throw GraphError("\(what) lists axis \(axis) twice") }
        normalised.append(value)
      }
      axes = normalised
    } else {
      axes = Array(0..<rank)
    }
    var scale = [Float](repeating: 1, count: rank)
    var output = shape
    if let scales {
      guard scales.count == axes.count else {
        throw GraphError("\(what) has \(scales.count) scales for \(axes.count) axes")
      }
      for (axis, value) in zip(axes, scales) {
        guard value.isFinite, value > 0, value <= 65536 else {
          throw GraphError("\(what) has invalid scale \(value)")
        }
        scale[axis] = value
        let extent = Float(shape[axis]) * value
        guard extent < Float(1 << 30) else { throw GraphError("\(what) would make axis \(axis) too large") }
        output[axis] = Int(extent)
      }
    } else if let sizes {
      guard sizes.count == axes.count else {
        throw GraphError("\(what) has \(sizes.count) sizes for \(axes.count) axes")
      }
      for size in sizes where size < 1 || size >= 1 << 30 {
        throw GraphError("\(what) has invalid size \(size)")
      }
      let policy = node.string("keep_aspect_ratio_policy", default: "stretch")
      switch policy {
      case "stretch":
        for (axis, size) in zip(axes, sizes) {
          output[axis] = size
          scale[axis] = Float(size) / Float(shape[axis])
        }
      case "not_larger", "not_smaller":
        let ratios = zip(axes, sizes).map { Float($1) / Float(shape[$0]) }
        let common = policy == "not_larger" ? ratios.min()! : ratios.max()!
        for axis in axes {
          scale[axis] = common
          output[axis] = Int((common * Float(shape[axis])).rounded(.toNearestOrAwayFromZero))
        }
      default:
        throw GraphError("\(what) has unknown keep_aspect_ratio_policy \"\(policy)\"")
      }
    }
    for axis in 0..<rank where output[axis] < 1 {
      throw GraphError("\(what) would make axis \(axis) of \(shape) empty")
    }
    for axis in 0..<(rank - 2) where output[axis] != shape[axis] || scale[axis] != 1 {
      throw GraphError("\(what) resizes axis \(axis) of \(shape); only the last two axes can be resized")
    }
    let modeName = node.string("mode", default: "nearest")
    let resolvedMode: Mode
    switch modeName {
    case "nearest": resolvedMode = .nearest
    case "linear", "bilinear": resolvedMode = .linear
    default: throw GraphError("\(what) has unsupported mode \"\(modeName)\" (nearest, linear)")
    }
    mode = resolvedMode
    // Upsample and opset-10 Resize (inputs X, scales) map coordinates asymmetrically and floor.
    let legacy = upsample || node.inputs.count == 2
    let transform =
      upsample
      ? "asymmetric"
      : node.string("coordinate_transformation_mode", default: legacy ? "asymmetric" : "half_pixel")
    guard
      [
        "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "half_pixel_symmetric",
        "tf_half_pixel_for_nn",
      ].contains(transform)
    else {
      throw GraphError("\(what) has unsupported coordinate_transformation_mode \"\(transform)\"")
    }
    let rounding =
      upsample ? "floor" : node.string("nearest_mode", default: legacy ? "floor" : "round_prefer_floor")
    guard ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"].contains(rounding) else {
      throw GraphError("\(what) has unknown nearest_mode \"\(rounding)\"")
    }
    if node.int("antialias", default: 0) != 0, resolvedMode == .linear,
      scale[rank - 2] < 1 || scale[rank - 1] < 1
    {
      throw GraphError("\(what): antialiased downscaling is not supported")
    }
    planes = shape[..<(rank - 2)].reduce(1, *)
    inputHeight = shape[rank - 2]
    inputWidth = shape[rank - 1]
    outputHeight = output[rank - 2]
    outputWidth = output[rank - 1]
    outputShape = output

    self.transform = transform
    self.rounding = rounding
    scaleY = scale[rank - 2]
    scaleX = scale[rank - 1]
  }

  /// Where output position `position` samples the input, in input coordinates.
  func source(_ position: Int, scale: Float, input: Int, output: Int) -> Float {
    let x = Float(position)
    switch transform {
    case "pytorch_half_pixel": return output > 1 ? (x + 0.5) / scale - 0.5 : 0
    case "align_corners": return output == 1 ? 0 : x * Float(input - 1) / Float(output - 1)
    case "asymmetric": return x / scale
    case "tf_half_pixel_for_nn": return (x + 0.5) / scale
    case "half_pixel_symmetric":
      let adjustment = Float(output) / (scale * Float(input))
      let center = Float(input) / 2
      return center * (1 - adjustment) + (x + 0.5) / scale - 0.5
    default: return (x + 0.5) / scale - 0.5
    }
  }

  /// Nearest: the source index of each output position (`first`). Linear: the two source indices
  /// and the weight of the second. Built at kernel build, once the output size is accepted.
  func table(scale: Float, input: Int, output: Int) -> (first: [Int], second: [Int], weight: [Float]) {
    var first = [Int](repeating: 0, count: output), second = first
    var weight = [Float](repeating: 0, count: output)
    for position in 0..<output {
      let x = source(position, scale: scale, input: input, output: output)
      if mode == .nearest {
        var index: Float
        switch rounding {
        case "floor": index = x.rounded(.down)
        case "ceil": index = x.rounded(.up)
        case "round_prefer_ceil":
          index = x - x.rounded(.down) == 0.5 ? x.rounded(.up) : x.rounded(.toNearestOrAwayFromZero)
        default: index = x - x.rounded(.down) == 0.5 ? x.rounded(.down) : x.rounded(.toNearestOrAwayFromZero)
        }
        let clamped = index.isFinite ? Swift.min(Swift.max(index, 0), Float(input - 1)) : 0
        first[position] = Int(clamped)
      } else {
        let clamped = x.isFinite ? Swift.min(Swift.max(x, 0), Float(input - 1)) : 0
        let low = Int(clamped)
        first[position] = low
        second[position] = Swift.min(low + 1, input - 1)
        weight[position] = clamped - Float(low)
      }
    }
    return (first, second, weight)
  }
}

final class ResizeKernel: Kernel {
  let p: ResizePlan
  let x: TensorView, y: TensorView
  let rowTile: Int, rowTiles: Int
  /// Nearest: the source row/column of each output row/column.
  /// Linear: the two source rows/columns (first, second) and the weight of the second.
  let firstY: [Int], secondY: [Int], weightY: [Float]
  let firstX: [Int], secondX: [Int], weightX: [Float]
  /// Nearest: every output column n reads input column n / 2 (an exact 2x enlargement).
  let doublesColumns: Bool
  let scratch: LaneScratch?
  let counter = TaskCounter()

  init(_ p: ResizePlan, x: TensorView, y: TensorView) {
    self.p = p
    self.x = x
    self.y = y
    let lanes = LaneScratch.maximumLanes
    var tile = p.outputHeight
    if p.planes < 2 * lanes {
      let split = (2 * lanes + p.planes - 1) / p.planes
      tile = Swift.max(1, (p.outputHeight + split - 1) / split)
    }
    rowTile = tile
    rowTiles = (p.outputHeight + tile - 1) / tile
    (firstY, secondY, weightY) = p.table(scale: p.scaleY, input: p.inputHeight, output: p.outputHeight)
    (firstX, secondX, weightX) = p.table(scale: p.scaleX, input: p.inputWidth, output: p.outputWidth)
    doublesColumns =
      p.outputWidth == 2 * p.inputWidth && firstX.enumerated().allSatisfy { $0.element == $0.offset / 2 }
    scratch = p.mode == .linear ? LaneScratch(floatsPerLane: 2 * p.outputWidth) : nil
  }

  func run(_ context: borrowing ExecutionContext) {
    context.threads.forEachTask(p.planes * rowTiles, counter: counter) { task, lane in
      let plane = task / rowTiles
      let rows = (task % rowTiles) * rowTile..<Swift.min((task % rowTiles + 1) * rowTile, p.outputHeight)
      let inputOffset = plane * p.inputHeight * p.inputWidth
      let outputOffset = plane * p.outputHeight * p.outputWidth
      if x.info.elementType.isQuantized {
        nearest(
          x.data.assumingMemoryBound(to: UInt8.self) + inputOffset,
          y.data.assumingMemoryBound(to: UInt8.self) + outputOffset, rows)
        return
      }
      let input = x.floats() + inputOffset
      let output = y.floats() + outputOffset
      if p.mode == .nearest {
        nearest(input, output, rows)
      } else {
        linear(input, output, rows, scratch!.buffer(lane))
      }
    }
  }

  private func nearest<Element>(
    _ input: UnsafeMutablePointer<Element>, _ output: UnsafeMutablePointer<Element>, _ rows: Range<Int>
  ) {
    let width = p.outputWidth
    for oy in rows {
      let target = output + oy * width
      if oy > rows.lowerBound && firstY[oy] == firstY[oy - 1] {
        target.update(from: target - width, count: width)
        continue
      }
      let source = input + firstY[oy] * p.inputWidth
      if doublesColumns {
        for ix in 0..<p.inputWidth {
          let value = source[ix]
          target[2 * ix] = value
          target[2 * ix + 1] = value
        }
      } else {
        firstX.withUnsafeBufferPointer { columns in
          for ox in 0..<width { target[ox] = source[columns[ox]] }
        }
      }
    }
  }

  private func linear(
    _ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ rows: Range<Int>,
    _ buffer: UnsafeMutablePointer<Float>
  ) {
    let width = p.outputWidth
    var upper = buffer, lower = buffer + width
    var upperRow = -1, lowerRow = -1
    func interpolate(_ row: Int, into target: UnsafeMutablePointer<Float>) {
      let source = input + row * p.inputWidth
      firstX.withUnsafeBufferPointer { first in
        secondX.withUnsafeBufferPointer { second in
          weightX.withUnsafeBufferPointer { weight in
            for ox in 0..<width {
              let a = source[first[ox]]
              target[ox] = a + (source[second[ox]] - a) * weight[ox]
            }
          }
        }
      }
    }
    for oy in rows {
      let top = firstY[oy], bottom = secondY[oy]
      if upperRow != top {
        if lowerRow == top {
          swap(&upper, &lower)
          swap(&upperRow, &lowerRow)
        } else {
          interpolate(top, into: upper)
          upperRow = top
        }
      }
      if lowerRow != bottom {
        interpolate(bottom, into: lower)
        lowerRow = bottom
      }
      let weight = weightY[oy]
      let target = output + oy * width
      for ox in 0..<width { target[ox] = upper[ox] + (lower[ox] - upper[ox]) * weight }
    }
  }
}
