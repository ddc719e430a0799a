/// Why a message was refused: the code an `ErrorReply` carries (its raw value is the byte on the
/// wire).
public enum WireErrorCode: UInt8, Sendable, Hashable, CaseIterable {
  /// Not a valid message: bad framing, version, type, count, name or truncated body.
  case malformed = 1
  /// The message exceeds the receiver's size limit.
  case oversized = 2
  /// The server does not serve a model with this hash.
  case unknownModel = 3
  /// The cut is not a valid cut of the model.
  case badCut = 4
  /// A crossing tensor is missing, extra, or has the wrong shape, type or quantization.
  case badTensor = 5
  /// The request's deadline passed before its tail could run.
  case deadlineExpired = 6
  /// The server's queue is full.
  case overloaded = 7
  /// The server failed in a way that is not the request's fault.
  case `internal` = 8
}
