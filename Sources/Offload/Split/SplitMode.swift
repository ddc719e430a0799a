import Engine

/// Where a model's nodes run.
public enum SplitMode: Sendable, Hashable {
  /// Every node on the device; nothing is sent.
  case deviceOnly
  /// Every node on the server: the cut at the model's inputs (pixels travel as uint8 when they
  /// are exactly 8-bit codes, see `PixelCodes`).
  case cloudOnly
  /// The head of `Cut` on the device, the tail on the server.
  case split(Cut)
}
