/// A video frame borrowed from a `FrameSource`.
///
/// Frames are pooled: a source hands out the same few `Frame` objects again and again, pointing
/// at driver (mmap) or decoder buffers. A frame's pixels are valid only until the next call to
/// the source's `nextFrame()` or `close()`; copy what must live longer.
public final class Frame {
  public internal(set) var format: PixelFormat
  public internal(set) var width: Int
  public internal(set) var height: Int
  /// Monotonic time of capture in nanoseconds: the driver's buffer timestamp for cameras (the
  /// clock V4L2 reports, normally CLOCK_MONOTONIC), the presentation time for files.
  public internal(set) var timestampNanoseconds: Int64
  /// The source's sequence number: the driver's for cameras (gaps are dropped frames), the
  /// decode order for files.
  public internal(set) var sequence: Int64
  /// Whether luma and chroma use the full 0-255 range (JPEG) rather than video's limited range.
  public internal(set) var isFullRange: Bool = false
  /// Bytes of the encoded picture when the source is compressed (MJPEG), else 0.
  public internal(set) var encodedByteCount: Int
  private var storedPlanes: (FramePlane?, FramePlane?, FramePlane?)

  init() {
    self.format = .gray8
    self.width = 0
    self.height = 0
    self.timestampNanoseconds = 0
    self.sequence = 0
    self.encodedByteCount = 0
    self.storedPlanes = (nil, nil, nil)
  }

  /// Wraps pixels the caller owns (for tests, benchmarks and tools that make their own images).
  /// `planes` must hold `format.planeCount` planes that stay valid while the frame is used.
  public convenience init(
    format: PixelFormat, width: Int, height: Int, planes: [FramePlane],
    timestampNanoseconds: Int64 = 0, sequence: Int64 = 0
  ) {
    precondition(planes.count == format.planeCount, "\(format) needs \(format.planeCount) planes")
    self.init()
    self.format = format
    self.width = width
    self.height = height
    self.timestampNanoseconds = timestampNanoseconds
    self.sequence = sequence
    setPlanes(planes[0], planes.count > 1 ? planes[1] : nil, planes.count > 2 ? planes[2] : nil)
  }

  /// Number of planes present.
  public var planeCount: Int { format.planeCount }

  /// Plane `index` (0 ..< planeCount).
  public func plane(_ index: Int) -> FramePlane {
    let plane: FramePlane? =
      switch index {
      case 0: storedPlanes.0
      case 1: storedPlanes.1
      case 2: storedPlanes.2
      default: nil
      }
    guard let plane else { preconditionFailure("plane \(index) of a \(format) frame") }
    return plane
  }

  /// Points the frame at new pixels (sources reuse their frames).
  func assign(
    format: PixelFormat, width: Int, height: Int, timestampNanoseconds: Int64, sequence: Int64,
    isFullRange: Bool = false
  ) {
    self.format = format
    self.width = width
    self.height = height
    self.timestampNanoseconds = timestampNanoseconds
    self.sequence = sequence
    self.isFullRange = isFullRange
  }

  func setPlanes(_ p0: FramePlane, _ p1: FramePlane? = nil, _ p2: FramePlane? = nil) {
    storedPlanes = (p0, p1, p2)
  }
}
