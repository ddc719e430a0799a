/// The operators the engine can run, by name.
public struct OperatorRegistry: Sendable {
  public var definitions: [String: OperatorDefinition]

  public init(_ definitions: [String: OperatorDefinition] = [:]) { self.definitions = definitions }

  public subscript(op: String) -> OperatorDefinition? { definitions[op] }

  /// Names of the supported operators, sorted.
  public var operatorNames: [String] { definitions.keys.sorted() }
}
