import Engine
import Offload
import Synchronization

/// A model the tail server serves: its graph, its hash, the cuts asked of it so far (validated
/// and compiled, the most recently used `maximumCuts` kept), and its profile once measured.
public final class ServedModel: Sendable {
  public let graph: Graph
  /// The SHA-256 of its bundle (`ModelHash.of`).
  public let hash: String
  /// Where it was loaded from, for the record.
  public let path: String?
  let maximumCuts: Int
  let maximumIdle: Int
  let cuts = Mutex<[(cut: Cut, entry: TailCut)]>([])
  let profile = Mutex<DeviceProfile?>(nil)

  /// Serves `graph` (validated here) under `hash`.
  public init(graph: Graph, hash: String, path: String? = nil, maximumCuts: Int = 16, maximumIdle: Int = 4)
    throws(GraphError)
  {
    self.graph = try graph.validated()
    self.hash = hash
    self.path = path
    self.maximumCuts = maximumCuts
    self.maximumIdle = maximumIdle
  }

  /// Loads a bundle folder or an ONNX file (`loadModel`) and names it by its hash.
  public convenience init(path: String) throws(GraphError) {
    let loaded = try loadModel(path: path)
    try self.init(
      graph: loaded.graph,
      hash: try ModelHash.of(graph: loaded.graph, bundleIdentifier: loaded.bundleIdentifier),
      path: path)
  }

  /// The validated, compiled cut (cached).
  func tailCut(_ cut: Cut, frameID: UInt64) throws(WireError) -> TailCut {
    let cached: TailCut? = cuts.withLock { cuts in
      guard let index = cuts.firstIndex(where: { $0.cut == cut }) else { return nil }
      let entry = cuts.remove(at: index)
      cuts.append(entry)
      return entry.entry
    }
    if let cached { return cached }
    // Compiled outside the lock: two workers may compile the same new cut once each.
    let entry = try TailCut(graph: graph, cut: cut, maximumIdle: maximumIdle, frameID: frameID)
    cuts.withLock { cuts in
      cuts.removeAll { $0.cut == cut }
      cuts.append((cut, entry))
      if cuts.count > maximumCuts { cuts.removeFirst(cuts.count - maximumCuts) }
    }
    return entry
  }

  /// The model's per-node profile on this machine, measured once.
  func measuredProfile(runs: Int) throws(GraphError) -> DeviceProfile {
    if let cached = profile.withLock({ $0 }) { return cached }
    let measured = try Profiler(threads: 1, runs: runs, warmup: min(runs, 3)).profile(graph, model: hash)
    profile.withLock { $0 = measured }
    return measured
  }
}
