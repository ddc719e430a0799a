/// Why a graph, a model file or a cut is not acceptable; always names what was wrong.
public struct GraphError: Error, Equatable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
