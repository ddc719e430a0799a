/// Training failed for a stated reason (a bad checkpoint, an inconsistent configuration).
public struct TrainingError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
