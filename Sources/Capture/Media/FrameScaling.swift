import CFFmpeg

extension Frame {
  /// Converts this frame's pixels with `scaler` (set up for its size and format) into `target`'s
  /// buffers; returns the number of rows written, as `sws_scale` does.
  func scale(with scaler: OpaquePointer?, into target: UnsafeMutablePointer<AVFrame>) -> Int32 {
    var sourceData: [UnsafePointer<UInt8>?] = [nil, nil, nil, nil]
    var sourceStrides: [Int32] = [0, 0, 0, 0]
    for index in 0..<planeCount {
      sourceData[index] = plane(index).base.assumingMemoryBound(to: UInt8.self)
      sourceStrides[index] = Int32(plane(index).bytesPerRow)
    }
    return withUnsafeMutablePointer(to: &target.pointee.data) { data in
      withUnsafeMutablePointer(to: &target.pointee.linesize) { strides in
        sws_scale(
          scaler, sourceData, sourceStrides, 0, Int32(height),
          UnsafeMutableRawPointer(data).assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self),
          UnsafeMutableRawPointer(strides).assumingMemoryBound(to: Int32.self))
      }
    }
  }
}
