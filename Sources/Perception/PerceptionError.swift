/// A failure of the perception pipeline, naming what was wrong with the input.
public struct PerceptionError: Error, CustomStringConvertible, Sendable {
  public var reason: String

  public init(_ reason: String) { self.reason = reason }

  public var description: String { reason }
}
