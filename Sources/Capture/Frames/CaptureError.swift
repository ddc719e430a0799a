/// A frame source failure that names the source and the reason.
public struct CaptureError: Error, CustomStringConvertible, Equatable {
  /// What went wrong, in categories a caller can act on.
  public enum Kind: String, Sendable, Equatable {
    /// The device or file does not exist.
    case notFound
    /// Permission denied.
    case accessDenied
    /// The device exists but cannot capture video (or stream it).
    case notACaptureDevice
    /// No format, size or rate the source offers can serve the request.
    case unsupportedFormat
    /// The file or stream is not a video Hiyari can decode (corrupt, truncated, not media).
    case invalidMedia
    /// The device went away (unplugged) and did not come back in time.
    case disconnected
    /// No frame arrived within the timeout.
    case timedOut
    /// The source was closed.
    case closed
    /// Any other system or library failure.
    case systemError
  }

  public var source: String
  public var kind: Kind
  public var reason: String

  public init(source: String, kind: Kind, reason: String) {
    self.source = source
    self.kind = kind
    self.reason = reason
  }

  public var description: String { "\(source): \(reason)" }
}
