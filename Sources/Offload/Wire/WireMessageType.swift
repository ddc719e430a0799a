/// The message type byte of a frame.
public enum WireMessageType: UInt8, Sendable, Hashable, CaseIterable {
  case tailRequest = 1
  case tailReply = 2
  case errorReply = 3
  case profileRequest = 4
  case profileReply = 5
  case ping = 6
  case pong = 7
}
