import CV4L2

#if canImport(Glibc)
  import Glibc
#endif

/// An open V4L2 device node, through libv4l2 (which adds software conversions for formats a
/// camera lacks). Low-level: ioctls with EINTR retry, capability and format enumeration.
final class V4L2Device {
  let path: String
  private(set) var descriptor: Int32

  /// Opens the node non-blocking; fails with the reason the kernel gave.
  init(path: String) throws(CaptureError) {
    self.path = path
    let descriptor = hiyari_v4l2_open(path)
    guard descriptor >= 0 else {
      let code = errno
      if code == ENOTTY {
        // libv4l2 queries the capabilities while opening; a non-V4L2 node fails there.
        throw CaptureError(source: path, kind: .notACaptureDevice, reason: "is not a V4L2 device")
      }
      let kind: CaptureError.Kind =
        switch code {
        case ENOENT, ENODEV, ENXIO: .notFound
        case EACCES, EPERM: .accessDenied
        default: .systemError
        }
      throw CaptureError(source: path, kind: kind, reason: "cannot open: \(V4L2Device.errorText(code))")
    }
    self.descriptor = descriptor
  }

  deinit { close() }

  func close() {
    if descriptor >= 0 {
      v4l2_close(descriptor)
      descriptor = -1
    }
  }

  /// One ioctl, retried on EINTR; returns errno on failure.
  func control<T>(_ request: UInt, _ argument: inout T) -> Int32? {
    while true {
      let status = withUnsafeMutablePointer(to: &argument) { hiyari_v4l2_ioctl(descriptor, request, $0) }
      if status == 0 { return nil }
      if errno != EINTR { return errno }
    }
  }

  func fail(_ what: String, _ code: Int32) -> CaptureError {
    let kind: CaptureError.Kind = (code == ENODEV || code == EIO) ? .disconnected : .systemError
    return CaptureError(source: path, kind: kind, reason: "\(what) failed: \(V4L2Device.errorText(code))")
  }

  static func errorText(_ code: Int32) -> String {
    String(cString: strerror(code)) + " (errno \(code))"
  }

  /// Capabilities and every format, size and interval the device offers.
  func describe() throws(CaptureError) -> V4L2DeviceInfo {
    var capability = v4l2_capability()
    if let code = control(hiyari_vidioc_querycap(), &capability) {
      if code == ENOTTY || code == EINVAL {
        throw CaptureError(source: path, kind: .notACaptureDevice, reason: "is not a V4L2 device")
      }
      throw fail("VIDIOC_QUERYCAP", code)
    }
    let caps =
      capability.capabilities & UInt32(V4L2_CAP_DEVICE_CAPS) != 0
      ? capability.device_caps : capability.capabilities
    let canCapture = caps & UInt32(V4L2_CAP_VIDEO_CAPTURE) != 0
    return V4L2DeviceInfo(
      path: path, driver: cString(capability.driver), card: cString(capability.card),
      busInfo: cString(capability.bus_info), canCapture: canCapture,
      canStream: caps & UInt32(V4L2_CAP_STREAMING) != 0,
      formats: canCapture ? enumerateFormats() : [])
  }

  /// Bounds on enumeration loops: a driver that never returns EINVAL must not hang us.
  private static let enumerationLimit: UInt32 = 512

  private func enumerateFormats() -> [FormatDescription] {
    var formats: [FormatDescription] = []
    for index in 0..<V4L2Device.enumerationLimit {
      var description = v4l2_fmtdesc()
      description.index = index
      description.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
      guard control(hiyari_vidioc_enum_fmt(), &description) == nil else { break }
      formats.append(
        FormatDescription(
          fourCC: description.pixelformat, description: cString(description.description),
          isCompressed: description.flags & UInt32(V4L2_FMT_FLAG_COMPRESSED) != 0,
          isEmulated: description.flags & UInt32(V4L2_FMT_FLAG_EMULATED) != 0,
          sizes: enumerateSizes(description.pixelformat)))
    }
    return formats
  }

  private func enumerateSizes(_ fourCC: UInt32) -> [FrameSizeDescription] {
    var sizes: [FrameSizeDescription] = []
    for index in 0..<V4L2Device.enumerationLimit {
      var size = v4l2_frmsizeenum()
      size.index = index
      size.pixel_format = fourCC
      guard control(hiyari_vidioc_enum_framesizes(), &size) == nil else { break }
      if size.type == V4L2_FRMSIZE_TYPE_DISCRETE.rawValue {
        let width = Int(size.discrete.width)
        let height = Int(size.discrete.height)
        sizes.append(
          FrameSizeDescription(
            width: width, height: height, intervals: enumerateIntervals(fourCC, width, height)))
      } else {
        // Stepwise or continuous: offer the common sizes that fit the range, plus its ends.
        let range = size.stepwise
        let common = [(320, 240), (640, 360), (640, 480), (1280, 720), (1920, 1080)]
        let candidates =
          [(Int(range.min_width), Int(range.min_height))] + common + [
            (Int(range.max_width), Int(range.max_height))
          ]
        for (width, height) in candidates
        where width >= range.min_width && width <= range.max_width && height >= range.min_height
          && height <= range.max_height
          && (range.step_width <= 1 || (width - Int(range.min_width)) % Int(range.step_width) == 0)
          && (range.step_height <= 1 || (height - Int(range.min_height)) % Int(range.step_height) == 0)
          && !sizes.contains(where: { $0.width == width && $0.height == height })
        {
          sizes.append(
            FrameSizeDescription(
              width: width, height: height, intervals: enumerateIntervals(fourCC, width, height)))
        }
        break
      }
    }
    return sizes
  }

  private func enumerateIntervals(_ fourCC: UInt32, _ width: Int, _ height: Int) -> [FrameInterval] {
    var intervals: [FrameInterval] = []
    for index in 0..<V4L2Device.enumerationLimit {
      var interval = v4l2_frmivalenum()
      interval.index = index
      interval.pixel_format = fourCC
      interval.width = UInt32(width)
      interval.height = UInt32(height)
      guard control(hiyari_vidioc_enum_frameintervals(), &interval) == nil else { break }
      if interval.type == V4L2_FRMIVAL_TYPE_DISCRETE.rawValue {
        intervals.append(
          FrameInterval(numerator: interval.discrete.numerator, denominator: interval.discrete.denominator))
      } else {
        // A range: its fastest and slowest ends are what negotiation needs.
        let range = interval.stepwise
        intervals.append(FrameInterval(numerator: range.min.numerator, denominator: range.min.denominator))
        intervals.append(FrameInterval(numerator: range.max.numerator, denominator: range.max.denominator))
        break
      }
    }
    return intervals.filter { $0.numerator > 0 && $0.denominator > 0 }
  }
}

/// The text of a fixed-size, NUL-terminated C character array imported as a tuple.
func cString<T>(_ tuple: T) -> String {
  withUnsafeBytes(of: tuple) { bytes in
    String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
  }
}
