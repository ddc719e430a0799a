import CFFmpeg

extension PixelFormat {
  /// The Hiyari format a libav pixel format maps to without conversion, if any.
  ///
  /// The JPEG ("j") variants are the same layouts in full range; `Frame.isFullRange` carries that.
  init?(libav format: AVPixelFormat) {
    switch format {
    case AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUVJ420P: self = .yuv420p
    case AV_PIX_FMT_YUV422P, AV_PIX_FMT_YUVJ422P: self = .yuv422p
    case AV_PIX_FMT_YUV444P, AV_PIX_FMT_YUVJ444P: self = .yuv444p
    case AV_PIX_FMT_NV12: self = .nv12
    case AV_PIX_FMT_YUYV422: self = .yuyv
    case AV_PIX_FMT_UYVY422: self = .uyvy
    case AV_PIX_FMT_RGB24: self = .rgb24
    case AV_PIX_FMT_BGR24: self = .bgr24
    case AV_PIX_FMT_GRAY8: self = .gray8
    default: return nil
    }
  }

  /// The libav pixel format of this layout (nil for compressed formats).
  var libav: AVPixelFormat? {
    switch self {
    case .yuv420p: AV_PIX_FMT_YUV420P
    case .yuv422p: AV_PIX_FMT_YUV422P
    case .yuv444p: AV_PIX_FMT_YUV444P
    case .nv12: AV_PIX_FMT_NV12
    case .yuyv: AV_PIX_FMT_YUYV422
    case .uyvy: AV_PIX_FMT_UYVY422
    case .rgb24: AV_PIX_FMT_RGB24
    case .bgr24: AV_PIX_FMT_BGR24
    case .gray8: AV_PIX_FMT_GRAY8
    case .mjpeg: nil
    }
  }
}
