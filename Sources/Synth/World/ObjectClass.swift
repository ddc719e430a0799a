/// The detector's classes, in the order every label file and model lists them.
public enum ObjectClass: String, Sendable, Hashable, Codable, CaseIterable {
  /// Trucks and buses.
  case vehicleLarge = "vehicle-large"
  /// Cars and vans.
  case vehicleSmall = "vehicle-small"
  /// Motorcycles and bicycles with their riders.
  case twoWheeler = "two-wheeler"
  case pedestrian

  /// The class index (the position in `allCases`).
  public var index: Int { ObjectClass.allCases.firstIndex(of: self)! }
}
