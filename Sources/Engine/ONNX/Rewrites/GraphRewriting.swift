/// Small helpers the import rewrites share. Every rewrite takes a validated graph (nodes in
/// topological order) and keeps it valid: one producer per tensor, every read tensor produced,
/// graph inputs and outputs keeping their names.
enum GraphRewriting {
  /// For each tensor, the nodes that read it (by index; a node reading it twice is listed once).
  static func consumers(_ graph: Graph) -> [String: [Int]] {
    var result: [String: [Int]] = [:]
    for (index, node) in graph.nodes.enumerated() {
      for input in Set(node.inputs) where !input.isEmpty { result[input, default: []].append(index) }
    }
    return result
  }

  /// Every tensor name in use: inputs, outputs, constants, node inputs and outputs.
  static func names(_ graph: Graph) -> Set<String> {
    var result = Set(graph.inputs.map(\.name)).union(graph.outputs).union(graph.constants.keys)
    for node in graph.nodes {
      result.formUnion(node.inputs)
      result.formUnion(node.outputs)
    }
    return result
  }

  /// `base`, or `base_1`, `base_2`, ... whichever is not taken; records the choice in `taken`.
  static func freshName(_ base: String, taken: inout Set<String>) -> String {
    var candidate = base
    var suffix = 1
    while taken.contains(candidate) {
      candidate = "\(base)_\(suffix)"
      suffix += 1
    }
    taken.insert(candidate)
    return candidate
  }

  /// Makes every node read `new` where it read `old`.
  static func replaceUses(of old: String, with new: String, in graph: inout Graph) {
    for index in graph.nodes.indices where graph.nodes[index].inputs.contains(old) {
      graph.nodes[index].inputs = graph.nodes[index].inputs.map { $0 == old ? new : $0 }
    }
  }

  /// Removes the nodes at `indices`, keeping the order of the others.
  static func removeNodes(_ indices: Set<Int>, from graph: inout Graph) {
    guard !indices.isEmpty else { return }
    graph.nodes = graph.nodes.enumerated().filter { !indices.contains($0.offset) }.map(\.element)
  }

  /// A constant's only value as a float, if it is a one-element float32 constant.
  static func scalar(_ name: String, in graph: Graph) -> Float? {
    guard let tensor = graph.constants[name], tensor.elementType == .float32, tensor.elementCount == 1 else {
      return nil
    }
    return tensor.withElements(as: Float.self) { $0[0] }
  }

  /// Makes a float32 constant tensor.
  static func floatTensor(_ values: [Float], shape: [Int]) throws(GraphError) -> Tensor {
    do {
      let tensor = try Tensor(shape: shape, elementType: .float32)
      tensor.withMutableElements(as: Float.self) { target in
        for index in values.indices { target[index] = values[index] }
      }
      return tensor
    } catch {
      throw GraphError("cannot make a constant of shape \(shape): \(error)")
    }
  }

  /// Makes an int32 constant tensor.
  static func intTensor(_ values: [Int], shape: [Int]) throws(GraphError) -> Tensor {
    do {
      let tensor = try Tensor(shape: shape, elementType: .int32)
      tensor.withMutableElements(as: Int32.self) { target in
        for index in values.indices { target[index] = Int32(clamping: values[index]) }
      }
      return tensor
    } catch {
      throw GraphError("cannot make a constant of shape \(shape): \(error)")
    }
  }
}
