/// An axis-aligned box in pixels, given by its edges (`minX` left, `minY` top; y grows down).
public struct BoundingBox: Sendable, Hashable, Codable {
  public var minX: Double
  public var minY: Double
  public var maxX: Double
  public var maxY: Double

  public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
    self.minX = minX
    self.minY = minY
    self.maxX = maxX
    self.maxY = maxY
  }

  /// The box with centre (`centerX`, `centerY`) and the given size.
  public init(centerX: Double, centerY: Double, width: Double, height: Double) {
    self.init(
      minX: centerX - width / 2, minY: centerY - height / 2, maxX: centerX + width / 2,
      maxY: centerY + height / 2)
  }

  public var width: Double { max(0, maxX - minX) }
  public var height: Double { max(0, maxY - minY) }
  public var area: Double { width * height }
  public var centerX: Double { (minX + maxX) / 2 }
  public var centerY: Double { (minY + maxY) / 2 }

  /// Intersection over union; 0 when either box is empty.
  public func intersectionOverUnion(_ other: BoundingBox) -> Double {
    let width = min(maxX, other.maxX) - max(minX, other.minX)
    let height = min(maxY, other.maxY) - max(minY, other.minY)
    guard width > 0, height > 0 else { return 0 }
    let intersection = width * height
    let union = area + other.area - intersection
    return union > 0 ? intersection / union : 0
  }

  /// The box clipped to `0...width` × `0...height`.
  public func clipped(width: Double, height: Double) -> BoundingBox {
    BoundingBox(
      minX: min(max(minX, 0), width), minY: min(max(minY, 0), height),
      maxX: min(max(maxX, 0), width), maxY: min(max(maxY, 0), height))
  }

  /// Whether all four edges are finite numbers.
  public var isFinite: Bool { minX.isFinite && minY.isFinite && maxX.isFinite && maxY.isFinite }
}
