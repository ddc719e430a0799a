/// One operation of the graph: an operator applied to named input tensors, producing named
/// output tensors. An empty input name marks an omitted optional input, as in ONNX.
public struct Node: Sendable, Hashable, Codable {
  public var name: String
  /// The operator, e.g. "Conv", "Relu", or a Hiyari fused operator such as "QLinearConv".
  public var op: String
  public var inputs: [String]
  public var outputs: [String]
  public var attributes: [String: Attribute]

  public init(
    name: String, op: String, inputs: [String], outputs: [String], attributes: [String: Attribute] = [:]
  ) {
    self.name = name
    self.op = op
    self.inputs = inputs
    self.outputs = outputs
    self.attributes = attributes
  }

  public func int(_ key: String, default value: Int) -> Int { attributes[key]?.intValue ?? value }
  public func ints(_ key: String) -> [Int]? { attributes[key]?.intsValue }
  public func float(_ key: String, default value: Float) -> Float { attributes[key]?.floatValue ?? value }
  public func string(_ key: String, default value: String) -> String { attributes[key]?.stringValue ?? value }
}
