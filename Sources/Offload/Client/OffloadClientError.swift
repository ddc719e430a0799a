/// Why an offload request got no result: what the split executor falls back on.
public struct OffloadClientError: Error, Sendable, CustomStringConvertible {
  public enum Kind: Sendable, Hashable {
    /// No connection is up (the client is between reconnect attempts).
    case notConnected
    /// The connection dropped with the request in flight.
    case connectionLost
    /// No reply within the request's deadline.
    case deadlineExceeded
    /// The server answered with an `ErrorReply` (its code is in `refusal`).
    case refused
    /// The request could not be encoded within the limits.
    case unencodable
    /// A request with the same id is already in flight.
    case duplicateID
    /// The server's reply was not the kind the request asks for.
    case unexpectedReply
    /// The client was closed.
    case closed
  }

  public var kind: Kind
  public var detail: String
  /// The server's refusal, for `.refused`.
  public var refusal: WireError?
  /// Bytes of the request that went onto the wire (0 when it was never sent).
  public var bytesUp: Int

  public init(_ kind: Kind, _ detail: String, refusal: WireError? = nil, bytesUp: Int = 0) {
    self.kind = kind
    self.detail = detail
    self.refusal = refusal
    self.bytesUp = bytesUp
  }

  public var description: String { "\(kind): \(detail)" }
}
