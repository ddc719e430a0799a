/// Anything that yields video frames: a V4L2 camera, a video file, a network stream.
///
/// Live sources (cameras, streams) deliver the newest frame and count the ones a slow consumer
/// skipped; file sources deliver every frame in order.
public protocol FrameSource: AnyObject {
  /// What the user named: a device path, a file path or a URL.
  var name: String { get }
  /// Whether frames arrive in real time (and may be dropped) rather than on demand.
  var isLive: Bool { get }
  /// Counters since the source opened.
  var statistics: CaptureStatistics { get }
  /// The next frame, or nil at the end of a file. The frame stays valid until the next call.
  func nextFrame() throws(CaptureError) -> Frame?
  /// Releases the device or file; further calls to `nextFrame()` fail.
  func close()
}
