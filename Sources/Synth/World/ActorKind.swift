/// What a road user is, which fixes its shape, size range and class.
public enum ActorKind: String, Sendable, Hashable, Codable, CaseIterable {
  case car, van, truck, bus, motorcycle, bicycle, pedestrian

  public var objectClass: ObjectClass {
    switch self {
    case .truck, .bus: .vehicleLarge
    case .car, .van: .vehicleSmall
    case .motorcycle, .bicycle: .twoWheeler
    case .pedestrian: .pedestrian
    }
  }

  /// Whether it drives in a lane (and has lights).
  public var isVehicle: Bool {
    switch self {
    case .car, .van, .truck, .bus, .motorcycle: true
    case .bicycle, .pedestrian: false
    }
  }

  /// A random size (width, height, length in metres) within the kind's real-world range.
  func randomSize(_ random: inout SynthRandom) -> SIMD3<Double> {
    switch self {
    case .car: SIMD3(random.uniform(1.65, 1.9), random.uniform(1.4, 1.6), random.uniform(3.9, 4.9))
    case .van: SIMD3(random.uniform(1.85, 2.05), random.uniform(1.9, 2.5), random.uniform(4.6, 5.6))
    case .truck: SIMD3(random.uniform(2.3, 2.5), random.uniform(3.0, 3.8), random.uniform(7, 11))
    case .bus: SIMD3(random.uniform(2.45, 2.55), random.uniform(2.9, 3.3), random.uniform(9.5, 12))
    case .motorcycle: SIMD3(random.uniform(0.7, 0.85), random.uniform(1.45, 1.65), random.uniform(1.9, 2.2))
    case .bicycle: SIMD3(random.uniform(0.55, 0.65), random.uniform(1.6, 1.8), random.uniform(1.65, 1.8))
    case .pedestrian: SIMD3(random.uniform(0.45, 0.55), random.uniform(1.5, 1.9), random.uniform(0.3, 0.4))
    }
  }
}
