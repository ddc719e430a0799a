/// What a compiled model costs: per node, its outputs and multiply-accumulates; in total, the
/// parameters (constant elements), the multiply-accumulates, and the activation memory the plan
/// needs against what a runtime without reuse would allocate.
public struct ModelStatistics: Sendable, Codable {
  /// One node in execution order.
  public struct NodeStatistics: Sendable, Equatable, Codable {
    public var name: String
    public var op: String
    /// The node's outputs as shape inference describes them.
    public var outputs: [TensorInfo]
    public var multiplyAccumulates: Int
  }

  public let nodes: [NodeStatistics]
  /// Elements of every constant (weights, biases, quantization parameters).
  public let parameterCount: Int
  public let parameterBytes: Int
  /// The sum over nodes (saturating: a hostile model cannot make it wrap).
  public let multiplyAccumulates: Int
  /// The activation arena: the peak memory activations take at once under the plan.
  public let activationArenaBytes: Int
  /// The largest sum of activations alive at one step: no plan can be smaller.
  public let activationLowerBound: Int
  /// Every activation's size added up: what the model would take without reusing memory.
  public let activationTotalBytes: Int
  /// The kernels' shared scratch (the int8 convolutions' packed inputs), beside the arena.
  public let workspaceBytes: Int

  public init(_ model: CompiledModel) {
    let infos = model.tensorInfos
    nodes = model.graph.nodes.map { node in
      NodeStatistics(
        name: node.name, op: node.op,
        outputs: node.outputs.filter { !$0.isEmpty }.compactMap { infos[$0] },
        multiplyAccumulates: ModelStatistics.multiplyAccumulates(of: node, infos: infos))
    }
    parameterCount = model.graph.constants.values.reduce(0) { $0 + $1.elementCount }
    parameterBytes = model.graph.constants.values.reduce(0) { $0 + $1.byteCount }
    multiplyAccumulates = nodes.reduce(0) { ModelStatistics.product($0, 1, adding: $1.multiplyAccumulates) }
    activationArenaBytes = model.memoryPlan.arenaBytes
    activationLowerBound = model.memoryPlan.lowerBound
    activationTotalBytes = model.memoryPlan.totalBytes
    workspaceBytes = model.workspaceBytes
  }

  /// Multiply-accumulates of one node: Conv and QLinearConv count output elements times the
  /// weight's elements per output channel (C/group * kH * kW); Gemm, QGemm, MatMul and QLinearMatMul
  /// count output elements times the reduced dimension (M * N * K); every other operator 0.
  public static func multiplyAccumulates(of node: Node, infos: [String: TensorInfo]) -> Int {
    func input(_ index: Int) -> TensorInfo? {
      index < node.inputs.count ? infos[node.inputs[index]] : nil
    }
    guard let output = node.outputs.first.flatMap({ infos[$0] }) else { return 0 }
    let outputElements = output.shape.reduce(1) { product($0, $1) }
    let reduced: Int
    switch node.op {
    case "Conv", "QLinearConv":
      guard let weight = input(node.op == "Conv" ? 1 : 3), weight.shape.count >= 2 else { return 0 }
      reduced = weight.shape.dropFirst().reduce(1) { product($0, $1) }
    case "Gemm", "QGemm":
      guard let a = input(0), a.shape.count == 2 else { return 0 }
      reduced = node.int("transA", default: 0) != 0 ? a.shape[0] : a.shape[1]
    case "MatMul", "QLinearMatMul":
      guard let a = input(0), let last = a.shape.last else { return 0 }
      reduced = last
    default:
      return 0
    }
    return product(outputElements, reduced)
  }

  /// `left * right + adding`, saturating at Int.max instead of trapping.
  private static func product(_ left: Int, _ right: Int, adding: Int = 0) -> Int {
    let (product, overflow) = left.multipliedReportingOverflow(by: right)
    let (sum, overflow2) = product.addingReportingOverflow(adding)
    return overflow || overflow2 ? .max : sum
  }
}
