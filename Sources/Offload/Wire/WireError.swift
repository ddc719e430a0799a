/// A message that could not be encoded or decoded, or a refusal from the server: a code, the
/// frame it concerns when known, and a sentence naming what was wrong.
public struct WireError: Error, Sendable, Hashable, CustomStringConvertible {
  public var code: WireErrorCode
  public var frameID: UInt64?
  public var message: String

  public init(_ code: WireErrorCode, _ message: String, frameID: UInt64? = nil) {
    self.code = code
    self.message = message
    self.frameID = frameID
  }

  public var description: String {
    "\(code)\(frameID.map { " (frame \($0))" } ?? ""): \(message)"
  }
}
