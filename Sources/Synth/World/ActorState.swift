/// Where a road user is at one instant, in road (Frenet) coordinates.
public struct ActorState: Sendable, Hashable {
  /// Metres along the road and across it (positive right).
  public var s: Double
  public var d: Double
  /// Rates of s and d in m/s.
  public var speedS: Double
  public var speedD: Double
  /// Heading relative to the road's direction, radians (0 along +s, pi oncoming, positive turns
  /// right).
  public var yaw: Double
  /// Longitudinal acceleration along the heading (m/s^2); brake lights show below -1.
  public var acceleration: Double
  /// Distance walked or ridden so far (drives leg and wheel animation).
  public var travelled: Double

  public init(
    s: Double, d: Double, speedS: Double = 0, speedD: Double = 0, yaw: Double = 0, acceleration: Double = 0,
    travelled: Double = 0
  ) {
    self.s = s
    self.d = d
    self.speedS = speedS
    self.speedD = speedD
    self.yaw = yaw
    self.acceleration = acceleration
    self.travelled = travelled
  }

  /// Linear interpolation towards `other`.
  func blended(_ other: ActorState, _ t: Double) -> ActorState {
    ActorState(
      s: s + (other.s - s) * t, d: d + (other.d - d) * t, speedS: speedS + (other.speedS - speedS) * t,
      speedD: speedD + (other.speedD - speedD) * t, yaw: yaw + (other.yaw - yaw) * t,
      acceleration: acceleration + (other.acceleration - acceleration) * t,
      travelled: travelled + (other.travelled - travelled) * t)
  }
}
