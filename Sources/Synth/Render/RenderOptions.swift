/// What a render includes; the defaults make the full picture. Tests and debugging switch parts
/// off to look at geometry alone.
public struct RenderOptions: Sendable, Hashable {
  /// Replace the sky and the road by two flat colours (linear RGB) when set.
  public var flatBackground: (sky: SIMD3<Float>, ground: SIMD3<Float>)?
  /// Draw roadside clutter (buildings, trees, poles).
  public var scenery: Bool
  /// Lamp halos, glare, rain streaks, motion blur and sensor noise.
  public var sensorEffects: Bool

  public init(
    flatBackground: (sky: SIMD3<Float>, ground: SIMD3<Float>)? = nil, scenery: Bool = true,
    sensorEffects: Bool = true
  ) {
    self.flatBackground = flatBackground
    self.scenery = scenery
    self.sensorEffects = sensorEffects
  }

  public static func == (a: RenderOptions, b: RenderOptions) -> Bool {
    a.flatBackground?.sky == b.flatBackground?.sky && a.flatBackground?.ground == b.flatBackground?.ground
      && a.scenery == b.scenery && a.sensorEffects == b.sensorEffects
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(scenery)
    hasher.combine(sensorEffects)
    hasher.combine(flatBackground?.sky)
    hasher.combine(flatBackground?.ground)
  }
}
