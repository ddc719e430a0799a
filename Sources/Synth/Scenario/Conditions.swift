/// Weather in a scene.
public enum Weather: String, Sendable, Hashable, Codable, CaseIterable {
  case clear, rain, fog
}

/// Time of day in a scene.
public enum Light: String, Sendable, Hashable, Codable, CaseIterable {
  case day, dusk, night
}

/// Everything about how a scene looks that is not geometry: weather, light and the sensor.
public struct Conditions: Sendable, Hashable {
  public var weather: Weather
  public var light: Light
  /// Metres at which fog (or rain haze) hides 63% of an object's contrast; infinity for none.
  public var visibility: Double
  /// Raindrop streaks per frame per megapixel (0 in dry weather).
  public var rainStreaks: Double
  /// The sun's direction as a pixel offset from the image centre, in units of the focal length,
  /// when it shines into the lens (glare); nil when it does not.
  public var sunGlare: SIMD2<Double>?
  /// Standard deviation of sensor noise in 8-bit steps.
  public var noise: Double
  /// Radial motion blur as a fraction of the distance from the focus of expansion per m/s of ego
  /// speed.
  public var motionBlur: Double
  /// Exposure multiplier before the tone curve.
  public var exposure: Double

  public init(
    weather: Weather, light: Light, visibility: Double = .infinity, rainStreaks: Double = 0,
    sunGlare: SIMD2<Double>? = nil, noise: Double = 2, motionBlur: Double = 0.0004, exposure: Double = 1
  ) {
    self.weather = weather
    self.light = light
    self.visibility = visibility
    self.rainStreaks = rainStreaks
    self.sunGlare = sunGlare
    self.noise = noise
    self.motionBlur = motionBlur
    self.exposure = exposure
  }

  /// Random conditions: mostly clear days, with enough rain, fog, dusk and night to learn them.
  public static func random(_ random: inout SynthRandom) -> Conditions {
    let weather = random.pick([(Weather.clear, 0.55), (.rain, 0.25), (.fog, 0.2)])
    let light = random.pick([(Light.day, 0.5), (.dusk, 0.2), (.night, 0.3)])
    return random.conditions(weather: weather, light: light)
  }
}

extension SynthRandom {
  /// Random details (fog density, glare, noise) for a chosen weather and light.
  public mutating func conditions(weather: Weather, light: Light) -> Conditions {
    var conditions = Conditions(weather: weather, light: light)
    switch weather {
    case .clear: conditions.visibility = uniform(600, 2000)
    case .rain:
      conditions.visibility = uniform(150, 400)
      conditions.rainStreaks = uniform(150, 600)
    case .fog: conditions.visibility = uniform(35, 120)
    }
    if weather == .clear && light != .night && chance(light == .dusk ? 0.6 : 0.25) {
      let elevation = light == .dusk ? uniform(0.02, 0.12) : uniform(0.1, 0.35)
      conditions.sunGlare = SIMD2(uniform(-0.7, 0.7), -elevation)
    }
    switch light {
    case .day: conditions.noise = uniform(1, 3)
    case .dusk: conditions.noise = uniform(2, 5)
    case .night: conditions.noise = uniform(3, 7)
    }
    conditions.motionBlur = (light == .night ? uniform(0.0006, 0.0012) : uniform(0.0001, 0.0005))
    conditions.exposure = uniform(0.85, 1.15)
    return conditions
  }
}
