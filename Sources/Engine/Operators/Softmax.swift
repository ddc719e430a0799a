import Glibc

/// Float32 Softmax and LogSoftmax along one axis (opset 13 semantics: `axis`, default -1; the
/// importer rewrites older opsets' flatten-to-2-D form). Numerically stable: the row maximum is
/// subtracted before exponentiation.
///
/// A contiguous axis (inner extent 1) is processed row by row; otherwise blocks of up to 64
/// positions of the inner extent are processed together, with their maxima and sums on the stack.
enum SoftmaxOperators {
  static func definition(log: Bool) -> OperatorDefinition {
    OperatorDefinition(
      infer: { node, inputs, _ throws(GraphError) in
        let input = try OperatorSupport.floatInput(node, inputs, 0)
        _ = try OperatorSupport.axis(node.int("axis", default: -1), rank: input.shape.count, node)
        return [OperatorSupport.like(input, node)]
      },
      build: { node, inputs, outputs, _ throws(GraphError) in
        let input = try OperatorSupport.view(node, inputs, 0)
        let shape = input.shape
        let axis =
          shape.isEmpty ? 0 : try OperatorSupport.axis(node.int("axis", default: -1), rank: shape.count, node)
        return SoftmaxKernel(
          x: input, y: outputs[0], log: log, outer: shape.isEmpty ? 1 : shape[..<axis].reduce(1, *),
          extent: shape.isEmpty ? 1 : shape[axis],
          inner: shape.isEmpty ? 1 : shape[(axis + 1)...].reduce(1, *))
      })
  }

  static let definitions: [String: OperatorDefinition] = [
    "Softmax": definition(log: false),
    "LogSoftmax": definition(log: true),
  ]
}

final class SoftmaxKernel: Kernel {
  let x: TensorView, y: TensorView
  let log: Bool
  let outer: Int, extent: Int, inner: Int
  static let block = 64

  init(x: TensorView, y: TensorView, log: Bool, outer: Int, extent: Int, inner: Int) {
    self.x = x
    self.y = y
    self.log = log
    self.outer = outer
    self.extent = extent
    self.inner = inner
  }

  func run(_ context: borrowing ExecutionContext) {
    guard outer > 0, extent > 0, inner > 0 else { return }
    let input = x.floats(), output = y.floats()
    let extent = extent, inner = inner, log = log
    if inner == 1 {
      context.threads.forEachRange(outer, chunk: Swift.max(1, 16384 / extent)) { rows in
        for row in rows { SoftmaxKernel.row(input + row * extent, output + row * extent, extent, log: log) }
      }
      return
    }
    let blocks = (inner + SoftmaxKernel.block - 1) / SoftmaxKernel.block
    context.threads.forEachRange(outer * blocks, chunk: Swift.max(1, 16384 / (extent * SoftmaxKernel.block)))
    { tasks in
      withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * SoftmaxKernel.block) { scratch in
        let maxima = scratch.baseAddress!, sums = maxima + SoftmaxKernel.block
        for task in tasks {
          let slab = task / blocks
          let start = (task % blocks) * SoftmaxKernel.block
          let width = Swift.min(SoftmaxKernel.block, inner - start)
          let source = input + slab * extent * inner + start
          let target = output + slab * extent * inner + start
          for column in 0..<width { maxima[column] = source[column] }
          for index in 1..<Swift.max(extent, 1) {
            let line = source + index * inner
            for column in 0..<width { maxima[column] = Swift.max(maxima[column], line[column]) }
          }
          for column in 0..<width { sums[column] = 0 }
          for index in 0..<extent {
            let line = source + index * inner, out = target + index * inner
            var column = 0
            while column + 8 <= width {
              let value = VectorMath.exp(VectorMath.load(line + column) - VectorMath.load(maxima + column))
              VectorMath.store(VectorMath.load(sums + column) + value, sums + column)
              if !log { VectorMath.store(value, out + column) }
              column += 8
            }
            while column < width {
              let value = Glibc.expf(line[column] - maxima[column])
              sums[column] += value
              if !log { out[column] = value }
              column += 1
            }
          }
          if log {
            for column in 0..<width { sums[column] = Glibc.logf(sums[column]) }
            for index in 0..<extent {
              let line = source + index * inner, out = target + index * inner
              for column in 0..<width { out[column] = (line[column] - maxima[column]) - sums[column] }
            }
          } else {
            for column in 0..<width { sums[column] = 1 / sums[column] }
            for index in 0..<extent {
              let out = target + index * inner
              for column in 0..<width { out[column] *= sums[column] }
            }
          }
        }
      }
    }
  }

  @inline(__always)
  static func row(
    _ source: UnsafeMutablePointer<Float>, _ target: UnsafeMutablePointer<Float>, _ count: Int, log: Bool
  ) {
    var index = 0
    var maxima = SIMD8<Float>(repeating: -.infinity)
    while index + 8 <= count {
      maxima = VectorMath.max(maxima, VectorMath.load(source + index))
      index += 8
    }
    var maximum = maxima.max()
    while index < count {
      maximum = Swift.max(maximum, source[index])
      index += 1
    }
    // exp(x - max) into the target, summed in eight lanes.
    var sums = SIMD8<Float>()
    index = 0
    while index + 8 <= count {
      let value = VectorMath.exp(VectorMath.load(source + index) - maximum)
      sums += value
      VectorMath.store(value, target + index)
      index += 8
    }
    var sum = sums.sum()
    while index < count {
      let value = Glibc.expf(source[index] - maximum)
      target[index] = value
      sum += value
      index += 1
    }
    if log {
      let logSum = Glibc.logf(sum)
      for index in 0..<count { target[index] = (source[index] - maximum) - logSum }
    } else {
      let scale = 1 / sum
      for index in 0..<count { target[index] *= scale }
    }
  }
}
