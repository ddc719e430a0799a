/// Encodes frames to H.264 and writes them into an MP4 file: `H264Encoder` into `MP4Writer`.
/// For raw cameras' clips and for synthetic video:
///
/// ```swift
/// let writer = try H264MP4Writer(path: "scene.mp4", settings: H264EncoderSettings(width: 640, height: 360, framesPerSecond: 30))
/// for rgb in pictures { try writer.append(rgb: rgb) }  // width * height * 3 bytes each
/// try writer.finish()                                  // the file appears under its name only now
/// ```
public final class H264MP4Writer {
  public let encoder: H264Encoder
  public let writer: MP4Writer
  /// Frames appended so far.
  public private(set) var frameCount = 0

  /// Opens the encoder and starts `path`'s partial file.
  public init(path: String, settings: H264EncoderSettings) throws(CaptureError) {
    encoder = try H264Encoder(settings: settings)
    writer = try MP4Writer(path: path, parameters: encoder.parameters)
  }

  /// Appends one packed RGB picture (`width * height * 3` bytes; the settings' size unless
  /// given, scaled if it differs), one nominal frame after the previous one unless timed.
  public func append(
    rgb: UnsafeRawBufferPointer, width: Int? = nil, height: Int? = nil, timestampNanoseconds: Int64? = nil
  ) throws(CaptureError) {
    let packets = try encoder.encode(
      rgb: rgb, width: width ?? encoder.settings.width, height: height ?? encoder.settings.height,
      timestampNanoseconds: timestampNanoseconds)
    frameCount += 1
    try write(packets)
  }

  /// Appends one packed RGB picture held in an array.
  public func append(
    rgb: [UInt8], width: Int? = nil, height: Int? = nil, timestampNanoseconds: Int64? = nil
  ) throws(CaptureError) {
    let result: Result<Void, CaptureError> = rgb.withUnsafeBytes { buffer in
      Result { () throws(CaptureError) in
        try append(rgb: buffer, width: width, height: height, timestampNanoseconds: timestampNanoseconds)
      }
    }
    try result.get()
  }

  /// Appends a frame from any source, at its timestamp.
  public func append(_ frame: Frame) throws(CaptureError) {
    let packets = try encoder.encode(frame)
    frameCount += 1
    try write(packets)
  }

  /// Drains the encoder, writes the MP4 index and gives the file its name.
  public func finish() throws(CaptureError) {
    try write(encoder.finish())
    try writer.finish()
  }

  private func write(_ packets: [EncodedPacket]) throws(CaptureError) {
    for packet in packets { try writer.write(packet) }
  }
}
