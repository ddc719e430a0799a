/// An offload planning failure with a sentence naming what was wrong (a profile that does not
/// match the model, a node missing from a profile, a constraint no cut can meet).
public struct OffloadError: Error, Equatable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
