#if canImport(Glibc)
  import Glibc
#endif

/// A road user of a scenario with its whole trajectory (one state per video frame).
public struct Actor: Sendable {
  /// The track id in labels.
  public var track: Int
  public var kind: ActorKind
  /// Width, height, length in metres.
  public var size: SIMD3<Double>
  var colour: SIMD3<Float>
  var secondColour: SIMD3<Float>
  var skin: SIMD3<Float>
  /// Parked (lamps off).
  public var isParked: Bool
  /// One state per frame, starting at time 0.
  public var states: [ActorState]

  /// The state at frame `index` (clamped to the trajectory).
  public func state(frame index: Int) -> ActorState { states[max(0, min(states.count - 1, index))] }

  /// Half extents along the road (s) and across it (d) for a heading `yaw` relative to the road.
  func halfExtents(yaw: Double) -> (alongS: Double, acrossD: Double) {
    let c = abs(cos(yaw))
    let s = abs(sin(yaw))
    return (c * size.z / 2 + s * size.x / 2, s * size.z / 2 + c * size.x / 2)
  }
}
