/// Which code values a Y'CbCr signal uses.
public enum YUVRange: String, Sendable, Hashable, CaseIterable {
  /// "TV" or "MPEG" range: Y in 16...235, Cb and Cr in 16...240 (what cameras and codecs send
  /// unless they say otherwise).
  case limited
  /// "PC" or "JPEG" range: all of 0...255.
  case full
}
