/// The operators the engine can run, by name.
public struct OperatorRegistry: Sendable {
  public var definitions: [String: OperatorDefinition]

  public init(_ definitions: [String: OperatorDefinition] = [:]) { self.definitions = definitions }

  /// Merges operator families; a name defined twice is a programming error.
  public init(merging families: [[String: OperatorDefinition]]) {
    var merged: [String: OperatorDefinition] = [:]
    for family in families {
      merged.merge(family) { _, _ in preconditionFailure("an operator is defined by two families") }
    }
    self.definitions = merged
  }

  public subscript(op: String) -> OperatorDefinition? { definitions[op] }

  /// Names of the supported operators, sorted.
  public var operatorNames: [String] { definitions.keys.sorted() }
}
