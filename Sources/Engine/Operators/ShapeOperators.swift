import Glibc

/// Operators that move data without arithmetic, for every element type (float32, int32, int8,
/// uint8; quantization passes through): Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat,
/// Split, Slice, Gather, and Shape (int32 output; shapes are static).
///
/// Shape-like inputs (Reshape's shape, Squeeze/Unsqueeze axes, Split's split, Slice's bounds) must
/// be constants, as exported detectors have them once Shape chains are folded; the attribute
/// forms of older opsets are accepted too.
enum ShapeOperators {
  static let definitions: [String: OperatorDefinition] = [
    "Reshape": reshaping { node, input, constants throws(GraphError) in
      try reshapedShape(node, input.shape, constants)
    },
    "Flatten": reshaping { node, input, _ throws(GraphError) in
      let rank = input.shape.count
      let axis = node.int("axis", default: 1)
      guard axis >= -rank && axis <= rank else {
        throw GraphError("node \(node.name) (Flatten) has axis \(axis) out of range for rank \(rank)")
      }
      let split = axis < 0 ? axis + rank : axis
      return [input.shape[..<split].reduce(1, *), input.shape[split...].reduce(1, *)]
    },
    "Squeeze": reshaping { node, input, constants throws(GraphError) in
      let rank = input.shape.count
      guard let axes = try axesInput(node, constants, required: false) else {
        return input.shape.filter { $0 != 1 }
      }
      var drop = Set<Int>()
      for axis in axes {
        let normalised = try OperatorSupport.axis(axis, rank: rank, node)
        guard rank > 0, input.shape[normalised] == 1 else {
          throw GraphError("node \(node.name) (Squeeze) cannot squeeze axis \(axis) of shape \(input.shape)")
        }
        guard drop.insert(normalised).inserted else {
          throw GraphError("node \(node.name) (Squeeze) lists axis \(axis) twice")
        }
      }
      return input.shape.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
    },
    "Unsqueeze": reshaping { node, input, constants throws(GraphError) in
      guard let axes = try axesInput(node, constants, required: true) else { return input.shape }
      let rank = input.shape.count + axes.count
      guard rank <= Graph.maximumRank else {
        throw GraphError("node \(node.name) (Unsqueeze) would make a tensor of rank \(rank)")
      }
      var inserted = Set<Int>()
      for axis in axes {
        guard inserted.insert(try OperatorSupport.axis(axis, rank: rank, node)).inserted else {
          throw GraphError("node \(node.name) (Unsqueeze) lists axis \(axis) twice")
        }
      }
      var remaining = input.shape.makeIterator()
      return (0..<rank).map { inserted.contains($0) ? 1 : remaining.next()! }
    },
    "Transpose": OperatorDefinition(
      infer: { node, inputs, _ throws(GraphError) in
        let input = try OperatorSupport.input(node, inputs, 0)
        let perm = try permutation(node, rank: input.shape.count)
        return [
          try derived(input, node, shape: perm.map { input.shape[$0] }, axisMap: { perm.firstIndex(of: $0) })
        ]
      },
      build: { node, inputs, outputs, _ throws(GraphError) in
        let input = try OperatorSupport.view(node, inputs, 0)
        let perm = try permutation(node, rank: input.shape.count)
        let strides = contiguousStrides(input.shape)
        let copy = StridedCopy(
          shape: perm.map { input.shape[$0] }, sourceStrides: perm.map { strides[$0] },
          targetStrides: contiguousStrides(outputs[0].shape))
        return CopyKernel(source: input, target: outputs[0], copies: [copy])
      }),
    "Concat": OperatorDefinition(
      infer: { node, inputs, _ throws(GraphError) in
        let (info, _) = try concatenation(node, inputs)
        return [info]
      },
      build: { node, inputs, outputs, _ throws(GraphError) in
        let (info, axis) = try concatenation(node, inputs.map { $0?.info })
        let outer = info.shape[..<axis].reduce(1, *)
        let inner = info.shape[(axis + 1)...].reduce(1, *)
        var offset = 0
        var sources: [TensorView] = []
        var copies: [StridedCopy] = []
        for index in node.inputs.indices {
          let view = try OperatorSupport.view(node, inputs, index)
          let extent = view.shape[axis]
          sources.append(view)
          copies.append(
            StridedCopy(
              shape: [outer, extent * inner], sourceStrides: [extent * inner, 1],
              targetStrides: [info.shape[axis] * inner, 1], targetOffset: offset * inner))
          offset += extent
        }
        return CopyKernel(sources: sources, target: outputs[0], copies: copies)
      }),
    "Split": OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        let input = try OperatorSupport.input(node, inputs, 0)
        let (axis, sizes) = try splitSizes(node, input.shape, constants)
        return try sizes.map { size throws(GraphError) in
          var shape = input.shape
          shape[axis] = size
          return try derived(input, node, shape: shape, axisMap: { $0 == axis ? nil : $0 })
        }
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        let input = try OperatorSupport.view(node, inputs, 0)
        let (axis, sizes) = try splitSizes(node, input.shape, constants)
        let outer = input.shape[..<axis].reduce(1, *)
        let inner = input.shape[(axis + 1)...].reduce(1, *)
        var offset = 0
        var targets: [TensorView] = []
        var copies: [StridedCopy] = []
        var bound = outputs.makeIterator()
        for (index, size) in sizes.enumerated() {
          defer { offset += size }
          guard index < node.outputs.count, !node.outputs[index].isEmpty, let target = bound.next() else {
            continue
          }
          targets.append(target)
          copies.append(
            StridedCopy(
              shape: [outer, size * inner], sourceStrides: [input.shape[axis] * inner, 1],
              targetStrides: [size * inner, 1], sourceOffset: offset * inner))
        }
        return CopyKernel(source: input, targets: targets, copies: copies)
      }),
    "Slice": OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        let input = try OperatorSupport.input(node, inputs, 0)
        let plan = try slicePlan(node, input.shape, constants)
        return [try derived(input, node, shape: plan.shape, axisMap: { plan.sliced.contains($0) ? nil : $0 })]
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        let input = try OperatorSupport.view(node, inputs, 0)
        let plan = try slicePlan(node, input.shape, constants)
        let strides = contiguousStrides(input.shape)
        var offset = 0
        for axis in plan.starts.indices { offset += plan.starts[axis] * strides[axis] }
        let copy = StridedCopy(
          shape: plan.shape, sourceStrides: zip(strides, plan.steps).map { $0 * $1 },
          targetStrides: contiguousStrides(plan.shape), sourceOffset: offset)
        return CopyKernel(source: input, target: outputs[0], copies: [copy])
      }),
    "Gather": OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        let data = try OperatorSupport.input(node, inputs, 0)
        let indices = try OperatorSupport.input(node, inputs, 1)
        let axis = try gatherAxis(node, data, indices, constants)
        let shape = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
        return [
          try derived(
            data, node, shape: shape,
            axisMap: { $0 < axis ? $0 : $0 == axis ? nil : $0 + indices.shape.count - 1 })
        ]
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        let data = try OperatorSupport.view(node, inputs, 0)
        let indices = try OperatorSupport.view(node, inputs, 1)
        let axis = try gatherAxis(node, data.info, indices.info, constants)
        return GatherKernel(
          data: data, indices: indices, constant: constants.ints(node.inputs[1]), output: outputs[0],
          axis: axis)
      }),
    "Shape": OperatorDefinition(
      infer: { node, inputs, _ throws(GraphError) in
        let input = try OperatorSupport.input(node, inputs, 0)
        let dims = shapeValues(node, input.shape)
        return [TensorInfo(name: node.outputs.first ?? "", elementType: .int32, shape: [dims.count])]
      },
      build: { node, inputs, outputs, _ throws(GraphError) in
        let input = try OperatorSupport.view(node, inputs, 0)
        return ShapeKernel(
          values: shapeValues(node, input.shape).map { Int32(clamping: $0) }, output: outputs[0])
      }),
  ]

  // MARK: Shared checks

  /// The number of elements of `shape`, or nil if it overflows.
  static func product(_ shape: [Int]) -> Int? {
    var result = 1
    for extent in shape {
      let (value, overflow) = result.multipliedReportingOverflow(by: extent)
      if overflow { return nil }
      result = value
    }
    return result
  }

  static func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[axis] = running
      running *= shape[axis]
    }
    return strides
  }

  /// An output description of `shape` with `input`'s type; per-axis quantization follows its
  /// axis through `axisMap` (nil: the axis is cut or merged, which is an error).
  static func derived(_ input: TensorInfo, _ node: Node, shape: [Int], axisMap: (Int) -> Int?)
    throws(GraphError) -> TensorInfo
  {
    var quantization = input.quantization
    if var perAxis = quantization, let axis = perAxis.axis {
      guard let mapped = axisMap(axis) else {
        throw GraphError(
          "node \(node.name) (\(node.op)) cannot reshape the quantization axis \(axis) of a per-axis quantized tensor"
        )
      }
      perAxis.axis = mapped
      quantization = perAxis
    }
    return TensorInfo(
      name: node.outputs.first ?? "", elementType: input.elementType, shape: shape, quantization: quantization
    )
  }

  /// A definition for operators that only change the shape (the bytes are copied as they are).
  static func reshaping(
    _ shape: @escaping @Sendable (Node, TensorInfo, ConstantLookup) throws(GraphError) -> [Int]
  )
    -> OperatorDefinition
  {
    OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        let input = try OperatorSupport.input(node, inputs, 0)
        let output = try shape(node, input, constants)
        guard product(output) == input.elementCount else {
          throw GraphError("node \(node.name) (\(node.op)) cannot make \(input.shape) into \(output)")
        }
        return [
          try derived(
            input, node, shape: output, axisMap: { axis in reshapedAxis(axis, from: input.shape, to: output) }
          )
        ]
      },
      build: { node, inputs, outputs, _ throws(GraphError) in
        let input = try OperatorSupport.view(node, inputs, 0)
        let count = input.elementCount
        return CopyKernel(
          source: input, target: outputs[0],
          copies: [StridedCopy(shape: [count], sourceStrides: [1], targetStrides: [1])])
      })
  }

  /// Where axis `axis` of `from` lands in `to`, if it survives the reshape whole.
  static func reshapedAxis(_ axis: Int, from: [Int], to: [Int]) -> Int? {
    let before = from[..<axis].reduce(1, *)
    var running = 1
    for (index, extent) in to.enumerated() {
      if running == before && extent == from[axis] { return index }
      running *= extent
    }
    return nil
  }

  static func reshapedShape(_ node: Node, _ input: [Int], _ constants: ConstantLookup) throws(GraphError)
    -> [Int]
  {
    let what = "node \(node.name) (Reshape)"
    guard node.inputs.count > 1, let requested = constants.ints(node.inputs[1]) else {
      throw GraphError("\(what) needs a constant shape input")
    }
    guard requested.count <= Graph.maximumRank else {
      throw GraphError("\(what) asks for rank \(requested.count)")
    }
    let allowZero = node.int("allowzero", default: 0) != 0
    var shape: [Int] = []
    var inferred: Int?
    for (index, value) in requested.enumerated() {
      switch value {
      case -1:
        guard inferred == nil else { throw GraphError("\(what): shape \(requested) has more than one -1") }
        inferred = index
        shape.append(1)
      case 0 where !allowZero:
        guard index < input.count else {
          throw GraphError(
            "\(what): shape \(requested) copies dimension \(index) of a rank-\(input.count) input")
        }
        shape.append(input[index])
      case 0...:
        shape.append(value)
      default:
        throw GraphError("\(what): shape \(requested) has a negative dimension")
      }
    }
    let total = input.reduce(1, *)
    if let index = inferred {
      guard let known = product(shape), known > 0, total % known == 0 else {
        throw GraphError("\(what) cannot infer the -1 of \(requested) for input \(input)")
      }
      shape[index] = total / known
    }
    guard product(shape) == total else { throw GraphError("\(what) cannot make \(input) into \(requested)") }
    return shape
  }

  /// Axes from input 1 (opset 13+) or the `axes` attribute (before).
  static func axesInput(_ node: Node, _ constants: ConstantLookup, required: Bool) throws(GraphError)
    -> [Int]?
  {
    if node.inputs.count > 1, !node.inputs[1].isEmpty {
      guard let axes = constants.ints(node.inputs[1]) else {
        throw GraphError("node \(node.name) (\(node.op)) needs constant axes")
      }
      return axes
    }
    if let axes = node.ints("axes") { return axes }
    if required { throw GraphError("node \(node.name) (\(node.op)) needs axes") }
    return nil
  }

  static func permutation(_ node: Node, rank: Int) throws(GraphError) -> [Int] {
    guard let perm = node.ints("perm") else { return Array((0..<rank).reversed()) }
    guard perm.count == rank, perm.sorted() == Array(0..<rank) else {
      throw GraphError("node \(node.name) (Transpose) has perm \(perm), not a permutation of \(rank) axes")
    }
    return perm
  }

  static func concatenation(_ node: Node, _ inputs: [TensorInfo?]) throws(GraphError) -> (TensorInfo, Int) {
    let what = "node \(node.name) (Concat)"
    guard !node.inputs.isEmpty else { throw GraphError("\(what) has no inputs") }
    let first = try OperatorSupport.input(node, inputs, 0)
    guard let requested = node.attributes["axis"]?.intValue else {
      throw GraphError("\(what) needs an axis attribute")
    }
    guard !first.shape.isEmpty else { throw GraphError("\(what) cannot concatenate scalars") }
    let axis = try OperatorSupport.axis(requested, rank: first.shape.count, node)
    var shape = first.shape
    shape[axis] = 0
    for index in node.inputs.indices {
      let info = try OperatorSupport.input(node, inputs, index)
      guard info.elementType == first.elementType, info.quantization == first.quantization else {
        throw GraphError(
          "\(what): input \(index) is \(info.elementType) with quantization \(String(describing: info.quantization)), unlike input 0"
        )
      }
      guard info.shape.count == first.shape.count,
        info.shape.indices.allSatisfy({ $0 == axis || info.shape[$0] == first.shape[$0] })
      else {
        throw GraphError(
          "\(what): input \(index) of shape \(info.shape) does not match \(first.shape) outside axis \(axis)")
      }
      shape[axis] += info.shape[axis]
    }
    if let quantizationAxis = first.quantization?.axis, quantizationAxis == axis {
      throw GraphError("\(what) cannot concatenate along the quantization axis of per-axis quantized inputs")
    }
    return (
      TensorInfo(
        name: node.outputs.first ?? "", elementType: first.elementType, shape: shape,
        quantization: first.quantization), axis
    )
  }

  static func splitSizes(_ node: Node, _ shape: [Int], _ constants: ConstantLookup) throws(GraphError) -> (
    Int, [Int]
  ) {
    let what = "node \(node.name) (Split)"
    guard !shape.isEmpty else { throw GraphError("\(what) cannot split a scalar") }
    let axis = try OperatorSupport.axis(node.int("axis", default: 0), rank: shape.count, node)
    let extent = shape[axis]
    var sizes: [Int]
    if node.inputs.count > 1, !node.inputs[1].isEmpty {
      guard let values = constants.ints(node.inputs[1]) else {
        throw GraphError("\(what) needs a constant split input")
      }
      sizes = values
    } else if let values = node.ints("split") {
      sizes = values
    } else {
      let parts = node.attributes["num_outputs"]?.intValue ?? node.outputs.count
      guard parts >= 1, parts <= 4096 else { throw GraphError("\(what) cannot split into \(parts) parts") }
      if node.attributes["num_outputs"] == nil {
        guard extent % parts == 0 else {
          throw GraphError("\(what) cannot split axis \(axis) of \(shape) into \(parts) equal parts")
        }
        sizes = [Int](repeating: extent / parts, count: parts)
      } else {
        // Opset 18: parts of ceil(extent / parts), the last one smaller.
        let size = (extent + parts - 1) / parts
        sizes = (0..<parts).map { Swift.max(0, Swift.min(size, extent - $0 * size)) }
      }
    }
    guard sizes.allSatisfy({ $0 >= 0 && $0 <= extent }), sizes.reduce(0, +) == extent else {
      throw GraphError("\(what): split \(sizes) does not add up to axis \(axis) of \(shape)")
    }
    guard sizes.count == node.outputs.count else {
      throw GraphError("\(what) makes \(sizes.count) parts but declares \(node.outputs.count) outputs")
    }
    return (axis, sizes)
  }

  struct SlicePlan {
    var starts: [Int]
    var steps: [Int]
    var shape: [Int]
    var sliced: Set<Int>
  }

  /// ONNX Slice bounds: negative starts/ends count from the end; both are clamped (huge ends such
  /// as INT64_MAX, imported as Int32.max, mean "to the end"); negative steps walk backwards.
  static func slicePlan(_ node: Node, _ shape: [Int], _ constants: ConstantLookup) throws(GraphError)
    -> SlicePlan
  {
    let what = "node \(node.name) (Slice)"
    func values(_ index: Int, _ attribute: String) throws(GraphError) -> [Int]? {
      if index < node.inputs.count, !node.inputs[index].isEmpty {
        guard let values = constants.ints(node.inputs[index]) else {
          throw GraphError("\(what) needs constant \(attribute)")
        }
        return values
      }
      return node.ints(attribute)
    }
    guard let starts = try values(1, "starts"), let ends = try values(2, "ends") else {
      throw GraphError("\(what) needs starts and ends")
    }
    let rank = shape.count
    let axes = try values(3, "axes") ?? Array(0..<starts.count)
    let steps = try values(4, "steps") ?? [Int](repeating: 1, count: starts.count)
    guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
      throw GraphError(
        "\(what): starts \(starts), ends \(ends), axes \(axes) and steps \(steps) differ in length")
    }
    var plan = SlicePlan(
      starts: [Int](repeating: 0, count: rank), steps: [Int](repeating: 1, count: rank), shape: shape,
      sliced: [])
    let limit = 1 << 40
    for index in axes.indices {
      let axis = try OperatorSupport.axis(axes[index], rank: rank, node)
      guard plan.sliced.insert(axis).inserted else {
        throw GraphError("\(what) lists axis \(axes[index]) twice")
      }
      let step = Swift.min(Swift.max(steps[index], -limit), limit)
      guard step != 0 else { throw GraphError("\(what) has a zero step on axis \(axes[index])") }
      let extent = shape[axis]
      var start = Swift.min(Swift.max(starts[index], -limit), limit)
      var end = Swift.min(Swift.max(ends[index], -limit), limit)
      if start < 0 { start += extent }
      if end < 0 { end += extent }
      let count: Int
      if step > 0 {
        start = Swift.min(Swift.max(start, 0), extent)
        end = Swift.min(Swift.max(end, 0), extent)
        count = end > start ? (end - start + step - 1) / step : 0
      } else {
        start = Swift.min(Swift.max(start, 0), extent - 1)
        end = Swift.min(Swift.max(end, -1), extent - 1)
        count = start > end ? (start - end - step - 1) / -step : 0
      }
      plan.starts[axis] = count > 0 ? start : 0
      plan.steps[axis] = step
      plan.shape[axis] = count
    }
    return plan
  }

  static func gatherAxis(_ node: Node, _ data: TensorInfo, _ indices: TensorInfo, _ constants: ConstantLookup)
    throws(GraphError) -> Int
  {
    let what = "node \(node.name) (Gather)"
    guard !data.shape.isEmpty else { throw GraphError("\(what) cannot gather from a scalar") }
    let axis = try OperatorSupport.axis(node.int("axis", default: 0), rank: data.shape.count, node)
    guard data.shape.count + indices.shape.count - 1 <= Graph.maximumRank else {
      throw GraphError("\(what) would make a tensor of rank \(data.shape.count + indices.shape.count - 1)")
    }
    if let values = constants.ints(node.inputs[1]) {
      let extent = data.shape[axis]
      for value in values where value < -extent || value >= extent {
        throw GraphError("\(what) has index \(value) out of range for axis \(axis) of \(data.shape)")
      }
    } else if indices.elementType != .int32 {
      throw GraphError("\(what) needs int32 indices, not \(indices.elementType)")
    }
    return axis
  }

  static func shapeValues(_ node: Node, _ shape: [Int]) -> [Int] {
    let rank = shape.count
    func clamp(_ value: Int) -> Int { Swift.min(Swift.max(value < 0 ? value + rank : value, 0), rank) }
    let start = clamp(node.int("start", default: 0))
    let end = clamp(node.int("end", default: rank))
    return start < end ? Array(shape[start..<end]) : []
  }
}

