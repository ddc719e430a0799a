import CKernels

/// The int8 matrix product with a constant B on the int8 convolution kernels (`qconv.h`): a 1x1
/// convolution whose pixels are the M rows of A and whose output channels are the N columns of
/// B. A `[M][K]` is transposed into a channel-major `[K][M]` scratch image, the convolution
/// writes `[N][M]`, which is transposed back into Y `[M][N]`. The kernels' epilogue is
/// `QuantizedProduct.requantize`, so the result equals `QuantizedMatMulLoopKernel`'s bit for bit.
final class QuantizedMatMulConvKernel: Kernel {
  let convolution: QLinearConvKernel
  let packedA: UnsafeMutableRawPointer
  let packedY: UnsafeMutableRawPointer
  let a: TensorView, y: TensorView
  let m: Int, k: Int, n: Int
  /// A is already `[K][M]` (QGemm's transA): copied, not transposed.
  let transA: Bool

  /// nil when the convolution kernels reject the shape; the caller then runs the plain loop.
  /// `weights`: `[N][K]` less B's zero points (`QuantizedProduct.convolutionWeights`).
  init?(
    _ product: QuantizedProduct, weights: [Int8], m: Int, transA: Bool = false, node: Node, a: TensorView,
    y: TensorView
  ) {
    let limit = Int(Int32.max)
    guard m >= 1, product.k >= 1, product.n >= 1, m <= limit, product.k <= limit, product.n <= limit,
      weights.count == product.k * product.n
    else { return nil }
    let plan = QLinearConvPlan(pointwise: product, pixels: m, weights: weights)
    let packedA = UnsafeMutableRawPointer.allocate(byteCount: product.k * m, alignment: 64)
    let packedY = UnsafeMutableRawPointer.allocate(byteCount: product.n * m, alignment: 64)
    let x = TensorView(
      data: packedA, info: TensorInfo(name: "", elementType: product.aType, shape: [1, product.k, 1, m]))
    let output = TensorView(data: packedY, info: plan.output)
    guard let convolution = try? QLinearConvKernel(plan, node: node, x: x, y: output) else {
      packedA.deallocate()
      packedY.deallocate()
      return nil
    }
    self.convolution = convolution
    self.packedA = packedA
    self.packedY = packedY
    self.a = a
    self.y = y
    self.m = m
    k = product.k
    n = product.n
    self.transA = transA
  }

  deinit {
    packedA.deallocate()
    packedY.deallocate()
  }

  /// The wrapped convolution packs its input into the model's shared workspace.
  var workspaceBytes: Int { convolution.workspaceBytes }

  func run(_ context: borrowing ExecutionContext) {
    let source = a.uint8s(), image = packedA.assumingMemoryBound(to: UInt8.self)
    if transA {
      image.update(from: source, count: k * m)
    } else {
      Self.transpose(source, rows: m, columns: k, into: image, threads: context.threads)
    }
    convolution.run(context)
    Self.transpose(
      packedY.assumingMemoryBound(to: UInt8.self), rows: n, columns: m, into: y.uint8s(),
      threads: context.threads)
  }

  /// `target[c][r] = source[r][c]` for a `rows x columns` byte matrix, in tiles of 64 x 64 so
  /// both sides stay in cache; tasks own disjoint column blocks (rows of the target).
  static func transpose(
    _ source: UnsafePointer<UInt8>, rows: Int, columns: Int, into target: UnsafeMutablePointer<UInt8>,
    threads: ThreadPool
  ) {
    let tile = 64
    func block(_ range: Range<Int>) {
      var rowStart = 0
      while rowStart < rows {
        let rowEnd = min(rowStart + tile, rows)
        for column in range {
          let to = target + column * rows
          for row in rowStart..<rowEnd { to[row] = source[row * columns + column] }
        }
        rowStart = rowEnd
      }
    }
    // Small matrices are not worth waking the pool for.
    if rows * columns < 1 << 16 || threads.threadCount == 1 {
      block(0..<columns)
    } else {
      threads.forEachRange(columns, chunk: tile) { block($0) }
    }
  }
}

extension QLinearConvPlan {
  /// A 1x1 convolution computing `product` for `pixels` rows of A: input `[1][K][1][pixels]`,
  /// output `[1][N][1][pixels]`, the product's bias, multipliers and output range.
  init(pointwise product: QuantizedProduct, pixels: Int, weights: [Int8]) {
    var d = hiyari_qconv_desc()
    d.in_channels = Int32(product.k)
    d.in_height = 1
    d.in_width = Int32(pixels)
    d.out_channels = Int32(product.n)
    d.out_height = 1
    d.out_width = Int32(pixels)
    d.groups = 1
    d.kernel_height = 1
    d.kernel_width = 1
    d.stride_height = 1
    d.stride_width = 1
    d.dilation_height = 1
    d.dilation_width = 1
    d.input_is_signed = product.aType == .int8 ? 1 : 0
    d.input_zero_point = product.aType == .int8 ? product.aZero + 128 : product.aZero
    d.output_zero_point = product.outputZero
    d.output_is_signed = product.outputType == .int8 ? 1 : 0
    d.output_min = product.low
    d.output_max = product.high
    output = TensorInfo(
      name: "", elementType: product.outputType, shape: [1, product.n, 1, pixels],
      quantization: product.outputQuantization)
    description = d
    batch = 1
    self.weights = weights
    bias = product.bias
    multipliers = product.multipliers
  }
}
