/// A validated graph made ready to run: shapes inferred, activations planned into one arena,
/// kernels bound to their views. Running allocates nothing; the caller writes inputs in place
/// (`input(_:)`) and reads outputs in place (`output(_:)`), or uses `run(_:)` for convenience.
public final class CompiledModel {
  public let graph: Graph
  /// The description of every tensor: inputs, constants, intermediates, outputs.
  public let tensorInfos: [String: TensorInfo]
  public let memoryPlan: MemoryPlan
  public let threads: ThreadPool
  private let arena: UnsafeMutableRawPointer
  private let kernels: [any Kernel]
  /// The scratch memory every kernel shares (see `Kernel.workspaceBytes`).
  private let workspace: UnsafeMutableRawPointer
  public let workspaceBytes: Int
  private var views: [String: TensorView]

  /// Compiles `graph` (which is validated here) with `threadCount` threads.
  public init(
    graph unvalidated: Graph, threadCount: Int = 1, registry: OperatorRegistry = StandardOperators.registry
  ) throws(GraphError) {
    let graph = try unvalidated.validated()
    let constants = ConstantLookup(graph.constants)
    let infos = try ShapeInference.infer(graph, registry: registry)
    // Lifetimes: graph inputs live from the start, graph outputs to the end.
    let lastStep = graph.nodes.count
    var firstUse: [String: Int] = [:]
    var lastUse: [String: Int] = [:]
    for input in graph.inputs { firstUse[input.name] = 0 }
    for (step, node) in graph.nodes.enumerated() {
      for name in node.outputs where !name.isEmpty { firstUse[name] = step }
      for name in node.inputs where !name.isEmpty { lastUse[name] = step }
    }
    for name in graph.outputs { lastUse[name] = lastStep }
    let activations = infos.keys.filter { graph.constants[$0] == nil && firstUse[$0] != nil }.sorted()
    let plan = MemoryPlan(
      activations.map {
        MemoryPlan.Request(
          bytes: infos[$0]!.byteCount, firstStep: firstUse[$0]!,
          lastStep: max(firstUse[$0]!, lastUse[$0] ?? firstUse[$0]!))
      })
    let arena = UnsafeMutableRawPointer.allocate(
      byteCount: max(plan.arenaBytes, MemoryPlan.alignment), alignment: MemoryPlan.alignment)
    arena.initializeMemory(as: UInt8.self, repeating: 0, count: max(plan.arenaBytes, MemoryPlan.alignment))
    var views: [String: TensorView] = [:]
    for (index, name) in activations.enumerated() {
      views[name] = TensorView(data: arena + plan.offsets[index], info: infos[name]!)
    }
    for (name, tensor) in graph.constants {
      views[name] = TensorView(
        data: UnsafeMutableRawPointer(mutating: tensor.bytes.baseAddress!), info: infos[name]!)
    }
    var kernels: [any Kernel] = []
    do throws(GraphError) {
      for node in graph.nodes {
        let inputs = node.inputs.map { $0.isEmpty ? nil : views[$0] }
        let outputs = node.outputs.filter { !$0.isEmpty }.map { views[$0]! }
        kernels.append(try registry[node.op]!.build(node, inputs, outputs, constants))
      }
    } catch {
      arena.deallocate()
      throw error
    }
    let workspaceBytes = kernels.map(\.workspaceBytes).max() ?? 0
    workspace = UnsafeMutableRawPointer.allocate(
      byteCount: max(workspaceBytes, MemoryPlan.alignment), alignment: MemoryPlan.alignment)
    workspace.initializeMemory(as: UInt8.self, repeating: 0, count: max(workspaceBytes, MemoryPlan.alignment))
    self.workspaceBytes = workspaceBytes
    self.graph = graph
    self.tensorInfos = infos
    self.memoryPlan = plan
    self.arena = arena
    self.kernels = kernels
    self.views = views
    self.threads = ThreadPool(threads: threadCount)
  }

  deinit {
    threads.shutdown()
    arena.deallocate()
    workspace.deallocate()
  }

  /// Compiles the head or the tail of `cut` as a model of its own: the head's outputs are the
  /// crossing tensors; the tail's inputs are the crossing tensors.
  public static func part(
    _ part: CutPart, of graph: Graph, cut: Cut, threadCount: Int = 1,
    registry: OperatorRegistry = StandardOperators.registry
  ) throws(GraphError) -> CompiledModel {
    let validated = try graph.validated()
    let infos = try ShapeInference.infer(validated, registry: registry)
    let subgraph = try validated.subgraph(part, cut: cut, crossingInfos: infos)
    return try CompiledModel(graph: subgraph, threadCount: threadCount, registry: registry)
  }

  /// The memory of an input, to fill before `run()`.
  public func input(_ name: String) -> TensorView? {
    graph.inputs.contains { $0.name == name } ? views[name] : nil
  }

  /// The memory of an output, valid after `run()` until the next run.
  public func output(_ name: String) -> TensorView? {
    graph.outputs.contains(name) ? views[name] : nil
  }

  /// Runs every node once.
  public func run() {
    let context = ExecutionContext(threads: threads, workspace: workspace, workspaceBytes: workspaceBytes)
    for kernel in kernels { kernel.run(context) }
  }

  /// Runs every node once, adding each node's wall time in nanoseconds to `nanoseconds` (indexed
  /// like `graph.nodes`, which must be its count). For per-node profiles; `run()` has no
  /// timing overhead.
  public func run(addingNodeTimesTo nanoseconds: inout [UInt64]) {
    precondition(nanoseconds.count == kernels.count, "one time slot per node")
    let context = ExecutionContext(threads: threads, workspace: workspace, workspaceBytes: workspaceBytes)
    var start = MonotonicClock.nanoseconds()
    for (index, kernel) in kernels.enumerated() {
      kernel.run(context)
      let end = MonotonicClock.nanoseconds()
      nanoseconds[index] += end - start
      start = end
    }
  }

  /// Copies `inputs` in, runs, and returns copies of the outputs.
  public func run(_ inputs: [String: Tensor]) throws(GraphError) -> [String: Tensor] {
    try setInputs(inputs)
    run()
    return Dictionary(
      try outputTensors().map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
  }
}

/// Which side of a cut to compile.
public enum CutPart: String, Sendable, Codable {
  case head
  case tail
}
