/// Float32 BatchNormalization in inference mode: `y = (x - mean) / sqrt(var + epsilon) * scale + B`
/// per channel (axis 1), for inputs of rank 2 and more. The importer usually folds it into the
/// preceding Conv; this runs a model where it cannot. `training_mode` 1 and the running-statistics
/// outputs are not supported (a GraphError).
///
/// With constant parameters the per-channel multiplier and offset are computed once at build;
/// otherwise each run recomputes them into buffers allocated at build.
enum NormalizationOperators {
  static let definitions: [String: OperatorDefinition] = [
    "BatchNormalization": OperatorDefinition(
      infer: { node, inputs, _ throws(GraphError) in
        let input = try check(node, inputs)
        return [OperatorSupport.like(input, node)]
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        _ = try check(node, inputs.map { $0?.info })
        let parameters = try (1...4).map { index throws(GraphError) in
          try OperatorSupport.view(node, inputs, index)
        }
        return BatchNormalizationKernel(
          x: try OperatorSupport.view(node, inputs, 0), y: outputs[0], parameters: parameters,
          isConstant: node.inputs[1...4].allSatisfy { constants.tensor($0) != nil },
          epsilon: node.float("epsilon", default: 1e-5))
      })
  ]

  static func check(_ node: Node, _ inputs: [TensorInfo?]) throws(GraphError) -> TensorInfo {
    let what = "node \(node.name) (BatchNormalization)"
    let input = try OperatorSupport.floatInput(node, inputs, 0)
    guard input.shape.count >= 2 else {
      throw GraphError("\(what) needs an input of rank at least 2, not \(input.shape)")
    }
    let channels = input.shape[1]
    for index in 1...4 {
      let parameter = try OperatorSupport.floatInput(node, inputs, index)
      guard parameter.shape == [channels] else {
        throw GraphError("\(what): input \(index) has shape \(parameter.shape); expected [\(channels)]")
      }
    }
    guard node.int("training_mode", default: 0) == 0, node.outputs.dropFirst().allSatisfy(\.isEmpty) else {
      throw GraphError("\(what): training mode (running mean and variance outputs) is not supported")
    }
    let epsilon = node.float("epsilon", default: 1e-5)
    guard epsilon.isFinite, epsilon >= 0 else { throw GraphError("\(what) has invalid epsilon \(epsilon)") }
    return input
  }
}

final class BatchNormalizationKernel: Kernel {
  let x: TensorView, y: TensorView
  let parameters: [TensorView]
  let isConstant: Bool
  let epsilon: Float
  let channels: Int, batch: Int, planeSize: Int
  /// Per-channel multiplier and offset.
  let multiplier: UnsafeMutablePointer<Float>, offset: UnsafeMutablePointer<Float>

  init(x: TensorView, y: TensorView, parameters: [TensorView], isConstant: Bool, epsilon: Float) {
    self.x = x
    self.y = y
    self.parameters = parameters
    self.epsilon = epsilon
    batch = x.shape[0]
    channels = x.shape[1]
    planeSize = x.shape.dropFirst(2).reduce(1, *)
    multiplier = .allocate(capacity: Swift.max(channels, 1))
    offset = .allocate(capacity: Swift.max(channels, 1))
    self.isConstant = isConstant
    if isConstant { prepare() }
  }

  deinit {
    multiplier.deallocate()
    offset.deallocate()
  }

  /// Computes the per-channel multiplier and offset from the parameter views.
  private func prepare() {
    let scale = parameters[0].floats(), bias = parameters[1].floats()
    let mean = parameters[2].floats(), variance = parameters[3].floats()
    for channel in 0..<channels {
      let factor = scale[channel] / (variance[channel] + epsilon).squareRoot()
      multiplier[channel] = factor
      offset[channel] = bias[channel] - mean[channel] * factor
    }
  }

  func run(_ context: borrowing ExecutionContext) {
    if !isConstant { prepare() }
    let input = x.floats(), output = y.floats()
    let size = planeSize, channels = channels
    let multiplier = multiplier, offset = offset
    context.threads.forEachRange(batch * channels, chunk: Swift.max(1, 32768 / Swift.max(size, 1))) {
      planes in
      for plane in planes {
        let channel = plane % channels
        let a = multiplier[channel], b = offset[channel]
        let source = input + plane * size, target = output + plane * size
        for index in 0..<size { target[index] = source[index] * a + b }
      }
    }
  }
}
