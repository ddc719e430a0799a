/// Colours for vehicles, clothes and scenery: linear RGB in 0...1, as the renderer shades them.
enum Paint {
  static let vehicle: [SIMD3<Float>] = [
    SIMD3(0.85, 0.85, 0.85), SIMD3(0.05, 0.05, 0.06), SIMD3(0.45, 0.46, 0.48), SIMD3(0.62, 0.04, 0.04),
    SIMD3(0.05, 0.12, 0.42), SIMD3(0.7, 0.72, 0.74), SIMD3(0.15, 0.15, 0.17), SIMD3(0.78, 0.55, 0.1),
    SIMD3(0.08, 0.3, 0.12), SIMD3(0.55, 0.5, 0.42), SIMD3(0.25, 0.05, 0.08), SIMD3(0.9, 0.9, 0.88),
  ]
  static let clothes: [SIMD3<Float>] = [
    SIMD3(0.05, 0.05, 0.07), SIMD3(0.1, 0.12, 0.25), SIMD3(0.5, 0.08, 0.06), SIMD3(0.6, 0.6, 0.58),
    SIMD3(0.15, 0.3, 0.15), SIMD3(0.7, 0.5, 0.2), SIMD3(0.3, 0.2, 0.15), SIMD3(0.85, 0.8, 0.7),
  ]
  static let skin: [SIMD3<Float>] = [
    SIMD3(0.75, 0.55, 0.42), SIMD3(0.55, 0.36, 0.24), SIMD3(0.3, 0.18, 0.11), SIMD3(0.85, 0.66, 0.52),
  ]
  static let building: [SIMD3<Float>] = [
    SIMD3(0.55, 0.5, 0.45), SIMD3(0.4, 0.38, 0.36), SIMD3(0.65, 0.6, 0.52), SIMD3(0.35, 0.25, 0.2),
    SIMD3(0.7, 0.7, 0.7), SIMD3(0.3, 0.32, 0.36),
  ]
  static let foliage: [SIMD3<Float>] = [
    SIMD3(0.08, 0.2, 0.05), SIMD3(0.12, 0.28, 0.08), SIMD3(0.2, 0.3, 0.08), SIMD3(0.06, 0.15, 0.06),
  ]
  static let glass = SIMD3<Float>(0.03, 0.04, 0.05)
  static let tyre = SIMD3<Float>(0.02, 0.02, 0.02)
  static let tailLight = SIMD3<Float>(0.6, 0.02, 0.01)
  static let headLight = SIMD3<Float>(0.9, 0.88, 0.75)
  static let plate = SIMD3<Float>(0.8, 0.8, 0.7)
}
