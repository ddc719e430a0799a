/// Why an `OffloadController` runs frames on the device for a while instead of offloading.
public enum OffloadHold: String, Sendable, Hashable {
  /// Several offloads in a row failed: the device waits `holdSeconds` before trying again.
  case repeatedFallbacks
  /// The hold ended but the client has no connection yet.
  case disconnected
}
