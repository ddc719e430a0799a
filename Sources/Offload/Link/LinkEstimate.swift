/// What the planner assumes about the link between the device and the cloud: uplink and downlink
/// rates and the round-trip time. Transfer time is bytes over rate (serialization); the RTT is
/// added once per request by the plan, not per tensor, since all crossing tensors of a frame
/// travel in one message.
public struct LinkEstimate: Sendable, Hashable, Codable {
  public var uplinkBitsPerSecond: Double
  public var downlinkBitsPerSecond: Double
  public var roundTripSeconds: Double

  public init(uplinkBitsPerSecond: Double, downlinkBitsPerSecond: Double, roundTripSeconds: Double) {
    self.uplinkBitsPerSecond = uplinkBitsPerSecond
    self.downlinkBitsPerSecond = downlinkBitsPerSecond
    self.roundTripSeconds = roundTripSeconds
  }

  /// Seconds to send `bytes` up: infinite on a dead uplink (rate 0), 0 for nothing to send.
  public func uploadSeconds(_ bytes: Int) -> Double {
    Self.seconds(bytes, bitsPerSecond: uplinkBitsPerSecond)
  }

  /// Seconds to receive `bytes`.
  public func downloadSeconds(_ bytes: Int) -> Double {
    Self.seconds(bytes, bitsPerSecond: downlinkBitsPerSecond)
  }

  static func seconds(_ bytes: Int, bitsPerSecond: Double) -> Double {
    // Nothing to send costs nothing even on a dead link (0/0 would be NaN).
    bytes == 0 ? 0 : Double(bytes) * 8 / bitsPerSecond
  }
}