/// A strided copy of an N-D block: element offsets into the source and target for every index of
/// `shape`. Axes of extent 1 are dropped and axes contiguous in both are merged at build.
struct StridedCopy: Sendable {
  var shape: [Int]
  var sourceStrides: [Int]
  var targetStrides: [Int]
  var sourceOffset: Int
  var targetOffset: Int
  var count: Int

  init(shape: [Int], sourceStrides: [Int], targetStrides: [Int], sourceOffset: Int = 0, targetOffset: Int = 0)
  {
    var kept: [Int] = [], source: [Int] = [], target: [Int] = []
    for axis in shape.indices where shape[axis] != 1 {
      if !kept.isEmpty, source.last! == sourceStrides[axis] * shape[axis],
        target.last! == targetStrides[axis] * shape[axis]
      {
        kept[kept.count - 1] *= shape[axis]
        source[source.count - 1] = sourceStrides[axis]
        target[target.count - 1] = targetStrides[axis]
      } else {
        kept.append(shape[axis])
        source.append(sourceStrides[axis])
        target.append(targetStrides[axis])
      }
    }
    if kept.isEmpty {
      kept = [1]
      source = [1]
      target = [1]
    }
    self.shape = kept
    self.sourceStrides = source
    self.targetStrides = target
    self.sourceOffset = sourceOffset
    self.targetOffset = targetOffset
    count = shape.reduce(1, *)
  }

