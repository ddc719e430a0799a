/// Rewrites operators of older opsets into the form the engine's operators implement (the form of
/// opset 13 and later), so that no operator needs to know the model's opset:
/// - Softmax, LogSoftmax, Hardmax before 13 worked on the input flattened to 2-D at `axis`
///   (default 1): the axis becomes explicit when it is the last one, and otherwise the node becomes
///   Flatten -> op(axis -1) -> Reshape back to the input's shape.
/// - Attributes that later became inputs become constant inputs: Pad's `pads`/`value` (before
///   11), Slice's `starts`/`ends`/`axes` (before 10), Squeeze's and Unsqueeze's `axes` and Split's
///   `split` (before 13), ReduceSum's `axes` (before 13) and the other reductions' (before 18).
/// - Resize of opset 10 (inputs X, scales; asymmetric coordinates) and Upsample (7, 9) become
///   Resize with an empty roi, `coordinate_transformation_mode` "asymmetric" and, for nearest,
///   `nearest_mode` "floor" (what Upsample's nearest does when it enlarges).
enum OpsetNormalization {
  static let reductions: Set<String> = [
    "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
    "ReduceLogSumExp", "ReduceSumSquare",
  ]

  static func apply(_ graph: inout Graph, opset: Int, registry: OperatorRegistry) throws(GraphError) {
    if opset >= 18 { return }
    var taken = GraphRewriting.names(graph)
    var infos: [String: TensorInfo]?
    var rewritten: [Node] = []
    rewritten.reserveCapacity(graph.nodes.count)
    for var node in graph.nodes {
      /// Moves integer attribute `name` into input slot `slot` as a constant.
      func intsInput(_ name: String, slot: Int) throws(GraphError) {
        guard let values = node.attributes.removeValue(forKey: name)?.intsValue else { return }
        let constant = GraphRewriting.freshName("\(node.name)_\(name)", taken: &taken)
        graph.constants[constant] = try GraphRewriting.intTensor(values, shape: [values.count])
        while node.inputs.count <= slot { node.inputs.append("") }
        node.inputs[slot] = constant
      }
      switch node.op {
      case "Softmax" where opset < 13, "LogSoftmax" where opset < 13, "Hardmax" where opset < 13:
        if infos == nil { infos = PartialShapeInference.infer(graph, registry: registry) }
        let axis = node.int("axis", default: 1)
        if let rank = infos?[node.inputs[0]]?.shape.count, axis == rank - 1 || axis == -1 {
          node.attributes["axis"] = .int(-1)
          break
        }
        let input = node.inputs[0]
        let flat = GraphRewriting.freshName("\(node.name)_flat", taken: &taken)
        let normalized = GraphRewriting.freshName("\(node.name)_2d", taken: &taken)
        let shape = GraphRewriting.freshName("\(node.name)_shape", taken: &taken)
        rewritten.append(
          Node(name: flat, op: "Flatten", inputs: [input], outputs: [flat], attributes: ["axis": .int(axis)]))
        rewritten.append(
          Node(
            name: node.name, op: node.op, inputs: [flat], outputs: [normalized],
            attributes: ["axis": .int(-1)]))
        rewritten.append(Node(name: shape, op: "Shape", inputs: [input], outputs: [shape]))
        rewritten.append(
          Node(
            name: "\(node.name)_reshape", op: "Reshape", inputs: [normalized, shape], outputs: node.outputs))
        continue
      case "Pad" where opset < 11:
        let value = node.attributes.removeValue(forKey: "value")?.floatValue ?? 0
        try intsInput("pads", slot: 1)
        let constant = GraphRewriting.freshName("\(node.name)_value", taken: &taken)
        graph.constants[constant] = try GraphRewriting.floatTensor([value], shape: [])
        node.inputs.append(constant)
      case "Slice" where opset < 10:
        try intsInput("starts", slot: 1)
        try intsInput("ends", slot: 2)
        try intsInput("axes", slot: 3)
      case "Squeeze" where opset < 13, "Unsqueeze" where opset < 13:
        try intsInput("axes", slot: 1)
      case "Split" where opset < 13:
        try intsInput("split", slot: 1)
      case "ReduceSum" where opset < 13:
        try intsInput("axes", slot: 1)
      case _ where reductions.contains(node.op):
        try intsInput("axes", slot: 1)
      case "Resize" where opset < 11:
        node.inputs = [node.inputs[0], "", node.inputs.count > 1 ? node.inputs[1] : ""]
        asymmetric(&node)
      case "Upsample":
        if let scales = node.attributes.removeValue(forKey: "scales")?.floatsValue {
          let constant = GraphRewriting.freshName("\(node.name)_scales", taken: &taken)
          graph.constants[constant] = try GraphRewriting.floatTensor(scales, shape: [scales.count])
          node.inputs = [node.inputs[0], constant]
        }
        node.op = "Resize"
        node.inputs = [node.inputs[0], "", node.inputs.count > 1 ? node.inputs[1] : ""]
        asymmetric(&node)
      default:
        break
      }
      rewritten.append(node)
    }
    graph.nodes = rewritten
  }

  /// The coordinate mapping of Upsample and opset-10 Resize.
  private static func asymmetric(_ node: inout Node) {
    let mode = node.string("mode", default: "nearest")
    node.attributes["mode"] = .string(mode == "bilinear" ? "linear" : mode)
    node.attributes["coordinate_transformation_mode"] = .string("asymmetric")
    if mode == "nearest" { node.attributes["nearest_mode"] = .string("floor") }
  }
}
