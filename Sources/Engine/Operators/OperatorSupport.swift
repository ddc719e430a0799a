/// Helpers shared by operator definitions: input checks that turn malformed graphs into
/// `GraphError`s naming the node.
enum OperatorSupport {
  /// The description of input `index`, which must be present.
  static func input(_ node: Node, _ inputs: [TensorInfo?], _ index: Int) throws(GraphError) -> TensorInfo {
    guard index < inputs.count, let info = inputs[index] else {
      throw GraphError("node \(node.name) (\(node.op)) is missing input \(index)")
    }
    return info
  }

  /// Input `index` as a float32 tensor.
  static func floatInput(_ node: Node, _ inputs: [TensorInfo?], _ index: Int) throws(GraphError) -> TensorInfo
  {
    let info = try input(node, inputs, index)
    guard info.elementType == .float32 else {
      throw GraphError("node \(node.name) (\(node.op)) needs float32 input \(index), not \(info.elementType)")
    }
    return info
  }

  /// The bound view of input `index`, which must be present.
  static func view(_ node: Node, _ views: [TensorView?], _ index: Int) throws(GraphError) -> TensorView {
    guard index < views.count, let view = views[index] else {
      throw GraphError("node \(node.name) (\(node.op)) is missing input \(index)")
    }
    return view
  }

  /// An output description with the same shape and type as `info`.
  static func like(_ info: TensorInfo, _ node: Node, type: ElementType? = nil) -> TensorInfo {
    TensorInfo(
      name: node.outputs.first ?? "", elementType: type ?? info.elementType, shape: info.shape,
      quantization: type == nil ? info.quantization : nil)
  }

  /// Normalises a possibly negative axis for a tensor of `rank`.
  static func axis(_ axis: Int, rank: Int, _ node: Node) throws(GraphError) -> Int {
    let normalised = axis < 0 ? axis + rank : axis
    guard normalised >= 0 && normalised < max(rank, 1) else {
      throw GraphError("node \(node.name) (\(node.op)) has axis \(axis) out of range for rank \(rank)")
    }
    return normalised
  }
}
