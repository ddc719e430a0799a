import CFFmpeg

extension Frame {
  /// Points this frame at a decoded `AVFrame` whose pixel format maps to `format`.
  func assign(
    avFrame: UnsafePointer<AVFrame>, format: PixelFormat, timestampNanoseconds: Int64,
    sequence: Int64
  ) {
    let width = Int(avFrame.pointee.width)
    let height = Int(avFrame.pointee.height)
    let fullRange =
      avFrame.pointee.color_range == AVCOL_RANGE_JPEG
      || [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P].contains(
        AVPixelFormat(rawValue: avFrame.pointee.format))
    assign(
      format: format, width: width, height: height, timestampNanoseconds: timestampNanoseconds,
      sequence: sequence, isFullRange: fullRange)
    let chromaRows = format == .yuv420p || format == .nv12 ? (height + 1) / 2 : height
    func plane(_ index: Int, rows: Int) -> FramePlane {
      let data = withUnsafeBytes(of: avFrame.pointee.data) {
        $0.load(
          fromByteOffset: index * MemoryLayout<UnsafeMutablePointer<UInt8>?>.stride,
          as: UnsafeMutablePointer<UInt8>?.self)
      }
      let stride = withUnsafeBytes(of: avFrame.pointee.linesize) {
        $0.load(fromByteOffset: index * MemoryLayout<Int32>.stride, as: Int32.self)
      }
      return FramePlane(base: UnsafeRawPointer(data!), bytesPerRow: Int(stride), rows: rows)
    }
    switch format.planeCount {
    case 1: setPlanes(plane(0, rows: height))
    case 2: setPlanes(plane(0, rows: height), plane(1, rows: chromaRows))
    default: setPlanes(plane(0, rows: height), plane(1, rows: chromaRows), plane(2, rows: chromaRows))
    }
  }
}
