import Glibc

/// Float32 element-wise operators of two or more inputs with numpy-style (multidirectional)
/// broadcasting: Add, Sub, Mul, Div, Pow (binary), Max, Min, Sum, Mean (variadic).
///
/// Shapes are collapsed at build time to an outer index space and one contiguous inner run, so
/// same-shape, scalar and per-channel operands run as tight loops over the inner run.
enum ElementwiseBinary {
  enum Operation: Sendable {
    case add, sub, mul, div, max, min, pow
    /// Pow with a constant scalar exponent of 2, 3, 0.5 or 1; `first` copies the first operand.
    case square, cube, sqrt, first
  }

  static func binary(_ operation: Operation) -> OperatorDefinition {
    OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        guard node.inputs.count == 2 else {
          throw GraphError("node \(node.name) (\(node.op)) takes 2 inputs, not \(node.inputs.count)")
        }
        return [try outputInfo(node, inputs, constants, operation: operation)]
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        try BinaryKernel(node, inputs, outputs[0], constants, operation: operation)
      })
  }

  static func variadic(_ operation: Operation, mean: Bool = false) -> OperatorDefinition {
    OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        guard !node.inputs.isEmpty, node.inputs.count <= 64 else {
          throw GraphError("node \(node.name) (\(node.op)) takes 1 to 64 inputs, not \(node.inputs.count)")
        }
        return [try outputInfo(node, inputs, constants, operation: operation)]
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        try BinaryKernel(node, inputs, outputs[0], constants, operation: operation, mean: mean)
      })
  }

  static let definitions: [String: OperatorDefinition] = [
    "Add": binary(.add),
    "Sub": binary(.sub),
    "Mul": binary(.mul),
    "Div": binary(.div),
    "Pow": binary(.pow),
    "Max": variadic(.max),
    "Min": variadic(.min),
    "Sum": variadic(.add),
    "Mean": variadic(.add, mean: true),
  ]

  /// The broadcast of every input's shape, as a float32 tensor description.
  static func outputInfo(
    _ node: Node, _ inputs: [TensorInfo?], _ constants: ConstantLookup, operation: Operation
  )
    throws(GraphError) -> TensorInfo
  {
    var shape: [Int] = []
    // Integer tensors (shape arithmetic the importer folds) work for every operator but Pow and Mean.
    let integer =
      try OperatorSupport.input(node, inputs, 0).elementType == .int32 && operation != .pow
      && node.op != "Mean"
    for index in node.inputs.indices {
      let info = try OperatorSupport.input(node, inputs, index)
      if operation == .pow && index == 1 {
        guard info.elementType == .float32 || constants.tensor(node.inputs[1]) != nil else {
          throw GraphError(
            "node \(node.name) (Pow) needs a float32 or constant exponent, not \(info.elementType)")
        }
      } else if integer {
        guard info.elementType == .int32 else {
          throw GraphError(
            "node \(node.name) (\(node.op)) mixes int32 input 0 with \(info.elementType) input \(index)")
        }
      } else {
        _ = try OperatorSupport.floatInput(node, inputs, index)
      }
      shape = try broadcast(shape, info.shape, node)
    }
    return TensorInfo(name: node.outputs.first ?? "", elementType: integer ? .int32 : .float32, shape: shape)
  }

  /// The numpy broadcast of two shapes.
  static func broadcast(_ a: [Int], _ b: [Int], _ node: Node) throws(GraphError) -> [Int] {
    let rank = Swift.max(a.count, b.count)
    let x = [Int](repeating: 1, count: rank - a.count) + a
    let y = [Int](repeating: 1, count: rank - b.count) + b
    var result: [Int] = []
    for (p, q) in zip(x, y) {
      guard p == q || p == 1 || q == 1 else {
        throw GraphError("node \(node.name) (\(node.op)): shapes \(a) and \(b) do not broadcast")
      }
      result.append(p == 1 ? q : p)
    }
    return result
  }
}

/// Where each operand's element lives for every output element: an outer index space (with
/// per-operand strides, 0 where broadcast) and a contiguous inner run.
struct BroadcastLayout: Sendable {
  var inner: Int
  var innerStrideA: Int
  var innerStrideB: Int
  var outerShape: [Int]
  var outerStridesA: [Int]
  var outerStridesB: [Int]
  var total: Int

