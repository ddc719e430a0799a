/// One message of the offload protocol (see `WireCodec` for the framing).
public enum WireMessage: Sendable {
  case tailRequest(TailRequest)
  case tailReply(TailReply)
  case errorReply(ErrorReply)
  case profileRequest(ProfileRequest)
  case profileReply(ProfileReply)
  case ping(Ping)
  case pong(Pong)

  public var type: WireMessageType {
    switch self {
    case .tailRequest: .tailRequest
    case .tailReply: .tailReply
    case .errorReply: .errorReply
    case .profileRequest: .profileRequest
    case .profileReply: .profileReply
    case .ping: .ping
    case .pong: .pong
    }
  }

  /// The frame or request id the message carries (nil for an error about an unreadable message):
  /// what a reply is matched to its request by.
  public var id: UInt64? {
    switch self {
    case .tailRequest(let message): message.frameID
    case .tailReply(let message): message.frameID
    case .errorReply(let message): message.frameID
    case .profileRequest(let message): message.requestID
    case .profileReply(let message): message.requestID
    case .ping(let message): message.requestID
    case .pong(let message): message.requestID
    }
  }
}