  /// Whether the last two axes are an exact transpose (source contiguous along the second-last).
  var isTransposeOfLastTwo: Bool {
    shape.count >= 2 && sourceStrides[shape.count - 2] == 1 && targetStrides[shape.count - 1] == 1
      && sourceStrides[shape.count - 1] != 1
  }

  func run(
    _ source: UnsafeRawPointer, _ target: UnsafeMutableRawPointer, elementSize: Int, threads: ThreadPool
  ) {
    guard count > 0 else { return }
    let rank = shape.count
    if isTransposeOfLastTwo {
      let rows = shape[rank - 2], columns = shape[rank - 1]
      let block = 32
      let rowBlocks = (rows + block - 1) / block
      let outer = count / (rows * columns)
      threads.parallelFor(outer * rowBlocks) { task in
        let (sourceBase, targetBase) = offsets(of: task / rowBlocks, axes: rank - 2)
        let firstRow = (task % rowBlocks) * block
        let lastRow = Swift.min(firstRow + block, rows)
        let rowSource = sourceStrides[rank - 1], rowTarget = targetStrides[rank - 2]
        var firstColumn = 0
        while firstColumn < columns {
          let lastColumn = Swift.min(firstColumn + block, columns)
          for row in firstRow..<lastRow {
            if elementSize == 4 {
              let s = (source + (sourceBase + row) * 4).assumingMemoryBound(to: UInt32.self)
              let t = (target + (targetBase + row * rowTarget) * 4).assumingMemoryBound(to: UInt32.self)
              for column in firstColumn..<lastColumn { t[column] = s[column * rowSource] }
            } else {
              let s = (source + (sourceBase + row) * elementSize).assumingMemoryBound(to: UInt8.self)
              let t = (target + (targetBase + row * rowTarget) * elementSize).assumingMemoryBound(
                to: UInt8.self)
              for column in firstColumn..<lastColumn { t[column] = s[column * rowSource] }
            }
          }
          firstColumn = lastColumn
        }
      }
      return
    }
    let inner = shape[rank - 1]
    let rows = count / inner
    let innerSource = sourceStrides[rank - 1], innerTarget = targetStrides[rank - 1]
    threads.forEachRange(rows, chunk: Swift.max(1, 65536 / Swift.max(inner, 1))) { range in
      for row in range {
        let (sourceBase, targetBase) = offsets(of: row, axes: rank - 1)
        let s = source + sourceBase * elementSize
        let t = target + targetBase * elementSize
        if innerSource == 1 && innerTarget == 1 {
          t.copyMemory(from: s, byteCount: inner * elementSize)
        } else if elementSize == 4 {
          let from = s.assumingMemoryBound(to: UInt32.self), to = t.assumingMemoryBound(to: UInt32.self)
          for index in 0..<inner { to[index * innerTarget] = from[index * innerSource] }
        } else {
          let from = s.assumingMemoryBound(to: UInt8.self), to = t.assumingMemoryBound(to: UInt8.self)
          for index in 0..<inner { to[index * innerTarget] = from[index * innerSource] }
        }
      }
    }
  }

