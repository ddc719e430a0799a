/// Lossless prediction of 8-bit image planes, the filter before deflate in a compressed tensor
/// packet: each byte is replaced by its difference (mod 256) from the median edge detector's
/// prediction (LOCO-I / JPEG-LS) from its left, upper and upper-left neighbours. On camera frames
/// the residuals are mostly near zero, which deflate packs several times smaller than the pixels.
///
/// A tensor is taken as planes of `height` x `width` bytes: its last dimension is the width, the
/// one before the height (rank 1: one row), every leading index a plane of its own. int8 codes
/// are offset by 128 first, so the predictor sees them in order.
enum PlanePrediction {
  /// The (height, width) of one plane of `shape`.
  static func plane(of shape: [Int]) -> (height: Int, width: Int) {
    switch shape.count {
    case 0: (1, 1)
    case 1: (1, shape[0])
    default: (shape[shape.count - 2], shape[shape.count - 1])
    }
  }

  /// The residuals of `codes`, one per byte.
  static func residuals(_ codes: UnsafeRawBufferPointer, shape: [Int], signed: Bool) -> [UInt8] {
    let bias: UInt8 = signed ? 0x80 : 0
    let source = codes.bindMemory(to: UInt8.self)
    return [UInt8](unsafeUninitializedCapacity: source.count) { out, initialized in
      inRasterOrder(count: source.count, shape: shape) { index, row, column, width in
        let prediction = predict(source, at: index, row: row, column: column, width: width, bias: bias)
        out[index] = (source[index] ^ bias) &- prediction
      }
      initialized = source.count
    }
  }

  /// Undoes `residuals` in place: `bytes` holds residuals and ends holding the codes.
  static func restore(_ bytes: UnsafeMutableRawBufferPointer, shape: [Int], signed: Bool) {
    let bias: UInt8 = signed ? 0x80 : 0
    let codes = bytes.bindMemory(to: UInt8.self)
    // Raster order: the neighbours are restored codes already, what the encoder saw.
    inRasterOrder(count: codes.count, shape: shape) { index, row, column, width in
      let prediction = predict(
        UnsafeBufferPointer(codes), at: index, row: row, column: column, width: width, bias: bias)
      codes[index] = (codes[index] &+ prediction) ^ bias
    }
  }

  /// Calls `body` with every byte's index and its row and column in its plane, plane by plane,
  /// row by row.
  @inline(__always)
  static func inRasterOrder(
    count: Int, shape: [Int], _ body: (_ index: Int, _ row: Int, _ column: Int, _ width: Int) -> Void
  ) {
    let (height, width) = plane(of: shape)
    guard height > 0, width > 0 else { return }
    var start = 0
    while start < count {
      for row in 0..<height {
        let base = start + row * width
        for column in 0..<width { body(base + column, row, column, width) }
      }
      start += height * width
    }
  }

  /// The median edge detector on the biased neighbours of `index`, at (row, column) of its plane.
  @inline(__always)
  static func predict(
    _ codes: UnsafeBufferPointer<UInt8>, at index: Int, row: Int, column: Int, width: Int, bias: UInt8
  ) -> UInt8 {
    if row == 0 { return column == 0 ? 0 : codes[index - 1] ^ bias }
    let up = codes[index - width] ^ bias
    if column == 0 { return up }
    let left = codes[index - 1] ^ bias
    let corner = codes[index - width - 1] ^ bias
    if corner >= max(left, up) { return min(left, up) }
    if corner <= min(left, up) { return max(left, up) }
    return UInt8(truncatingIfNeeded: Int(left) + Int(up) - Int(corner))
  }
}
