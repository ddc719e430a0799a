/// Stride, padding, dilation and groups of a 2-D convolution or pooling window, with the output
/// size they give. Padding is symmetric per axis (what the detector uses; ONNX `pads` = [top,
/// left, bottom, right] with bottom = top and right = left).
public struct ConvolutionGeometry: Sendable, Hashable, Codable {
  public var strideY: Int, strideX: Int
  public var padY: Int, padX: Int
  public var dilationY: Int, dilationX: Int
  public var groups: Int

  public init(stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) {
    self.init(
      strideY: stride, strideX: stride, padY: padding, padX: padding, dilationY: dilation,
      dilationX: dilation, groups: groups)
  }

  public init(
    strideY: Int, strideX: Int, padY: Int, padX: Int, dilationY: Int = 1, dilationX: Int = 1, groups: Int = 1
  ) {
    precondition(strideY >= 1 && strideX >= 1 && padY >= 0 && padX >= 0 && dilationY >= 1 && dilationX >= 1)
    precondition(groups >= 1)
    self.strideY = strideY
    self.strideX = strideX
    self.padY = padY
    self.padX = padX
    self.dilationY = dilationY
    self.dilationX = dilationX
    self.groups = groups
  }

  /// Output height and width for an input and kernel size.
  public func output(height: Int, width: Int, kernelHeight: Int, kernelWidth: Int) -> (Int, Int) {
    let spanY = dilationY * (kernelHeight - 1) + 1
    let spanX = dilationX * (kernelWidth - 1) + 1
    return ((height + 2 * padY - spanY) / strideY + 1, (width + 2 * padX - spanX) / strideX + 1)
  }

  /// The output columns whose input column `ox * strideX - padX + tap * dilationX` lies inside
  /// `0..<width`.
  func validColumns(tap: Int, width: Int, outputWidth: Int) -> Range<Int> {
    let offset = tap * dilationX - padX
    // ox * s + offset >= 0  and  ox * s + offset <= width - 1
    let low = offset >= 0 ? 0 : (-offset + strideX - 1) / strideX
    let highInclusive = width - 1 - offset < 0 ? -1 : (width - 1 - offset) / strideX
    let high = Swift.min(outputWidth, highInclusive + 1)
    return low < high ? low..<high : 0..<0
  }
}
