/// A frame rate as V4L2 states it: the time per frame as a fraction of a second.
public struct FrameInterval: Sendable, Hashable, Codable {
  public var numerator: UInt32
  public var denominator: UInt32

  public init(numerator: UInt32, denominator: UInt32) {
    self.numerator = numerator
    self.denominator = denominator
  }

  /// Frames per second (0 for a degenerate interval).
  public var framesPerSecond: Double {
    numerator == 0 ? 0 : Double(denominator) / Double(numerator)
  }
}

/// Frame sizes a format offers at one size, and the intervals (rates) at that size.
public struct FrameSizeDescription: Sendable, Hashable, Codable {
  public var width: Int
  public var height: Int
  /// Discrete intervals; empty when the driver reports a continuous range or none.
  public var intervals: [FrameInterval]

  public init(width: Int, height: Int, intervals: [FrameInterval]) {
    self.width = width
    self.height = height
    self.intervals = intervals
  }
}

/// A pixel format a device offers, with its sizes.
public struct FormatDescription: Sendable, Hashable, Codable {
  public var fourCC: UInt32
  public var description: String
  public var isCompressed: Bool
  /// Converted in software by libv4l2 rather than produced by the device.
  public var isEmulated: Bool
  public var sizes: [FrameSizeDescription]

  public init(
    fourCC: UInt32, description: String, isCompressed: Bool, isEmulated: Bool,
    sizes: [FrameSizeDescription]
  ) {
    self.fourCC = fourCC
    self.description = description
    self.isCompressed = isCompressed
    self.isEmulated = isEmulated
    self.sizes = sizes
  }
}

/// What `VIDIOC_QUERYCAP` and the format enumeration report about a device.
public struct V4L2DeviceInfo: Sendable, Hashable, Codable {
  public var path: String
  public var driver: String
  public var card: String
  public var busInfo: String
  public var canCapture: Bool
  public var canStream: Bool
  public var formats: [FormatDescription]
}
