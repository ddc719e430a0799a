import CKernels

/// Reference QuantizeLinear and DequantizeLinear (ONNX), the float path of QDQ models before the
/// int8 fusion: per-tensor or per-axis (`axis`, default 1) scale and zero point from constant
/// inputs; int8 and uint8 (DequantizeLinear also int32: the bias form, and int16/uint16 as the
/// importer widens them).
///
/// QuantizeLinear: `y = saturate(round_half_to_even(x / scale) + zero_point)`; the output type is
/// the zero point's, else `output_dtype` (2 uint8, 3 int8), else uint8; its TensorInfo carries the
/// quantization. NaN quantizes to the type's lowest value. DequantizeLinear:
/// `y = (x - zero_point) * scale`. Blocked quantization (`block_size`, opset 21), float8 and
/// 4-bit types, and non-constant scales or zero points are not supported (a GraphError).
enum QuantizeOperators {
  static let definitions: [String: OperatorDefinition] = [
    "QuantizeLinear": OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        let input = try OperatorSupport.floatInput(node, inputs, 0)
        let parameters = try QuantizationParameters(node, input.shape, inputs, constants, quantizing: true)
        return [
          TensorInfo(
            name: node.outputs.first ?? "", elementType: parameters.type, shape: input.shape,
            quantization: parameters.quantization)
        ]
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        let input = try OperatorSupport.view(node, inputs, 0)
        let parameters = try QuantizationParameters(
          node, input.shape, inputs.map { $0?.info }, constants, quantizing: true)
        return QuantizationKernel(parameters, x: input, y: outputs[0], quantizing: true)
      }),
    "DequantizeLinear": OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        let input = try OperatorSupport.input(node, inputs, 0)
        _ = try QuantizationParameters(node, input.shape, inputs, constants, quantizing: false)
        return [TensorInfo(name: node.outputs.first ?? "", elementType: .float32, shape: input.shape)]
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        let input = try OperatorSupport.view(node, inputs, 0)
        let parameters = try QuantizationParameters(
          node, input.shape, inputs.map { $0?.info }, constants, quantizing: false)
        return QuantizationKernel(parameters, x: input, y: outputs[0], quantizing: false)
      }),
  ]
}

/// Checked scales and zero points of a QuantizeLinear or DequantizeLinear node.
struct QuantizationParameters: Sendable {
  /// The quantized type: QuantizeLinear's output, DequantizeLinear's input.
  var type: ElementType
  var scales: [Float]
  var zeroPoints: [Int32]
  /// The per-axis axis (normalised), or nil for per-tensor.
  var axis: Int?
  /// Elements before, along and after the axis (per-tensor: 1, 1, count).
  var outer: Int, channels: Int, inner: Int

  var quantization: Quantization {
    axis.map { Quantization(scales: scales, zeroPoints: zeroPoints, axis: $0) }
      ?? Quantization(scale: scales[0], zeroPoint: zeroPoints[0])
  }

