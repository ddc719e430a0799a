/// The shape of the hiyari-fcos detector: classes, input size, strides and the box sizes each
/// stride level is responsible for, and the width multiplier of the network.
public struct DetectorConfiguration: Sendable, Hashable, Codable {
  /// Class names in output-channel order (the agreed interface).
  public static let standardClasses = ["vehicle-large", "vehicle-small", "two-wheeler", "pedestrian"]
  public static let format = "hiyari-fcos"

  public var classes: [String]
  public var inputWidth: Int
  public var inputHeight: Int
  /// Output strides, smallest first; the network has exactly two levels (8 and 16).
  public var strides: [Int]
  /// The largest box-side distance (max of l, t, r, b in pixels) each level regresses; the last
  /// level takes everything above the previous limit.
  public var levelLimits: [Float]
  /// Centre sampling: a cell is a candidate when its centre lies within this many strides of the
  /// box centre (and inside the box).
  public var centreRadius: Float
  /// Channel width multiplier (1 = the shipped size).
  public var width: Float

  public init(
    classes: [String] = DetectorConfiguration.standardClasses, inputWidth: Int = 320, inputHeight: Int = 192,
    levelLimits: [Float] = [64, .infinity], centreRadius: Float = 1.5, width: Float = 1
  ) {
    precondition(inputWidth % 16 == 0 && inputHeight % 16 == 0, "input size must be a multiple of 16")
    self.classes = classes
    self.inputWidth = inputWidth
    self.inputHeight = inputHeight
    self.strides = [8, 16]
    self.levelLimits = levelLimits
    self.centreRadius = centreRadius
    self.width = width
  }

  public var classCount: Int { classes.count }

  /// Channels scaled by the width multiplier, rounded to a multiple of 8 (at least 8).
  func channels(_ base: Int) -> Int { Swift.max(8, Int((Float(base) * width / 8).rounded()) * 8) }

  /// The graph metadata the decoder reads (`detector.*`).
  public var metadata: [String: String] {
    [
      "detector.format": DetectorConfiguration.format,
      "detector.classes": classes.joined(separator: ","),
      "detector.strides": strides.map(String.init).joined(separator: ","),
      "detector.input": "\(inputWidth)x\(inputHeight)",
    ]
  }
}