  init(output: [Int], a: [Int], b: [Int]) {
    let rank = output.count
    func strides(_ shape: [Int]) -> [Int] {
      let padded = [Int](repeating: 1, count: rank - shape.count) + shape
      var result = [Int](repeating: 0, count: rank)
      var running = 1
      for axis in stride(from: rank - 1, through: 0, by: -1) {
        result[axis] = padded[axis] == 1 ? 0 : running
        running *= padded[axis]
      }
      return result
    }
    let fullA = strides(a), fullB = strides(b)
    var shape: [Int] = [], stridesA: [Int] = [], stridesB: [Int] = []
    for axis in 0..<rank where output[axis] != 1 {
      if !shape.isEmpty, stridesA.last! == fullA[axis] * output[axis],
        stridesB.last! == fullB[axis] * output[axis]
      {
        // Contiguous with the previous kept axis for both operands: merge.
        shape[shape.count - 1] *= output[axis]
        stridesA[stridesA.count - 1] = fullA[axis]
        stridesB[stridesB.count - 1] = fullB[axis]
      } else {
        shape.append(output[axis])
        stridesA.append(fullA[axis])
        stridesB.append(fullB[axis])
      }
    }
    total = output.reduce(1, *)
    inner = shape.popLast() ?? 1
    innerStrideA = stridesA.popLast() ?? 0
    innerStrideB = stridesB.popLast() ?? 0
    outerShape = shape
    outerStridesA = stridesA
    outerStridesB = stridesB
  }
}

protocol BinaryFunction {
  static func apply(_ a: Float, _ b: Float) -> Float
}

enum AddFunction: BinaryFunction {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b }
}
enum SubFunction: BinaryFunction {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b }
}
enum MulFunction: BinaryFunction {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b }
}
enum DivFunction: BinaryFunction {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b }
}
enum MaxFunction: BinaryFunction {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { Swift.max(a, b) }
}
enum MinFunction: BinaryFunction {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { Swift.min(a, b) }
}
enum PowFunction: BinaryFunction {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { Glibc.powf(a, b) }
}
enum SquareFunction: BinaryFunction {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * a }
}
enum CubeFunction: BinaryFunction {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * a * a }
}
enum SqrtFunction: BinaryFunction {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a.squareRoot() }
}
enum FirstFunction: BinaryFunction {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a }
}

/// Applies a chain of broadcast binary steps: `out = f(in0, in1)`, then `out = f(out, in_i)`.
final class BinaryKernel: Kernel {
  struct Step {
    var a: UnsafePointer<Float>
    var b: UnsafePointer<Float>
    var layout: BroadcastLayout
    var operation: ElementwiseBinary.Operation
  }

  let steps: [Step]
  let output: UnsafeMutablePointer<Float>
  let count: Int
  let meanScale: Float?
  /// Int32 operands and output (reinterpreted from the Float pointers).
  let integer: Bool
  /// Float copies of constant non-float operands (an integer Pow exponent).
  private var owned: [UnsafeMutablePointer<Float>] = []

