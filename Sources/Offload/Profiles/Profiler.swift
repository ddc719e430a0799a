import Engine

/// Measures a `DeviceProfile` on this machine: per-node warm medians (`NodeTimes`) of `runs`
/// timed runs after `warmup` untimed ones, at `threads` threads.
public struct Profiler: Sendable {
  public var threads: Int
  public var runs: Int
  public var warmup: Int

  public init(threads: Int = 1, runs: Int = 50, warmup: Int = 5) {
    precondition(threads >= 1 && runs >= 1 && warmup >= 0, "threads and runs at least 1")
    self.threads = threads
    self.runs = runs
    self.warmup = warmup
  }

  /// Profiles `graph`; `model` is its identifier (`ModelBundle.identifier(of:)` when nil).
  public func profile(_ graph: Graph, model: String? = nil) throws(GraphError) -> DeviceProfile {
    let compiled = try CompiledModel(graph: graph, threadCount: threads)
    Self.fillInputs(compiled)
    let times = NodeTimes.measure(compiled, warmup: warmup, runs: runs)
    var identifier = model ?? ""
    if model == nil { identifier = try ModelBundle.identifier(of: graph) }
    var operators: [String: String] = [:]
    for node in compiled.graph.nodes { operators[node.name] = node.op }
    return DeviceProfile(
      model: identifier, machine: .current(), date: UTCTimestamp.now(),
      threads: threads, runs: runs, nodeMilliseconds: times.nanoseconds.mapValues { $0 / 1e6 },
      nodeOperators: operators,
      tensorBytes: DeviceProfile.tensorBytes(of: compiled.graph, infos: compiled.tensorInfos),
      totalMilliseconds: times.totalNanoseconds / 1e6)
  }

  /// Fills every input with reproducible values (floats in [0, 1), bytes 0...255): the kernels'
  /// time does not depend on the values, but NaNs or denormals could slow float ones.
  static func fillInputs(_ model: CompiledModel) {
    var state: UInt32 = 2_463_534_242
    for info in model.graph.inputs {
      guard let view = model.input(info.name) else { continue }
      let bytes = view.data.assumingMemoryBound(to: UInt8.self)
      for index in 0..<info.byteCount {
        state ^= state << 13
        state ^= state >> 17
        state ^= state << 5
        // For float32, keep each element's high byte small: exponents well inside the normal
        // range, values below 1.
        bytes[index] =
          info.elementType == .float32 && index % 4 == 3 ? 0x3E : UInt8(truncatingIfNeeded: state)
      }
    }
  }
}
