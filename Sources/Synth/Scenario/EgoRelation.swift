/// How a road user stands relative to the ego at one instant: the physics behind `in_ego_path`,
/// `ttc_s` and the near-miss ground truth.
///
/// All in road (Frenet) coordinates, with the camera's position taken as the ego's front (the
/// convention a camera-only estimator can observe):
/// - `gap`: metres along the road from the camera to the user's nearest point (its rear face for a
///   lead vehicle); the user's extent along the road is its footprint rotated by its heading.
/// - `closingSpeed`: ego's ds/dt minus the user's ds/dt (positive when the gap shrinks).
/// - `inEgoPath`: the user is ahead (gap > 0) and its footprint across the road overlaps the ego
///   corridor, d_ego ± `corridorHalfWidth` (1.0 m: a 1.8 m wide car with 0.1 m each side).
/// - `ttc`: gap / closingSpeed when in the ego path and closing faster than 0.1 m/s, else nil.
public struct EgoRelation: Sendable, Hashable {
  public static let corridorHalfWidth = 1.0
  public var gap: Double
  public var closingSpeed: Double
  public var inEgoPath: Bool
  public var ttc: Double?

  public init(ego: ActorState, actor: Actor, state: ActorState) {
    let extents = actor.halfExtents(yaw: state.yaw)
    gap = state.s - extents.alongS - ego.s
    closingSpeed = ego.speedS - state.speedS
    let lateral = abs(state.d - ego.d)
    inEgoPath = gap > 0 && lateral < extents.acrossD + EgoRelation.corridorHalfWidth
    ttc = inEgoPath && closingSpeed > 0.1 ? gap / closingSpeed : nil
  }
}