  init(_ node: Node, _ shape: [Int], _ inputs: [TensorInfo?], _ constants: ConstantLookup, quantizing: Bool)
    throws(GraphError)
  {
    let what = "node \(node.name) (\(node.op))"
    guard node.int("block_size", default: 0) == 0 else {
      throw GraphError("\(what): blocked quantization (block_size) is not supported")
    }
    let scaleInfo = try OperatorSupport.floatInput(node, inputs, 1)
    guard let scales = constants.floats(node.inputs[1]) else {
      throw GraphError("\(what) needs a constant scale")
    }
    for scale in scales where !(scale.isFinite && scale > 0) {
      throw GraphError("\(what) has scale \(scale); scales must be positive and finite")
    }
    let zeroName = node.inputs.count > 2 ? node.inputs[2] : ""
    let zeroInfo = zeroName.isEmpty ? nil : try OperatorSupport.input(node, inputs, 2)
    if quantizing {
      if let zeroInfo {
        type = zeroInfo.elementType
      } else {
        switch node.int("output_dtype", default: 0) {
        case 0, 2: type = .uint8
        case 3: type = .int8
        case let other: throw GraphError("\(what) has unsupported output_dtype \(other) (int8 3 or uint8 2)")
        }
      }
      guard type == .int8 || type == .uint8 else {
        throw GraphError("\(what) quantizes to int8 or uint8, not \(type)")
      }
    } else {
      type = try OperatorSupport.input(node, inputs, 0).elementType
      guard type == .int8 || type == .uint8 || type == .int32 else {
        throw GraphError("\(what) dequantizes int8, uint8 or int32, not \(type)")
      }
      if let zeroInfo, zeroInfo.elementType != type {
        throw GraphError("\(what): zero point type \(zeroInfo.elementType) differs from input type \(type)")
      }
    }
    var zeroPoints = [Int32](repeating: 0, count: scales.count)
    if let zeroInfo {
      guard let values = constants.ints(zeroName) else {
        throw GraphError("\(what) needs a constant zero point")
      }
      // A per-tensor pair may mix a scalar and a one-element vector (ONNX Runtime's quantizer
      // writes bias scales as [1] next to scalar zero points).
      let bothSingle = values.count == 1 && scales.count == 1
      guard zeroInfo.shape == scaleInfo.shape || bothSingle, values.count == scales.count else {
        throw GraphError("\(what): zero point \(zeroInfo.shape) and scale \(scaleInfo.shape) differ in shape")
      }
      let range: ClosedRange<Int> =
        switch type {
        case .int8: -128...127
        case .uint8: 0...255
        default: Int(Int32.min)...Int(Int32.max)  // int32 (also int16/uint16 as imported)
        }
      for value in values where !range.contains(value) {
        throw GraphError("\(what) has zero point \(value) outside \(range) for \(type)")
      }
      zeroPoints = values.map { Int32($0) }
    }
    let count = shape.reduce(1, *)
    if scaleInfo.shape.reduce(1, *) == 1 && scaleInfo.shape.count <= 1 {
      axis = nil
      outer = 1
      channels = 1
      inner = count
    } else {
      guard scaleInfo.shape.count == 1 else {
        throw GraphError(
          "\(what) has a scale of shape \(scaleInfo.shape); expected a scalar or 1-D per-axis scale")
      }
      let resolved = try OperatorSupport.axis(node.int("axis", default: 1), rank: shape.count, node)
      guard shape.count > 0, scales.count == shape[resolved] else {
        throw GraphError("\(what) has \(scales.count) scales for axis \(resolved) of \(shape)")
      }
      axis = resolved
      outer = shape[..<resolved].reduce(1, *)
      channels = shape[resolved]
      inner = shape[(resolved + 1)...].reduce(1, *)
    }
    self.scales = scales
    self.zeroPoints = zeroPoints
  }
}

final class QuantizationKernel: Kernel {
  let p: QuantizationParameters
  let x: TensorView, y: TensorView
  let quantizing: Bool

  init(_ p: QuantizationParameters, x: TensorView, y: TensorView, quantizing: Bool) {
    self.p = p
    self.x = x
    self.y = y
    self.quantizing = quantizing
  }

  func run(_ context: borrowing ExecutionContext) {
    let total = p.outer * p.channels * p.inner
    context.threads.forEachRange(total, chunk: 32768) { range in
      var position = range.lowerBound
      while position < range.upperBound {
        let channel = (position / p.inner) % p.channels
        let end = Swift.min(range.upperBound, (position / p.inner + 1) * p.inner)
        let scale = p.scales[channel], zeroPoint = p.zeroPoints[channel]
        if quantizing {
          quantize(position..<end, scale: scale, zeroPoint: Float(zeroPoint))
        } else {
          dequantize(position..<end, scale: scale, zeroPoint: zeroPoint)
        }
        position = end
      }
    }
  }

  @inline(__always)
  private func quantize(_ range: Range<Int>, scale: Float, zeroPoint: Float) {
    hiyari_quantize_linear(
      x.floats() + range.lowerBound, y.uint8s() + range.lowerBound, range.count, scale, Int32(zeroPoint),
      p.type == .int8 ? 1 : 0)
  }

  @inline(__always)
  private func dequantize(_ range: Range<Int>, scale: Float, zeroPoint: Int32) {
    let target = y.floats()
    switch p.type {
    case .int8, .uint8:
      hiyari_dequantize_linear(
        x.uint8s() + range.lowerBound, target + range.lowerBound, range.count, scale, zeroPoint,
        p.type == .int8 ? 1 : 0)
    default:
      let source = x.int32s()
      for index in range { target[index] = Float(Int(source[index]) - Int(zeroPoint)) * scale }
    }
  }
}
