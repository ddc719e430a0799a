/// A frame with its own pixel storage, for holding a frame past its source's next call.
/// Storage grows to the largest frame seen and is then reused.
public final class FrameCopy {
  /// The copy; valid until the next `copy(from:)`.
  public let frame = Frame()
  private var storage: UnsafeMutableRawPointer?
  private var capacity = 0

  public init() {}

  deinit { storage?.deallocate() }

  /// Copies `source`'s visible pixels and metadata into this buffer.
  public func copy(from source: Frame) {
    var planeBytes: [(rowBytes: Int, rows: Int)] = []
    planeBytes.reserveCapacity(3)
    var total = 0
    for index in 0..<source.planeCount {
      let plane = source.plane(index)
      let rowBytes = FrameDigest.visibleBytesPerRow(source, plane: index)
      // Rows start 64-byte aligned so SIMD consumers can load them aligned.
      let stride = (rowBytes + 63) & ~63
      planeBytes.append((stride, plane.rows))
      total += stride * plane.rows
    }
    if total > capacity {
      storage?.deallocate()
      storage = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 64)
      capacity = total
    }
    var offset = 0
    var planes: [FramePlane] = []
    for index in 0..<source.planeCount {
      let plane = source.plane(index)
      let visible = FrameDigest.visibleBytesPerRow(source, plane: index)
      let target = storage! + offset
      for y in 0..<plane.rows {
        (target + y * planeBytes[index].rowBytes).copyMemory(from: plane.row(y), byteCount: visible)
      }
      planes.append(FramePlane(base: target, bytesPerRow: planeBytes[index].rowBytes, rows: plane.rows))
      offset += planeBytes[index].rowBytes * plane.rows
    }
    frame.assign(
      format: source.format, width: source.width, height: source.height,
      timestampNanoseconds: source.timestampNanoseconds, sequence: source.sequence,
      isFullRange: source.isFullRange)
    frame.encodedByteCount = source.encodedByteCount
    frame.setPlanes(planes[0], planes.count > 1 ? planes[1] : nil, planes.count > 2 ? planes[2] : nil)
  }
}
