/// Gives int8/uint8 constants and graph inputs the quantization their DequantizeLinear reads
/// them with, so the tensor carries its own scale and zero point (the QDQ fusion and the bundle
/// writer read them from there). Other int8/uint8 constants, such as zero points, stay plain
/// integers (scale 1, zero point 0). A tensor dequantized in two different ways stays plain.
enum QuantizationAnnotation {
  static func apply(_ graph: inout Graph) throws(GraphError) {
    var found: [String: Quantization?] = [:]  // nil: conflicting uses
    for node in graph.nodes where node.op == "DequantizeLinear" && node.inputs.count >= 2 {
      let name = node.inputs[0]
      guard let quantization = quantization(of: node, graph: graph) else { continue }
      if let previous = found[name], previous != quantization {
        found[name] = .some(nil)
      } else {
        found[name] = quantization
      }
    }
    for (name, choice) in found {
      guard let quantization = choice else { continue }
      if let tensor = graph.constants[name] {
        let annotated: Tensor
        do {
          annotated = try Tensor(
            shape: tensor.shape, elementType: tensor.elementType, quantization: quantization)
        } catch {
          throw GraphError("tensor \(name): \(error)")
        }
        annotated.mutableBytes.copyMemory(from: tensor.bytes)
        graph.constants[name] = annotated
      } else if let index = graph.inputs.firstIndex(where: { $0.name == name }) {
        graph.inputs[index].quantization = quantization
      }
    }
  }

  /// The quantization a DequantizeLinear with constant scale and zero point applies to its input.
  static func quantization(of node: Node, graph: Graph) -> Quantization? {
    let name = node.inputs[0]
    let type: ElementType
    let shape: [Int]
    if let tensor = graph.constants[name] {
      (type, shape) = (tensor.elementType, tensor.shape)
    } else if let input = graph.inputs.first(where: { $0.name == name }) {
      (type, shape) = (input.elementType, input.shape)
    } else {
      return nil
    }
    return quantization(of: node, type: type, shape: shape, constants: graph.constants)
  }

  /// The quantization a DequantizeLinear with constant scale and zero point applies to an input
  /// of `type` and `shape`.
  static func quantization(of node: Node, type: ElementType, shape: [Int], constants: [String: Tensor])
    -> Quantization?
  {
    let constants = ConstantLookup(constants)
    guard type.isQuantized, node.int("block_size", default: 0) == 0,
      let scales = constants.floats(node.inputs[1]),
      !scales.isEmpty
    else { return nil }
    var zeroPoints = [Int32](repeating: 0, count: scales.count)
    if node.inputs.count > 2, !node.inputs[2].isEmpty {
      guard let zeros = constants.tensor(node.inputs[2]), zeros.elementType == type,
        let values = constants.ints(node.inputs[2]), values.count == scales.count
      else { return nil }
      zeroPoints = values.map { Int32($0) }
    }
    if scales.count == 1 { return Quantization(scale: scales[0], zeroPoint: zeroPoints[0]) }
    let rank = shape.count
    let rawAxis = node.int("axis", default: 1)
    let axis = rawAxis < 0 ? rawAxis + rank : rawAxis
    guard axis >= 0, axis < rank, shape[axis] == scales.count else { return nil }
    return Quantization(scales: scales, zeroPoints: zeroPoints, axis: axis)
  }
}
