/// The spatial geometry of a sliding-window operator (Conv, MaxPool, AveragePool): kernel,
/// strides, dilations, pads and output size per spatial axis, resolved from ONNX attributes
/// (`kernel_shape`, `strides`, `dilations`, `pads`, `auto_pad`, `ceil_mode`).
struct WindowGeometry: Sendable, Equatable {
  var input: [Int]
  var kernel: [Int]
  var strides: [Int]
  var dilations: [Int]
  var padBegin: [Int]
  var padEnd: [Int]
  var output: [Int]

  /// Attribute values beyond this are rejected (they could only come from a hostile model and
  /// would overflow the index arithmetic).
  static let maximumAttributeValue = 1 << 20

  /// Resolves the geometry over `input` (the spatial dims) for a kernel of extent `kernel`.
  static func resolve(
    _ node: Node, input: [Int], kernel: [Int], ceilMode: Bool = false
  ) throws(GraphError) -> WindowGeometry {
    let rank = input.count
    let what = "node \(node.name) (\(node.op))"
    func list(_ key: String, count: Int, default value: Int, minimum: Int) throws(GraphError) -> [Int] {
      guard let values = node.ints(key) else { return [Int](repeating: value, count: count) }
      guard values.count == count else {
        throw GraphError("\(what) has \(values.count) \(key) for \(rank) spatial axes; expected \(count)")
      }
      for value in values where value < minimum || value > maximumAttributeValue {
        throw GraphError(
          "\(what) has \(key) \(values); each must be in \(minimum)...\(maximumAttributeValue)")
      }
      return values
    }
    for extent in kernel where extent < 1 || extent > maximumAttributeValue {
      throw GraphError(
        "\(what) has kernel shape \(kernel); each extent must be in 1...\(maximumAttributeValue)")
    }
    let strides = try list("strides", count: rank, default: 1, minimum: 1)
    let dilations = try list("dilations", count: rank, default: 1, minimum: 1)
    var pads = try list("pads", count: 2 * rank, default: 0, minimum: 0)
    let autoPad = node.string("auto_pad", default: "NOTSET")
    var output = [Int](repeating: 0, count: rank)
    for axis in 0..<rank {
      let extent = (kernel[axis] - 1) * dilations[axis] + 1
      let size = input[axis]
      switch autoPad {
      case "NOTSET":
        let numerator = size + pads[axis] + pads[rank + axis] - extent
        guard numerator >= 0 else {
          throw GraphError(
            "\(what): the kernel (extent \(extent)) is larger than padded input axis \(axis) (\(size) + pads \(pads[axis]), \(pads[rank + axis]))"
          )
        }
        var count = numerator / strides[axis] + 1
        if ceilMode {
          count = (numerator + strides[axis] - 1) / strides[axis] + 1
          // The last window must start inside the input or its leading pad (ONNX, PyTorch).
          if (count - 1) * strides[axis] >= size + pads[axis] { count -= 1 }
        }
        output[axis] = count
      case "SAME_UPPER", "SAME_LOWER":
        let count = (size + strides[axis] - 1) / strides[axis]
        let total = Swift.max(0, (count - 1) * strides[axis] + extent - size)
        let begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
        pads[axis] = begin
        pads[rank + axis] = total - begin
        output[axis] = count
      case "VALID":
        guard size >= extent else {
          throw GraphError(
            "\(what): the kernel (extent \(extent)) is larger than input axis \(axis) (\(size)) with auto_pad VALID"
          )
        }
        pads[axis] = 0
        pads[rank + axis] = 0
        output[axis] = (size - extent) / strides[axis] + 1
      default:
        throw GraphError(
          "\(what) has unknown auto_pad \"\(autoPad)\" (NOTSET, SAME_UPPER, SAME_LOWER or VALID)")
      }
      guard output[axis] >= 1 else {
        throw GraphError("\(what) would produce an empty output along spatial axis \(axis)")
      }
    }
    return WindowGeometry(
      input: input, kernel: kernel, strides: strides, dilations: dilations,
      padBegin: Array(pads[0..<rank]), padEnd: Array(pads[rank...]), output: output)
  }

  /// The geometry as two spatial axes (height, width): a 1-D geometry becomes height 1.
  var planar: WindowGeometry {
    guard input.count == 1 else { return self }
    return WindowGeometry(
      input: [1] + input, kernel: [1] + kernel, strides: [1] + strides, dilations: [1] + dilations,
      padBegin: [0] + padBegin, padEnd: [0] + padEnd, output: [1] + output)
  }

  /// For each output position along `axis`: the first and one-past-last kernel tap whose input
  /// index is inside the input (taps outside read padding).
  func validTaps(axis: Int) -> (first: [Int], end: [Int]) {
    var first = [Int](repeating: 0, count: output[axis])
    var end = [Int](repeating: 0, count: output[axis])
    for position in 0..<output[axis] {
      let origin = position * strides[axis] - padBegin[axis]
      let low = origin >= 0 ? 0 : Swift.min(kernel[axis], (-origin + dilations[axis] - 1) / dilations[axis])
      let last = input[axis] - 1 - origin
      let high = last >= 0 ? Swift.min(kernel[axis], last / dilations[axis] + 1) : 0
      first[position] = low
      end[position] = Swift.max(low, high)
    }
    return (first, end)
  }

  /// The range of output positions along `axis` at which kernel tap `tap` reads inside the input.
  @inline(__always)
  static func validOutputs(
    tap: Int, stride: Int, dilation: Int, pad: Int, input: Int, output: Int
  ) -> Range<Int> {
    // position * stride - pad + tap * dilation in 0..<input
    let offset = tap * dilation - pad
    let low = offset >= 0 ? 0 : (-offset + stride - 1) / stride
    let lastInput = input - 1 - offset
    guard lastInput >= 0 else { return 0..<0 }
    let high = Swift.min(output, lastInput / stride + 1)
    return low < high ? low..<high : 0..<0
  }
}
