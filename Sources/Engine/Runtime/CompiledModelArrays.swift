extension CompiledModel {
  /// Copies `inputs` into the model's input memory, checking each against the graph's
  /// description; a later `run()` reads them. Every graph input must be given.
  public func setInputs(_ inputs: [String: Tensor]) throws(GraphError) {
    for info in graph.inputs {
      guard let tensor = inputs[info.name] else { throw GraphError("missing input \(info.name)") }
      guard tensor.shape == info.shape, tensor.elementType == info.elementType else {
        throw GraphError(
          "input \(info.name) must be \(info.elementType) \(info.shape), not \(tensor.elementType) \(tensor.shape)"
        )
      }
      input(info.name)!.data.copyMemory(from: tensor.bytes.baseAddress!, byteCount: info.byteCount)
    }
  }

  /// Copies of the outputs of the last run, in the graph's output order.
  public func outputTensors() throws(GraphError) -> [(name: String, tensor: Tensor)] {
    var results: [(name: String, tensor: Tensor)] = []
    for name in graph.outputs {
      let view = output(name)!
      let tensor: Tensor
      do {
        tensor = try Tensor(
          shape: view.shape, elementType: view.info.elementType, quantization: view.info.quantization)
      } catch {
        throw GraphError("output \(name): \(error)")
      }
      tensor.mutableBytes.baseAddress!.copyMemory(from: view.data, byteCount: view.info.byteCount)
      results.append((name, tensor))
    }
    return results
  }
}
