#if canImport(Glibc)
  import Glibc
#endif

/// Opens the right kind of `FrameSource` for what a user typed.
public enum FrameSources {
  /// A V4L2 camera for a character device or a `/dev/` path; a media source for anything else
  /// (a file or a URL). Network streams are wrapped so the newest frame wins.
  public static func open(
    _ location: String, camera: CameraRequest = CameraRequest(),
    media: MediaSourceOptions = MediaSourceOptions()
  ) throws(CaptureError) -> any FrameSource {
    if isCameraPath(location) {
      return try V4L2Camera(path: location, request: camera)
    }
    let source = try MediaSource(location, options: media)
    return source.isLive ? LatestFrameSource(source) : source
  }

  /// Whether `location` names a V4L2 camera (a character device, or a `/dev/` path).
  public static func isCameraPath(_ location: String) -> Bool {
    var status = stat()
    if stat(location, &status) == 0 {
      return (status.st_mode & S_IFMT) == S_IFCHR
    }
    return location.hasPrefix("/dev/")
  }

  /// V4L2 device nodes present on this machine, in numeric order (/dev/video0, /dev/video1, ...).
  public static func cameraPaths() -> [String] {
    guard let directory = opendir("/dev") else { return [] }
    defer { closedir(directory) }
    var numbers: [Int] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) {
        String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if name.hasPrefix("video"), let number = Int(name.dropFirst(5)) { numbers.append(number) }
    }
    return numbers.sorted().map { "/dev/video\($0)" }
  }

  /// Describes the camera at `path` (capabilities, formats, sizes, rates) without streaming.
  public static func describeCamera(_ path: String) throws(CaptureError) -> V4L2DeviceInfo {
    try V4L2Device(path: path).describe()
  }
}