  /// Source and target element offsets of outer index `index` over the first `axes` axes.
  @inline(__always) private func offsets(of index: Int, axes: Int) -> (Int, Int) {
    var rest = index, source = sourceOffset, target = targetOffset
    var axis = axes - 1
    while axis >= 0 {
      let coordinate = rest % shape[axis]
      rest /= shape[axis]
      source += coordinate * sourceStrides[axis]
      target += coordinate * targetStrides[axis]
      axis -= 1
    }
    return (source, target)
  }
}

/// Runs strided copies between views: one source to one target, many sources into one target
/// (Concat) or one source into many targets (Split).
final class CopyKernel: Kernel {
  let pairs: [(source: UnsafeRawPointer, target: UnsafeMutableRawPointer, copy: StridedCopy)]
  let elementSize: Int

  init(source: TensorView, target: TensorView, copies: [StridedCopy]) {
    pairs = copies.map { (UnsafeRawPointer(source.data), target.data, $0) }
    elementSize = source.info.elementType.byteCount
  }

  init(sources: [TensorView], target: TensorView, copies: [StridedCopy]) {
    pairs = zip(sources, copies).map { (UnsafeRawPointer($0.data), target.data, $1) }
    elementSize = target.info.elementType.byteCount
  }

  init(source: TensorView, targets: [TensorView], copies: [StridedCopy]) {
    pairs = zip(targets, copies).map { (UnsafeRawPointer(source.data), $0.data, $1) }
    elementSize = source.info.elementType.byteCount
  }

