/// The plain int8 matrix product: exact int32 sums in Swift, then `QuantizedProduct.requantize`.
/// Runs what the int8 convolution kernels cannot: a B known only at run time, a B whose values
/// less their zero point leave int8, a constant B with batch dimensions. It is also the reference
/// the fast path (`QuantizedMatMulConvKernel`) is tested against.
final class QuantizedMatMulLoopKernel: Kernel {
  let product: QuantizedProduct
  let a: TensorView, y: TensorView
  /// B read at run time (centered into `values` at the start of each run); nil for a constant B.
  let b: TensorView?
  /// B less its zero points, `[matrices][K][N]`.
  let values: UnsafeMutablePointer<Int32>
  let valueCount: Int
  /// Rows per batch item, batch items, and each item's offsets into A (bytes) and `values`.
  let m: Int, batch: Int
  let aOffsets: [Int], bOffsets: [Int]
  /// A is stored `[K][M]` (QGemm's transA).
  let transA: Bool
  /// One row of int32 accumulators per lane.
  let accumulators: UnsafeMutablePointer<Int32>
  let counter = TaskCounter()
  let rowsPerTask: Int

  /// `constantB`: the centered constant B (`QuantizedProduct.centered`); else `b` is read each run.
  init(
    _ product: QuantizedProduct, m: Int, batch: Int, aOffsets: [Int], bOffsets: [Int], transA: Bool = false,
    constantB: [Int32]?, b: TensorView?, a: TensorView, y: TensorView
  ) {
    self.product = product
    self.m = m
    self.batch = batch
    self.aOffsets = aOffsets
    self.bOffsets = bOffsets
    self.transA = transA
    self.a = a
    self.y = y
    self.b = constantB == nil ? b : nil
    valueCount = constantB?.count ?? b?.elementCount ?? 0
    values = .allocate(capacity: max(valueCount, 1))
    values.initialize(repeating: 0, count: max(valueCount, 1))
    if let constantB { values.update(from: constantB, count: constantB.count) }
    accumulators = .allocate(capacity: max(product.n, 1) * LaneScratch.maximumLanes)
    accumulators.initialize(repeating: 0, count: max(product.n, 1) * LaneScratch.maximumLanes)
    // About 64K multiply-adds per task: enough to amortise the dispatch.
    rowsPerTask = max(1, 65_536 / max(product.k * product.n, 1))
  }

  deinit {
    values.deallocate()
    accumulators.deallocate()
  }

  func run(_ context: borrowing ExecutionContext) {
    let p = product
    let n = p.n, k = p.k, m = m
    if let b {
      let bytes = b.uint8s()
      let signed = p.bType == .int8
      for index in 0..<valueCount {
        let raw = signed ? Int32(Int8(bitPattern: bytes[index])) : Int32(bytes[index])
        values[index] = raw &- p.bZeros[index % n]
      }
    }
    guard m > 0, n > 0, batch > 0 else { return }
    let tasksPerItem = (m + rowsPerTask - 1) / rowsPerTask
    let aBytes = a.uint8s(), yBytes = y.uint8s(), values = values, accumulators = accumulators
    let aSigned = p.aType == .int8
    let low = Float(p.low - p.outputZero), high = Float(p.high - p.outputZero)
    context.threads.forEachTask(batch * tasksPerItem, counter: counter) { task, lane in
      let item = task / tasksPerItem
      let first = (task % tasksPerItem) * rowsPerTask
      let acc = accumulators + lane * n
      let aBase = aBytes + aOffsets[item], bBase = values + bOffsets[item]
      let yBase = yBytes + item * m * n
      for row in first..<min(first + rowsPerTask, m) {
        if let bias = p.bias {
          for column in 0..<n { acc[column] = bias[column] }
        } else {
          acc.update(repeating: 0, count: n)
        }
        for inner in 0..<k {
          let byte = transA ? aBase[inner * m + row] : aBase[row * k + inner]
          let value = (aSigned ? Int32(Int8(bitPattern: byte)) : Int32(byte)) &- p.aZero
          if value == 0 { continue }
          let bRow = bBase + inner * n
          // Wrapping arithmetic: int32 sums wrap as the SIMD kernels' do instead of trapping.
          for column in 0..<n { acc[column] = acc[column] &+ value &* bRow[column] }
        }
        let target = yBase + row * n
        for column in 0..<n {
          let code = QuantizedProduct.requantize(
            acc[column], multiplier: p.multipliers[column], zero: p.outputZero, low: low, high: high)
          target[column] = UInt8(truncatingIfNeeded: code)  // int8 codes as their two's complement byte
        }
      }
    }
  }
}
