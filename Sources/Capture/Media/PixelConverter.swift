import CFFmpeg

/// Converts decoded frames whose pixel format Hiyari does not consume directly (10-bit, 4:1:1,
/// palettes, ...) to 8-bit YUV 4:2:0 with libswscale, into one reused buffer.
final class PixelConverter {
  private var context: OpaquePointer?
  private let output: UnsafeMutablePointer<AVFrame>
  private var key: (width: Int32, height: Int32, format: Int32) = (0, 0, -1)

  init?() {
    guard let output = av_frame_alloc() else { return nil }
    self.output = output
  }

  deinit {
    sws_freeContext(context)
    var frame: UnsafeMutablePointer<AVFrame>? = output
    av_frame_free(&frame)
  }

  /// Converts `input` to YUV 4:2:0; the result is valid until the next call.
  func convert(_ input: UnsafePointer<AVFrame>) -> UnsafePointer<AVFrame>? {
    let width = input.pointee.width
    let height = input.pointee.height
    let format = input.pointee.format
    if key != (width, height, format) {
      sws_freeContext(context)
      context = sws_getContext(
        width, height, AVPixelFormat(rawValue: format), width, height, AV_PIX_FMT_YUV420P,
        SWS_BILINEAR, nil, nil, nil)
      av_frame_unref(output)
      output.pointee.width = width
      output.pointee.height = height
      output.pointee.format = AV_PIX_FMT_YUV420P.rawValue
      guard context != nil, av_frame_get_buffer(output, 64) >= 0 else {
        key = (0, 0, -1)
        return nil
      }
      key = (width, height, format)
    }
    let rows = withUnsafePointer(to: input.pointee.data) { sourceData in
      withUnsafePointer(to: input.pointee.linesize) { sourceStrides in
        withUnsafePointer(to: &output.pointee.data) { targetData in
          withUnsafePointer(to: &output.pointee.linesize) { targetStrides in
            sws_scale(
              context,
              UnsafeRawPointer(sourceData).assumingMemoryBound(to: UnsafePointer<UInt8>?.self),
              UnsafeRawPointer(sourceStrides).assumingMemoryBound(to: Int32.self), 0, height,
              UnsafeRawPointer(targetData).assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self),
              UnsafeRawPointer(targetStrides).assumingMemoryBound(to: Int32.self))
          }
        }
      }
    }
    guard rows == height else { return nil }
    output.pointee.pts = input.pointee.pts
    output.pointee.best_effort_timestamp = input.pointee.best_effort_timestamp
    output.pointee.color_range = input.pointee.color_range
    return UnsafePointer(output)
  }
}
