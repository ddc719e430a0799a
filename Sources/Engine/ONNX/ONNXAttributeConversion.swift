/// Converts ONNX node attributes into `Attribute`s: INT, INTS, FLOAT, FLOATS and STRING.
///
/// A TENSOR attribute is taken only where the importer knows what it means: Constant's value
/// (which becomes a constant tensor) and a one-element tensor such as ConstantOfShape's `value`,
/// which becomes a scalar `.int` or `.float` attribute. Sub-graphs (If, Loop, Scan), lists of
/// strings, tensors or types, and references to function attributes are refused by name.
enum ONNXAttributeConversion {
  static func convert(_ attribute: Onnx_AttributeProto, node: String, op: String) throws(GraphError)
    -> Attribute
  {
    func refuse(_ what: String) -> GraphError {
      GraphError(
        "attribute \(attribute.name) of node \(node) (\(op)) is \(what), which Hiyari does not import")
    }
    if attribute.hasRefAttrName {
      throw refuse("a reference to a function attribute (\(attribute.refAttrName))")
    }
    switch kind(of: attribute) {
    case .int: return .int(Int(attribute.i))
    case .ints: return .ints(attribute.ints.map { Int($0) })
    case .float: return .float(attribute.f)
    case .floats: return .floats(attribute.floats)
    case .string: return .string(String(decoding: attribute.s, as: UTF8.self))
    case .tensor:
      guard
        case .tensor(let tensor) = try ONNXTensorConversion.convert(
          attribute.t, name: "\(node).\(attribute.name)"),
        tensor.elementCount == 1
      else {
        throw refuse("a tensor (only Constant's value and one-element tensors are imported)")
      }
      switch tensor.elementType {
      case .float32: return .float(tensor.withElements(as: Float.self) { $0[0] })
      case .int32: return .int(Int(tensor.withElements(as: Int32.self) { $0[0] }))
      case .int8: return .int(Int(tensor.withElements(as: Int8.self) { $0[0] }))
      case .uint8: return .int(Int(tensor.withElements(as: UInt8.self) { $0[0] }))
      }
    case .graph, .graphs: throw refuse("a sub-graph")
    case .strings: throw refuse("a list of strings")
    case .tensors, .sparseTensor, .sparseTensors: throw refuse("a list of tensors or a sparse tensor")
    case .typeProto, .typeProtos: throw refuse("a type")
    case .undefined: throw refuse("of no type")
    }
  }

  /// The attribute's type; old exporters left `type` unset, so it is then read off the field set.
  static func kind(of attribute: Onnx_AttributeProto) -> Onnx_AttributeProto.AttributeType {
    if attribute.hasType, attribute.type != .undefined { return attribute.type }
    if attribute.hasF { return .float }
    if attribute.hasI { return .int }
    if attribute.hasS { return .string }
    if attribute.hasT { return .tensor }
    if attribute.hasG { return .graph }
    if !attribute.floats.isEmpty { return .floats }
    if !attribute.ints.isEmpty { return .ints }
    if !attribute.strings.isEmpty { return .strings }
    if !attribute.tensors.isEmpty { return .tensors }
    if !attribute.graphs.isEmpty { return .graphs }
    return .undefined
  }
}
