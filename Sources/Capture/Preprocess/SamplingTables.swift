import CKernels

/// Where every output pixel samples each source channel, for one frame format and size: the
/// per-column and per-row tables `hiyari_pp_channel` points at.
///
/// Storage is allocated once for the model input's size and rebuilt in place when the frame
/// format or size changes, so steady-state preprocessing allocates nothing.
final class SamplingTables {
  private let maximumColumns: Int
  private let maximumRows: Int
  private let storage: UnsafeMutablePointer<Int32>
  private let maximumBlocks: Int
  /// Per channel: two window starts per block of 8 columns (see `hiyari_pp_channel`).
  private let windowStarts: UnsafeMutablePointer<Int32>
  /// Per channel: 32 shuffle indices per block of 8 columns.
  private let windowShuffles: UnsafeMutablePointer<UInt8>
  /// Columns the SIMD kernels may read with 4-byte loads (see `hiyari_pp_job.vector_columns`).
  private(set) var vectorColumns = 0

  init(maximumColumns: Int, maximumRows: Int) {
    self.maximumColumns = maximumColumns
    self.maximumRows = maximumRows
    let count = 3 * (3 * maximumColumns + 3 * maximumRows)
    storage = .allocate(capacity: count)
    storage.initialize(repeating: 0, count: count)
    maximumBlocks = (maximumColumns + 7) / 8
    windowStarts = .allocate(capacity: 3 * 2 * maximumBlocks)
    windowStarts.initialize(repeating: -1, count: 3 * 2 * maximumBlocks)
    windowShuffles = .allocate(capacity: 3 * 32 * maximumBlocks)
    windowShuffles.initialize(repeating: 0, count: 3 * 32 * maximumBlocks)
  }

  deinit {
    storage.deallocate()
    windowStarts.deallocate()
    windowShuffles.deallocate()
  }

  private func columnTable(_ channel: Int, _ table: Int) -> UnsafeMutablePointer<Int32> {
    storage + (channel * 3 + table) * maximumColumns
  }

  private func rowTable(_ channel: Int, _ table: Int) -> UnsafeMutablePointer<Int32> {
    storage + 9 * maximumColumns + (channel * 3 + table) * maximumRows
  }

  /// The kernel's view of channel `index`, minus the frame's pixels (`base` and `row_pitch`).
  func kernelChannel(_ index: Int) -> hiyari_pp_channel {
    var channel = hiyari_pp_channel()
    channel.column_offset0 = UnsafePointer(columnTable(index, 0))
    channel.column_offset1 = UnsafePointer(columnTable(index, 1))
    channel.column_weights = UnsafePointer(columnTable(index, 2))
    channel.row_index0 = UnsafePointer(rowTable(index, 0))
    channel.row_index1 = UnsafePointer(rowTable(index, 1))
    channel.row_weight = UnsafePointer(rowTable(index, 2))
    channel.window_start = UnsafePointer(windowStarts + index * 2 * maximumBlocks)
    channel.window_shuffle = UnsafePointer(windowShuffles + index * 32 * maximumBlocks)
    return channel
  }

  /// Fills the tables for frames of `layout` sampled as `geometry` describes.
  func build(layout: SourceLayout, geometry: PreprocessGeometry) {
    precondition(geometry.contentWidth <= maximumColumns && geometry.contentHeight <= maximumRows)
    vectorColumns = geometry.contentWidth
    for index in 0..<3 {
      let channel = layout.channel(index)
      let columns = channel.sampleCount(width: geometry.frameWidth)
      let offset0 = columnTable(index, 0)
      let offset1 = columnTable(index, 1)
      let weights = columnTable(index, 2)
      for column in 0..<geometry.contentWidth {
        let (tap, weight) = Self.taps(
          output: column, outputCount: geometry.contentWidth, sourceStart: geometry.sourceX,
          sourceLength: geometry.sourceWidth, sampleCount: columns, shift: channel.horizontalShift)
        offset0[column] = Int32(tap.0 * channel.sampleStride)
        offset1[column] = Int32(tap.1 * channel.sampleStride)
        weights[column] = Int32(Int(HIYARI_PP_WEIGHT_ONE) - weight) | Int32(weight) << 16
      }
      // SIMD variants read a block's taps from 16-byte windows, or else with 4-byte gathers at
      // each tap. Neither may leave the channel's samples (the last row of a plane may end the
      // buffer), so SIMD stops at the first block where neither fits.
      let validBytes =
        layout.requirement(plane: channel.plane, width: geometry.frameWidth, height: geometry.frameHeight)
        .rowBytes
        - channel.byteOffset
      let starts = windowStarts + index * 2 * maximumBlocks
      hiyari_preprocess_plan_windows(
        offset0, offset1, Int32(geometry.contentWidth), Int32(validBytes), starts,
        windowShuffles + index * 32 * maximumBlocks)
      var safeBlocks = 0
      while safeBlocks < geometry.contentWidth / 8 {
        let columns = (8 * safeBlocks)..<(8 * safeBlocks + 8)
        guard starts[2 * safeBlocks] >= 0 || columns.allSatisfy({ Int(offset1[$0]) + 4 <= validBytes }) else {
          break
        }
        safeBlocks += 1
      }
      vectorColumns = min(vectorColumns, 8 * safeBlocks)

      let rows = channel.sampleCount(height: geometry.frameHeight)
      let index0 = rowTable(index, 0)
      let index1 = rowTable(index, 1)
      let rowWeights = rowTable(index, 2)
      for row in 0..<geometry.contentHeight {
        let (tap, weight) = Self.taps(
          output: row, outputCount: geometry.contentHeight, sourceStart: geometry.sourceY,
          sourceLength: geometry.sourceHeight, sampleCount: rows, shift: channel.verticalShift)
        index0[row] = Int32(tap.0)
        index1[row] = Int32(tap.1)
        rowWeights[row] = Int32(weight)
      }
    }
  }

  /// The two samples output pixel `output` blends and the second one's weight (of
  /// HIYARI_PP_WEIGHT_ONE), along one axis.
  ///
  /// The pixel's center in frame pixels is `sourceStart + (output + 0.5) * sourceLength /
  /// outputCount`; in a grid subsampled by 2^shift it sits at that / 2^shift - 0.5 samples. The
  /// position is rounded half up to 1/2048 of a sample in exact integer arithmetic, so any
  /// implementation of the same definition agrees to the bit.
  static func taps(
    output: Int, outputCount: Int, sourceStart: Int, sourceLength: Int, sampleCount: Int, shift: Int
  ) -> (tap: (Int, Int), weight: Int) {
    let one = Int(HIYARI_PP_WEIGHT_ONE)
    let factor = 1 << shift
    let numerator = 2 * sourceStart * outputCount + (2 * output + 1) * sourceLength - outputCount * factor
    let denominator = 2 * outputCount * factor
    let dividend = numerator * 2 * one + denominator
    let divisor = 2 * denominator
    // Floor division: the numerator is negative near the top-left edge when upscaling.
    var position = dividend / divisor
    if dividend % divisor != 0, dividend < 0 { position -= 1 }
    position = max(position, 0)
    if sampleCount == 1 { return ((0, 0), 0) }
    let index = position / one
    if index >= sampleCount - 1 { return ((sampleCount - 2, sampleCount - 1), one) }
    return ((index, index + 1), position % one)
  }
}
