/// Sky, ground and atmosphere colours and the sun for a light and weather.
struct Palette {
  var skyTop: SIMD3<Float>
  var skyHorizon: SIMD3<Float>
  var fog: SIMD3<Float>
  var ambient: Float
  var sun: Float
  /// Direction towards the sun in the level ego frame (y down, so negative y is up).
  var sunDirection: SIMD3<Double>
  var headlights: Float
  var asphalt: SIMD3<Float>
  var wet: Bool

  init(_ conditions: Conditions, random: inout SynthRandom) {
    let azimuth = conditions.sunGlare?.x ?? random.uniform(-1.2, 1.2)
    switch conditions.light {
    case .day:
      skyTop = SIMD3(0.18, 0.35, 0.75)
      skyHorizon = SIMD3(0.62, 0.72, 0.85)
      ambient = 0.5
      sun = 0.75
      headlights = 0
      sunDirection = SIMD3(azimuth, -0.9, 0.4)
    case .dusk:
      skyTop = SIMD3(0.1, 0.1, 0.28)
      skyHorizon = SIMD3(0.9, 0.45, 0.22)
      ambient = 0.18
      sun = 0.35
      headlights = 0.6
      sunDirection = SIMD3(azimuth, -0.12, 1)
    case .night:
      skyTop = SIMD3(0.002, 0.003, 0.008)
      skyHorizon = SIMD3(0.02, 0.018, 0.025)
      ambient = 0.015
      sun = 0
      headlights = 2.5
      sunDirection = SIMD3(0, -1, 0)
    }
    let length = (sunDirection * sunDirection).sum().squareRoot()
    sunDirection /= length
    asphalt = SIMD3(repeating: Float(random.uniform(0.07, 0.13)))
    wet = conditions.weather == .rain
    switch conditions.weather {
    case .clear: fog = skyHorizon
    case .rain, .fog:
      let grey: Float = conditions.light == .night ? 0.02 : (conditions.light == .dusk ? 0.25 : 0.6)
      fog = SIMD3(repeating: grey)
      skyTop = skyTop * 0.3 + fog * 0.7
      skyHorizon = skyHorizon * 0.2 + fog * 0.8
      ambient *= 0.85
      sun *= 0.3
    }
    if wet { asphalt *= 0.7 }
  }
}
