/// Where a pixel format keeps the three channels the kernels sample (Y, U, V or R, G, B).
struct SourceLayout {
  /// One channel: an 8-bit sample grid inside a plane.
  struct Channel {
    var plane: Int
    /// Byte offset of the channel's first sample within a row.
    var byteOffset: Int
    /// Bytes between horizontally neighbouring samples.
    var sampleStride: Int
    /// log2 of the horizontal and vertical subsampling (1 for 4:2:x chroma).
    var horizontalShift: Int
    var verticalShift: Int

    func sampleCount(width: Int) -> Int { (width + (1 << horizontalShift) - 1) >> horizontalShift }
    func sampleCount(height: Int) -> Int { (height + (1 << verticalShift) - 1) >> verticalShift }

    /// Bytes of a row this channel's samples reach into.
    func rowBytes(width: Int) -> Int { byteOffset + (sampleCount(width: width) - 1) * sampleStride + 1 }
  }

  var channels: (Channel, Channel, Channel)
  /// Whether the channels are Y, U, V (else R, G, B).
  var isYUV: Bool

  /// The layout of `format`, or nil when the kernels cannot read it (compressed formats).
  init?(_ format: PixelFormat) {
    func channel(
      _ plane: Int, offset: Int = 0, stride: Int = 1, horizontalShift: Int = 0, verticalShift: Int = 0
    ) -> Channel {
      Channel(
        plane: plane, byteOffset: offset, sampleStride: stride, horizontalShift: horizontalShift,
        verticalShift: verticalShift)
    }
    switch format {
    case .yuyv:
      channels = (
        channel(0, stride: 2), channel(0, offset: 1, stride: 4, horizontalShift: 1),
        channel(0, offset: 3, stride: 4, horizontalShift: 1)
      )
      isYUV = true
    case .uyvy:
      channels = (
        channel(0, offset: 1, stride: 2), channel(0, stride: 4, horizontalShift: 1),
        channel(0, offset: 2, stride: 4, horizontalShift: 1)
      )
      isYUV = true
    case .nv12:
      channels = (
        channel(0), channel(1, stride: 2, horizontalShift: 1, verticalShift: 1),
        channel(1, offset: 1, stride: 2, horizontalShift: 1, verticalShift: 1)
      )
      isYUV = true
    case .yuv420p:
      channels = (
        channel(0), channel(1, horizontalShift: 1, verticalShift: 1),
        channel(2, horizontalShift: 1, verticalShift: 1)
      )
      isYUV = true
    case .yuv422p:
      channels = (channel(0), channel(1, horizontalShift: 1), channel(2, horizontalShift: 1))
      isYUV = true
    case .yuv444p:
      channels = (channel(0), channel(1), channel(2))
      isYUV = true
    case .rgb24:
      channels = (channel(0, stride: 3), channel(0, offset: 1, stride: 3), channel(0, offset: 2, stride: 3))
      isYUV = false
    case .bgr24:
      channels = (channel(0, offset: 2, stride: 3), channel(0, offset: 1, stride: 3), channel(0, stride: 3))
      isYUV = false
    case .gray8:
      // Gray is full-range luma, so it is read as R = G = B.
      channels = (channel(0), channel(0), channel(0))
      isYUV = false
    case .mjpeg:
      return nil
    }
  }

  func channel(_ index: Int) -> Channel {
    switch index {
    case 0: channels.0
    case 1: channels.1
    default: channels.2
    }
  }

  /// Bytes a row of `plane` must hold, and rows it must have, for a frame of the given size.
  func requirement(plane: Int, width: Int, height: Int) -> (rowBytes: Int, rows: Int) {
    var rowBytes = 0
    var rows = 0
    for index in 0..<3 where channel(index).plane == plane {
      rowBytes = max(rowBytes, channel(index).rowBytes(width: width))
      rows = max(rows, channel(index).sampleCount(height: height))
    }
    return (rowBytes, rows)
  }
}
