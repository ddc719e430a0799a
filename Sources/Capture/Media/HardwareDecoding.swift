/// Whether and how a decoder uses hardware.
public enum HardwareDecoding: Sendable, Equatable {
  /// Software decoding only.
  case none
  /// A hardware decoder when one works for the stream, else software (the default on devices).
  case auto
  /// This hardware only (e.g. "v4l2m2m" on a Raspberry Pi, "vaapi", "cuda"); failing if absent.
  case required(String)

  /// Parses the CLI spelling: `none`, `auto` or a hardware name.
  public init(_ text: String) {
    switch text {
    case "none", "off", "": self = .none
    case "auto": self = .auto
    default: self = .required(text)
    }
  }
}
