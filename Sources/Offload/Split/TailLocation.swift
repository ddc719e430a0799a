/// Where a frame's tail ran.
public enum TailLocation: String, Sendable, Hashable {
  case device
  case cloud
}