  init(
    _ node: Node, _ inputs: [TensorView?], _ output: TensorView, _ constants: ConstantLookup,
    operation: ElementwiseBinary.Operation, mean: Bool = false
  ) throws(GraphError) {
    var pointers: [UnsafePointer<Float>] = []
    var shapes: [[Int]] = []
    var owned: [UnsafeMutablePointer<Float>] = []
    integer = output.info.elementType == .int32
    for index in node.inputs.indices {
      let view = try OperatorSupport.view(node, inputs, index)
      if view.info.elementType == .float32 || integer {
        pointers.append(UnsafePointer(view.floats()))
      } else {
        guard let values = constants.ints(node.inputs[index]) else {
          throw GraphError(
            "node \(node.name) (\(node.op)) needs float32 input \(index), not \(view.info.elementType)")
        }
        let copy = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(values.count, 1))
        for (offset, value) in values.enumerated() { copy[offset] = Float(value) }
        owned.append(copy)
        pointers.append(UnsafePointer(copy))
      }
      shapes.append(view.shape)
    }
    self.owned = owned
    let outputShape = output.shape
    var chosen = operation
    if operation == .pow, !integer, shapes[1].reduce(1, *) == 1, constants.tensor(node.inputs[1]) != nil,
      shapes[1].count <= outputShape.count, outputShape == shapes[0]
    {
      switch pointers[1][0] {
      case 2: chosen = .square
      case 3: chosen = .cube
      case 0.5: chosen = .sqrt
      case 1: chosen = .first
      default: break
      }
    }
    var steps: [Step] = []
    if pointers.count == 1 {
      steps.append(
        Step(
          a: pointers[0], b: pointers[0],
          layout: BroadcastLayout(output: outputShape, a: shapes[0], b: shapes[0]), operation: .first))
    } else {
      steps.append(
        Step(
          a: pointers[0], b: pointers[1],
          layout: BroadcastLayout(output: outputShape, a: shapes[0], b: shapes[1]), operation: chosen))
      for index in pointers.indices.dropFirst(2) {
        steps.append(
          Step(
            a: UnsafePointer(output.floats()), b: pointers[index],
            layout: BroadcastLayout(output: outputShape, a: outputShape, b: shapes[index]),
            operation: operation))
      }
    }
    self.steps = steps
    self.output = output.floats()
    self.count = output.elementCount
    self.meanScale = mean ? 1 / Float(pointers.count) : nil
  }

  deinit { for pointer in owned { pointer.deallocate() } }

  func run(_ context: borrowing ExecutionContext) {
    let output = output
    for step in steps {
      if integer {
        BinaryKernel.runIntegers(step, output, 0..<step.layout.total)
        continue
      }
      context.threads.forEachRange(step.layout.total, chunk: 32768) { range in
        BinaryKernel.run(step, output, range)
      }
    }
    if let scale = meanScale {
      context.threads.forEachRange(count, chunk: 32768) { range in
        for index in range { output[index] *= scale }
      }
    }
  }

  /// The operand offsets of output element `position`'s row, and its column.
  @inline(__always)
  static func locate(_ layout: BroadcastLayout, _ position: Int) -> (offsetA: Int, offsetB: Int, column: Int)
  {
    let row = position / layout.inner
    var rest = row, offsetA = 0, offsetB = 0
    var axis = layout.outerShape.count - 1
    while axis >= 0 {
      let extent = layout.outerShape[axis]
      let coordinate = rest % extent
      rest /= extent
      offsetA += coordinate * layout.outerStridesA[axis]
      offsetB += coordinate * layout.outerStridesB[axis]
      axis -= 1
    }
    return (offsetA, offsetB, position - row * layout.inner)
  }

  /// The int32 form: wrapping arithmetic; division truncates, and x / 0 is 0 rather than a trap.
  static func runIntegers(_ step: Step, _ output: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
    let layout = step.layout
    let a = UnsafeRawPointer(step.a).assumingMemoryBound(to: Int32.self)
    let b = UnsafeRawPointer(step.b).assumingMemoryBound(to: Int32.self)
    let out = UnsafeMutableRawPointer(output).assumingMemoryBound(to: Int32.self)
    for position in range {
      let (offsetA, offsetB, column) = locate(layout, position)
      let x = a[offsetA + column * layout.innerStrideA], y = b[offsetB + column * layout.innerStrideB]
      switch step.operation {
      case .add: out[position] = x &+ y
      case .sub: out[position] = x &- y
      case .mul: out[position] = x &* y
      case .div: out[position] = y == 0 ? 0 : x.dividedReportingOverflow(by: y).partialValue
      case .max: out[position] = Swift.max(x, y)
      case .min: out[position] = Swift.min(x, y)
      default: out[position] = x
      }
    }
  }

  static func run(_ step: Step, _ output: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
    let layout = step.layout
    let inner = layout.inner
    var position = range.lowerBound
    while position < range.upperBound {
      let (offsetA, offsetB, column) = locate(layout, position)
      let length = Swift.min(inner - column, range.upperBound - position)
      let a = step.a + offsetA + column * layout.innerStrideA
      let b = step.b + offsetB + column * layout.innerStrideB
      let target = output + position
      let sa = layout.innerStrideA, sb = layout.innerStrideB
      switch step.operation {
      case .add: segment(AddFunction.self, a, b, target, length, sa, sb)
      case .sub: segment(SubFunction.self, a, b, target, length, sa, sb)
      case .mul: segment(MulFunction.self, a, b, target, length, sa, sb)
      case .div: segment(DivFunction.self, a, b, target, length, sa, sb)
      case .max: segment(MaxFunction.self, a, b, target, length, sa, sb)
      case .min: segment(MinFunction.self, a, b, target, length, sa, sb)
      case .pow: segment(PowFunction.self, a, b, target, length, sa, sb)
      case .square: segment(SquareFunction.self, a, b, target, length, sa, sb)
      case .cube: segment(CubeFunction.self, a, b, target, length, sa, sb)
      case .sqrt: segment(SqrtFunction.self, a, b, target, length, sa, sb)
      case .first: segment(FirstFunction.self, a, b, target, length, sa, sb)
      }
      position += length
    }
  }

  @inline(__always)
  static func segment<F: BinaryFunction>(
    _: F.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
    _ count: Int, _ strideA: Int, _ strideB: Int
  ) {
    if strideA == 1 && strideB == 1 {
      for index in 0..<count { out[index] = F.apply(a[index], b[index]) }
    } else if strideA == 1 {
      let value = b[0]
      for index in 0..<count { out[index] = F.apply(a[index], value) }
    } else if strideB == 1 {
      let value = a[0]
      for index in 0..<count { out[index] = F.apply(value, b[index]) }
    } else {
      let value = F.apply(a[0], b[0])
      for index in 0..<count { out[index] = value }
    }
  }
}
