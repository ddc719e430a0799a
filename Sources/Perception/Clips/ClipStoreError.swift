/// A clip store failure: the folder or file and what went wrong.
public struct ClipStoreError: Error, CustomStringConvertible, Equatable {
  public var path: String
  public var reason: String

  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  public var description: String { "\(path): \(reason)" }
}