  func run(_ context: borrowing ExecutionContext) {
    for pair in pairs {
      pair.copy.run(pair.source, pair.target, elementSize: elementSize, threads: context.threads)
    }
  }
}

/// Gather along one axis; indices are validated at build when constant, and at run otherwise
/// (an out-of-range runtime index yields zeros rather than a read outside the tensor).
final class GatherKernel: Kernel {
  let data: TensorView, indices: TensorView, output: TensorView
  /// Constant indices, normalised at build; nil when they are read (int32) at run.
  let constant: [Int]?
  let outer: Int, extent: Int, inner: Int, count: Int
  let elementSize: Int

  init(data: TensorView, indices: TensorView, constant: [Int]?, output: TensorView, axis: Int) {
    self.data = data
    self.indices = indices
    self.output = output
    outer = data.shape[..<axis].reduce(1, *)
    extent = data.shape[axis]
    inner = data.shape[(axis + 1)...].reduce(1, *)
    count = indices.elementCount
    elementSize = data.info.elementType.byteCount
    self.constant = constant.map { [extent] values in values.map { $0 < 0 ? $0 + extent : $0 } }
  }

  func run(_ context: borrowing ExecutionContext) {
    let bytes = inner * elementSize
    let source = UnsafeRawPointer(data.data), target = output.data
    let runtime = indices.int32s()
    for block in 0..<outer {
      for position in 0..<count {
        var index = constant?[position] ?? Int(runtime[position])
        if index < 0 { index += extent }
        let destination = target + (block * count + position) * bytes
        if index >= 0 && index < extent {
          destination.copyMemory(from: source + (block * extent + index) * bytes, byteCount: bytes)
        } else {
          destination.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        }
      }
    }
  }
}

/// Writes a static shape as int32 values.
final class ShapeKernel: Kernel {
  let values: [Int32]
  let output: TensorView

  init(values: [Int32], output: TensorView) {
    self.values = values
    self.output = output
  }

  func run(_ context: borrowing ExecutionContext) {
    let target = output.int32s()
    for (index, value) in values.enumerated() { target[index] = value }
  }
}
