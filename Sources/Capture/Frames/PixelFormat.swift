/// Pixel layouts a `Frame` can carry.
///
/// Raw camera formats are identified by their V4L2 FourCC; decoded video by its libav pixel format.
/// Compressed formats (MJPEG) never reach a consumer: sources decode them first.
public enum PixelFormat: String, Sendable, Hashable, CaseIterable, Codable {
  /// Packed 4:2:2, Y0 U Y1 V.
  case yuyv
  /// Packed 4:2:2, U Y0 V Y1.
  case uyvy
  /// Semi-planar 4:2:0: a Y plane, then interleaved U V at half resolution.
  case nv12
  /// Planar 4:2:0 (I420 / YU12): Y, U, V planes.
  case yuv420p
  /// Planar 4:2:2: Y, then U and V at half width, full height.
  case yuv422p
  /// Planar 4:4:4.
  case yuv444p
  /// Packed 8-bit R G B.
  case rgb24
  /// Packed 8-bit B G R.
  case bgr24
  /// One 8-bit luma plane.
  case gray8
  /// Motion JPEG (compressed; decoded by the source).
  case mjpeg

  /// The V4L2 FourCC as a little-endian code, or nil for formats V4L2 does not name here.
  public var fourCC: UInt32? {
    switch self {
    case .yuyv: FourCC.code("YUYV")
    case .uyvy: FourCC.code("UYVY")
    case .nv12: FourCC.code("NV12")
    case .yuv420p: FourCC.code("YU12")
    case .yuv422p: FourCC.code("422P")
    case .yuv444p: nil
    case .rgb24: FourCC.code("RGB3")
    case .bgr24: FourCC.code("BGR3")
    case .gray8: FourCC.code("GREY")
    case .mjpeg: FourCC.code("MJPG")
    }
  }

  /// The format a V4L2 FourCC names, if Hiyari handles it.
  public init?(fourCC: UInt32) {
    if fourCC == FourCC.code("JPEG") {
      self = .mjpeg
      return
    }
    guard let match = PixelFormat.allCases.first(where: { $0.fourCC == fourCC }) else { return nil }
    self = match
  }

  /// Number of planes in memory.
  public var planeCount: Int {
    switch self {
    case .yuyv, .uyvy, .rgb24, .bgr24, .gray8, .mjpeg: 1
    case .nv12: 2
    case .yuv420p, .yuv422p, .yuv444p: 3
    }
  }

  public var isCompressed: Bool { self == .mjpeg }
}

/// V4L2 four-character codes.
public enum FourCC {
  /// The little-endian code of a four-character string such as "YUYV".
  public static func code(_ text: StaticString) -> UInt32 {
    precondition(text.utf8CodeUnitCount == 4, "a FourCC has four characters")
    let bytes = text.utf8Start
    return UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
  }

  /// The four characters of a code (non-printable bytes shown as '?').
  public static func string(_ code: UInt32) -> String {
    var characters = ""
    for shift in stride(from: 0, to: 32, by: 8) {
      let byte = UInt8((code >> UInt32(shift)) & 0xff)
      characters.append((32...126).contains(byte) ? Character(Unicode.Scalar(byte)) : "?")
    }
    return characters
  }

  /// Parses a four-character string typed by a user.
  public static func parse(_ text: String) -> UInt32? {
    let bytes = Array(text.utf8)
    guard bytes.count == 4 else { return nil }
    return UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
  }
}
