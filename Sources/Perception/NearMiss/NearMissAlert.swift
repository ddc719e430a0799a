/// A real-time alert: a track's risk reached the event level, or rose above the highest level
/// of its current event. Alerts do not repeat within an event or its refractory period.
public struct NearMissAlert: Sendable, Hashable {
  public var trackID: Int
  public var level: RiskLevel
  public var time: Double
  public var ttc: Double?
}
