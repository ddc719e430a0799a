/// QLinearConv as a direct loop with int32 accumulators, for weights the int8 kernels cannot take
/// (weights minus their zero point outside -128...127, e.g. uint8 weights with zero point 0). Slow
/// but exact: the accumulator is the same integer, and the epilogue the same float operations as
/// `hiyari_qconv_requantize`, so outputs equal what the int8 kernels would give.
final class QLinearConvDirectKernel: Kernel {
  let plan: QLinearConvPlan
  let weights: [Int32]
  let x: TensorView, y: TensorView

  init(_ plan: QLinearConvPlan, x: TensorView, y: TensorView) {
    self.plan = plan
    weights = plan.wideWeights ?? plan.weights.map(Int32.init)
    self.x = x
    self.y = y
  }

  func run(_ context: borrowing ExecutionContext) {
    let d = plan.description
    let channels = Int(d.in_channels), outChannels = Int(d.out_channels), groups = Int(d.groups)
    let inH = Int(d.in_height), inW = Int(d.in_width), outH = Int(d.out_height), outW = Int(d.out_width)
    let kH = Int(d.kernel_height), kW = Int(d.kernel_width)
    let inGroup = channels / groups, outGroup = outChannels / groups
    let inputImage = channels * inH * inW, outputImage = outChannels * outH * outW
    let signedInput = d.input_is_signed != 0, signedOutput = d.output_is_signed != 0
    // Bytes in the uint8 domain (int8 shifted by 128), as the kernels' zero point is.
    let zero = Int32(d.input_zero_point)
    let low = Float(d.output_min - d.output_zero_point), high = Float(d.output_max - d.output_zero_point)
    let source = x.uint8s(), target = y.uint8s()
    context.threads.forEachRange(plan.batch * outChannels, chunk: 1) { range in
      self.weights.withUnsafeBufferPointer { w in
        for task in range {
          let image = task / outChannels, m = task % outChannels, g = m / outGroup
          let input = source + image * inputImage
          let output = target + image * outputImage + m * outH * outW
          let bias = plan.bias?[m] ?? 0, multiplier = plan.multipliers[m]
          for oy in 0..<outH {
            for ox in 0..<outW {
              var acc: Int32 = 0
              for c in 0..<inGroup {
                let plane = input + (g * inGroup + c) * inH * inW
                let kernel = (m * inGroup + c) * kH * kW
                for ky in 0..<kH {
                  let iy = oy * Int(d.stride_height) + ky * Int(d.dilation_height) - Int(d.pad_top)
                  guard iy >= 0 && iy < inH else { continue }  // padding holds the zero point: adds 0
                  for kx in 0..<kW {
                    let ix = ox * Int(d.stride_width) + kx * Int(d.dilation_width) - Int(d.pad_left)
                    guard ix >= 0 && ix < inW else { continue }
                    let byte = plane[iy * inW + ix]
                    let value = Int32(signedInput ? byte ^ 0x80 : byte) - zero
                    acc &+= value &* w[kernel + ky * kW + kx]
                  }
                }
              }
              var f = Float(acc &+ bias) * multiplier
              f = f < low ? low : f
              f = f > high ? high : f
              let code = Int32(f.rounded(.toNearestOrEven)) + d.output_zero_point
              output[oy * outW + ox] = signedOutput ? UInt8(bitPattern: Int8(code)) : UInt8(code)
            }
          }
        }
      }
    }
  }
}
