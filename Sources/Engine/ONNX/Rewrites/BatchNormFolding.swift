/// Folds an inference-mode BatchNormalization into the Conv before it.
///
/// `BN(conv(x, W) + B) = conv(x, W * s) + (B - mean) * s + beta`, with
/// `s = gamma / sqrt(var + epsilon)` per output channel. Applies when the Conv's output is read
/// by the BatchNormalization alone (and is not a graph output), when the Conv's weights and bias
/// and all four BatchNormalization parameters are float32 constants of matching sizes, and when
/// the BatchNormalization neither trains nor exposes its running statistics. The new weights and
/// bias are new constants: the originals may be shared with other nodes.
enum BatchNormFolding {
  static func apply(_ graph: inout Graph) throws(GraphError) {
    var taken = GraphRewriting.names(graph)
    var removed = Set<Int>()
    let producers = graph.producers
    let consumers = GraphRewriting.consumers(graph)
    for (index, norm) in graph.nodes.enumerated() where norm.op == "BatchNormalization" {
      guard norm.inputs.count == 5, norm.int("training_mode", default: 0) == 0,
        norm.outputs.dropFirst().allSatisfy({
          $0.isEmpty || (consumers[$0] == nil && !graph.outputs.contains($0))
        }),
        let convIndex = producers[norm.inputs[0]], !removed.contains(convIndex),
        graph.nodes[convIndex].op == "Conv", consumers[norm.inputs[0]] == [index],
        !graph.outputs.contains(norm.inputs[0])
      else { continue }
      let conv = graph.nodes[convIndex]
      guard conv.inputs.count >= 2, conv.attributes["activation"] == nil,
        let weights = graph.constants[conv.inputs[1]], weights.elementType == .float32,
        weights.shape.count >= 3
      else { continue }
      let channels = weights.shape[0]
      let parameters = norm.inputs[1...4].map { name -> [Float]? in
        guard let tensor = graph.constants[name], tensor.elementType == .float32,
          tensor.elementCount == channels
        else { return nil }
        return tensor.withElements(as: Float.self) { Array($0) }
      }
      guard
        case let (gamma?, beta?, mean?, variance?) = (
          parameters[0], parameters[1], parameters[2], parameters[3]
        )
      else {
        continue
      }
      var bias = [Float](repeating: 0, count: channels)
      if conv.inputs.count > 2, !conv.inputs[2].isEmpty {
        guard let tensor = graph.constants[conv.inputs[2]], tensor.elementType == .float32,
          tensor.elementCount == channels
        else { continue }
        bias = tensor.withElements(as: Float.self) { Array($0) }
      }
      let epsilon = Double(norm.float("epsilon", default: 1e-5))
      let scale = (0..<channels).map { Double(gamma[$0]) / (Double(variance[$0]) + epsilon).squareRoot() }
      let perChannel = weights.elementCount / max(channels, 1)
      var newWeights = weights.withElements(as: Float.self) { Array($0) }
      for channel in 0..<channels {
        for offset in 0..<perChannel {
          newWeights[channel * perChannel + offset] = Float(
            Double(newWeights[channel * perChannel + offset]) * scale[channel])
        }
      }
      let newBias = (0..<channels).map { channel -> Float in
        let shifted = Double(bias[channel]) - Double(mean[channel])
        return Float(shifted * scale[channel] + Double(beta[channel]))
      }
      let weightsName = GraphRewriting.freshName("\(conv.inputs[1])_bn", taken: &taken)
      let biasName = GraphRewriting.freshName("\(conv.name)_bn_bias", taken: &taken)
      graph.constants[weightsName] = try GraphRewriting.floatTensor(newWeights, shape: weights.shape)
      graph.constants[biasName] = try GraphRewriting.floatTensor(newBias, shape: [channels])
      graph.nodes[convIndex].inputs = [conv.inputs[0], weightsName, biasName]
      graph.nodes[convIndex].outputs = [norm.outputs[0]]
      removed.insert(index)
    }
    GraphRewriting.removeNodes(removed, from: &graph)
  }
}
