/// What a media source learned about its video stream when it opened.
public struct MediaInfo: Sendable, Equatable {
  /// Container format, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "rtsp".
  public var container: String
  /// Codec, e.g. "h264", "hevc", "mjpeg".
  public var codec: String
  /// The decoder in use, e.g. "h264" or "h264_v4l2m2m".
  public var decoder: String
  /// Hardware in use, nil for software.
  public var hardware: String?
  public var width: Int
  public var height: Int
  /// Average frame rate, if the container states one.
  public var framesPerSecond: Double?
  /// Duration in seconds, if known.
  public var durationSeconds: Double?
}
