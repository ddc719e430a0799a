/// How wide road users are across (metres), by class name: the bound that keeps a box's inner
/// edge from reaching into the ego's path when the box takes in the object's flank. Widths are
/// the usual upper ends (EU vehicle width limit 2.55 m; cars up to about 1.9 m without mirrors;
/// a rider or a pedestrian with room to move), so an object is never made narrower than it is.
public enum ObjectWidth {
  /// The widest road vehicle (EU limit): the bound for classes not listed.
  public static let largest = 2.55

  /// Whether the class is a road vehicle (cars, vans, trucks, buses), which keeps to its lane,
  /// by the names of Hiyari's classes and COCO's.
  public static func isVehicle(className: String) -> Bool {
    switch className.lowercased() {
    case "vehicle-small", "vehicle-large", "car", "truck", "bus": true
    default: false
    }
  }

  /// The width bound for a class, by the names of Hiyari's classes and COCO's (YOLO exports).
  public static func across(className: String) -> Double {
    switch className.lowercased() {
    case "vehicle-small", "car": 1.9
    case "two-wheeler", "bicycle", "motorcycle", "motorbike": 0.9
    case "pedestrian", "person": 0.8
    default: largest
    }
  }
}
