import Glibc

/// Float32 activations applied element by element: Relu, Clip (Relu6), LeakyRelu, Sigmoid,
/// HardSigmoid, HardSwish, SiLU (as ONNX spells it: Sigmoid * x, fused at import), Tanh, Exp,
/// Neg, Abs, Sqrt, Identity.
enum ElementwiseUnary {
  /// A float function of one value, with its parameters resolved from the node.
  enum Function: Sendable {
    case relu, sigmoid, tanh, exp, neg, abs, sqrt, identity, silu, hardSwish
    case clip(Float, Float)
    case leakyRelu(Float)
    case hardSigmoid(alpha: Float, beta: Float)

    @inline(__always) func apply(_ x: Float) -> Float {
      switch self {
      case .relu: return Swift.max(x, 0)
      case .sigmoid: return 1 / (1 + Glibc.expf(-x))
      case .tanh: return Glibc.tanhf(x)
      case .exp: return Glibc.expf(x)
      case .neg: return -x
      case .abs: return Swift.abs(x)
      case .sqrt: return x.squareRoot()
      case .identity: return x
      case .silu: return x / (1 + Glibc.expf(-x))
      case .hardSwish: return x * Swift.max(0, Swift.min(1, x / 6 + 0.5))
      case .clip(let low, let high): return x.isNaN ? x : Swift.min(Swift.max(x, low), high)
      case .leakyRelu(let alpha): return x >= 0 ? x : alpha * x
      case .hardSigmoid(let alpha, let beta): return Swift.max(0, Swift.min(1, alpha * x + beta))
      }
    }
  }

  static func definition(_ resolve: @escaping @Sendable (Node, ConstantLookup) throws(GraphError) -> Function)
    -> OperatorDefinition
  {
    OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        let info = try OperatorSupport.floatInput(node, inputs, 0)
        _ = try resolve(node, constants)
        return [OperatorSupport.like(info, node)]
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        UnaryKernel(
          input: try OperatorSupport.view(node, inputs, 0), output: outputs[0],
          function: try resolve(node, constants))
      })
  }

  static let definitions: [String: OperatorDefinition] = [
    "Relu": definition { _, _ in .relu },
    "Sigmoid": definition { _, _ in .sigmoid },
    "Tanh": definition { _, _ in .tanh },
    "Exp": definition { _, _ in .exp },
    "Neg": definition { _, _ in .neg },
    "Abs": definition { _, _ in .abs },
    "Sqrt": definition { _, _ in .sqrt },
    "Identity": definition { _, _ in .identity },
    "HardSwish": definition { _, _ in .hardSwish },
    "SiLU": definition { _, _ in .silu },
    "LeakyRelu": definition { node, _ in .leakyRelu(node.float("alpha", default: 0.01)) },
    "HardSigmoid": definition { node, _ in
      .hardSigmoid(alpha: node.float("alpha", default: 0.2), beta: node.float("beta", default: 0.5))
    },
    "Clip": definition { node, constants throws(GraphError) in
      // Opset 11+ passes min and max as optional constant inputs; older opsets as attributes.
      func bound(_ index: Int, _ attribute: String, _ fallback: Float) throws(GraphError) -> Float {
        if index < node.inputs.count, !node.inputs[index].isEmpty {
          guard let values = constants.floats(node.inputs[index]), values.count == 1 else {
            throw GraphError("node \(node.name) (Clip) needs a constant scalar \(attribute)")
          }
          return values[0]
        }
        return node.float(attribute, default: fallback)
      }
      return .clip(try bound(1, "min", -.infinity), try bound(2, "max", .infinity))
    },
  ]
}

/// Applies one `ElementwiseUnary.Function` over a tensor, split across threads in large chunks.
final class UnaryKernel: Kernel {
  let input: TensorView
  let output: TensorView
  let function: ElementwiseUnary.Function

  init(input: TensorView, output: TensorView, function: ElementwiseUnary.Function) {
    self.input = input
    self.output = output
    self.function = function
  }

  func run(_ context: borrowing ExecutionContext) {
    let count = input.elementCount
    let source = input.floats()
    let target = output.floats()
    let function = function
    let chunk = 16384
    context.threads.parallelFor((count + chunk - 1) / chunk) { block in
      let start = block * chunk
      for index in start..<Swift.min(start + chunk, count) { target[index] = function.apply(source[index]) }
    }
  }
}
