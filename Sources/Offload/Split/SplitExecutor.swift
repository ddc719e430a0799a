import Engine

/// Runs a model frame by frame, split between the device and a tail server at the current
/// `SplitMode`: the head here, the crossing tensors to the server (8-bit codes where quantized),
/// the tail there. When the reply misses the frame's budget, the server refuses, or the link is
/// down, the device runs the tail itself with the crossing tensors it still holds, so no frame
/// loses its result; the result then says a re-plan is due.
///
/// Several frames may be in flight at once (up to `window`): `submit` returns as soon as the
/// frame's request is sent, so capture goes on while the server works. One frame at a cut
/// against a server:
///
///     let client = OffloadClient(try OffloadClientConfiguration(address: "10.0.0.2:7070"))
///     try await client.connect()
///     let executor = try SplitExecutor(graph: graph, modelHash: hash, client: client)
///     try await executor.setMode(.split(cut))
///     let frame = try await executor.run(frameID: 1, inputs: ["images": pixels])
///     print(frame.tailLocation, frame.headSeconds, frame.waitSeconds, frame.bytesUp)
///
/// Heads and fallback tails run on the calling task's thread inside this actor, one at a time
/// (the compiled models are not reentrant); network waits do not hold the actor.
public actor SplitExecutor {
  public let graph: Graph
  public let modelHash: String
  public let client: OffloadClient?
  /// Threads each compiled part runs with.
  public let threads: Int
  /// The most frames in flight; `submit` waits for the oldest when the window is full.
  public let window: Int
  /// The default latency budget of a frame, seconds from its start: what is left of it after the
  /// head is the server's deadline.
  public var budgetSeconds: Double
  /// Whether a graph input that crosses as pixel codes (cloud-only, or a cut the input crosses)
  /// is also predicted and deflated: lossless, several times smaller on camera frames, for a few
  /// ms of device time (`TensorPacket`).
  public let compressesInputs: Bool
  public private(set) var mode: SplitMode = .deviceOnly
  /// Set by every fallback, cleared by `takeReplanDue()`.
  public private(set) var replanDue = false

  var splits: [SplitMode: CompiledSplit] = [:]
  /// Frames submitted whose results are not ready yet (at most `window`).
  public private(set) var framesInFlight = 0
  var slotWaiters: [CheckedContinuation<Void, Never>] = []

  /// An executor for `graph` (validated here), named `modelHash` on the wire
  /// (`ModelHash.of(graph:bundleIdentifier:)`), in device-only mode; without a client every
  /// mode runs on the device.
  public init(
    graph: Graph, modelHash: String, client: OffloadClient?, threads: Int = 1, window: Int = 4,
    budgetSeconds: Double = 0.25, compressesInputs: Bool = true
  ) throws(GraphError) {
    self.compressesInputs = compressesInputs
    precondition(threads >= 1 && window >= 1, "threads and window at least 1")
    self.graph = try graph.validated()
    self.modelHash = modelHash
    self.client = client
    self.threads = threads
    self.window = window
    self.budgetSeconds = budgetSeconds
    splits[.deviceOnly] = try CompiledSplit(graph: self.graph, mode: .deviceOnly, threads: threads)
  }

  /// Switches to `mode` for frames submitted from now on, compiling its parts if needed (frames
  /// in flight finish at the mode they started with).
  public func setMode(_ mode: SplitMode) throws(GraphError) {
    if splits[mode] == nil { splits[mode] = try CompiledSplit(graph: graph, mode: mode, threads: threads) }
    self.mode = mode
    evictUnused()
  }

  public func setBudget(seconds: Double) { budgetSeconds = seconds }

  /// Returns whether a re-plan was due, and clears it.
  public func takeReplanDue() -> Bool {
    defer { replanDue = false }
    return replanDue
  }

  /// Runs one frame and waits for its outputs.
  public func run(frameID: UInt64, inputs: [String: Tensor], budgetSeconds: Double? = nil)
    async throws(GraphError)
    -> FrameResult
  {
    await (try submit(frameID: frameID, inputs: inputs, budgetSeconds: budgetSeconds)).result()
  }

  /// Starts one frame: waits for a window slot, runs the head, sends the crossing tensors, and
  /// returns while the server works. Throws only for inputs that do not fit the model.
  /// Frame ids must be unique among frames in flight and below 2^63.
  public func submit(frameID: UInt64, inputs: [String: Tensor], budgetSeconds: Double? = nil)
    async throws(GraphError) -> PendingFrame
  {
    await acquireSlot()
    let start = MonotonicClock.nanoseconds()
    let budget = budgetSeconds ?? self.budgetSeconds
    let split = splits[mode]!
    guard let client, let cut = split.cut else {
      defer { releaseSlot() }
      let outputs = try runPart(split.tail, inputs)
      let seconds = Self.seconds(since: start)
      let result = FrameResult(
        frameID: frameID, outputs: outputs, mode: split.mode, tailLocation: .device, fallback: nil,
        headSeconds: seconds, waitSeconds: 0, tailSeconds: 0, totalSeconds: seconds, bytesUp: 0, bytesDown: 0,
        transfer: nil)
      return PendingFrame(frameID: frameID, task: Task { result })
    }
    let crossing: [String: Tensor]
    do {
      crossing = try split.head.map { head throws(GraphError) in try runPart(head, inputs) } ?? inputs
    } catch {
      releaseSlot()
      throw error
    }
    let headSeconds = Self.seconds(since: start)
    let inputNames = Set(graph.inputs.map(\.name))
    var tensors: [(name: String, tensor: Tensor)] = []
    var compressing: Set<String> = []
    for name in cut.crossing where !split.passThrough.contains(name) {
      guard let tensor = crossing[name] else {
        releaseSlot()
        throw GraphError("missing input \(name)")
      }
      // Graph inputs that are 8-bit pixels travel as their codes (lossless), compressed if asked.
      if inputNames.contains(name), let codes = PixelCodes.codes(of: tensor) {
        tensors.append((name, codes))
        if compressesInputs { compressing.insert(name) }
      } else {
        tensors.append((name, tensor))
      }
    }
    split.users += 1
    let remaining = budget - headSeconds
    let request = TailRequest(
      frameID: frameID, modelHash: modelHash, cut: cut, budgetMicroseconds: 0, tensors: tensors,
      compressing: compressing)
    let mode = split.mode
    let task = Task {
      let sentAt = MonotonicClock.nanoseconds()
      let outcome: Result<TailResponse, OffloadClientError>
      if remaining <= 0 {
        outcome = .failure(
          OffloadClientError(.deadlineExceeded, "the head used the frame's whole budget of \(budget) s"))
      } else {
        do throws(OffloadClientError) {
          outcome = .success(try await client.runTail(request, timeoutSeconds: remaining))
        } catch {
          outcome = .failure(error)
        }
      }
      return self.finish(
        frameID: frameID, mode: mode, crossing: crossing, outcome: outcome, start: start, sentAt: sentAt,
        headSeconds: headSeconds)
    }
    return PendingFrame(frameID: frameID, task: task)
  }

  /// Completes a frame from the server's reply, or runs its tail here.
  func finish(
    frameID: UInt64, mode: SplitMode, crossing: [String: Tensor],
    outcome: Result<TailResponse, OffloadClientError>,
    start: UInt64, sentAt: UInt64, headSeconds: Double
  ) -> FrameResult {
    let split = splits[mode]!
    defer {
      split.users -= 1
      releaseSlot()
      evictUnused()
    }
    let waitSeconds = Self.seconds(since: sentAt)
    var failure: OffloadClientError
    switch outcome {
    case .success(let response):
      // The head's own graph outputs were kept here: they join the server's.
      let kept = split.passThrough.sorted().compactMap { name in crossing[name].map { (name, $0) } }
      let served = response.outputs.filter { !split.passThrough.contains($0.name) }
      if let outputs = checkedOutputs(served + kept, against: split.tail) {
        return FrameResult(
          frameID: frameID, outputs: outputs, mode: mode, tailLocation: .cloud, fallback: nil,
          headSeconds: headSeconds, waitSeconds: waitSeconds, tailSeconds: 0,
          totalSeconds: Self.seconds(since: start), bytesUp: response.transfer.bytesUp,
          bytesDown: response.transfer.bytesDown, transfer: response.transfer)
      }
      failure = OffloadClientError(
        .unexpectedReply, "the server's outputs do not match the model's", bytesUp: response.transfer.bytesUp)
    case .failure(let error):
      failure = error
    }
    replanDue = true
    let tailStart = MonotonicClock.nanoseconds()
    let sent = crossing.filter { name, _ in split.tail.graph.inputs.contains { $0.name == name } }
    // The head's own outputs fit the tail by construction, so this cannot fail.
    let outputs = (try? runPart(split.tail, sent)) ?? [:]
    return FrameResult(
      frameID: frameID, outputs: outputs, mode: mode, tailLocation: .device, fallback: failure,
      headSeconds: headSeconds, waitSeconds: waitSeconds, tailSeconds: Self.seconds(since: tailStart),
      totalSeconds: Self.seconds(since: start), bytesUp: failure.bytesUp, bytesDown: 0, transfer: nil)
  }

  /// The server's outputs by name, if they are exactly the graph's outputs with the types and
  /// shapes the local tail would give.
  func checkedOutputs(_ outputs: [(name: String, tensor: Tensor)], against tail: CompiledModel) -> [String:
    Tensor]?
  {
    var byName: [String: Tensor] = [:]
    for (name, tensor) in outputs { byName[name] = tensor }
    guard byName.count == graph.outputs.count, outputs.count == byName.count else { return nil }
    for name in graph.outputs {
      guard let tensor = byName[name], let info = tail.tensorInfos[name], tensor.shape == info.shape,
        tensor.elementType == info.elementType,
        !info.elementType.isQuantized || tensor.quantization == info.quantization
      else { return nil }
    }
    return byName
  }

  func runPart(_ model: CompiledModel, _ inputs: [String: Tensor]) throws(GraphError) -> [String: Tensor] {
    try model.run(inputs.filter { name, _ in model.graph.inputs.contains { $0.name == name } })
  }

  func acquireSlot() async {
    if framesInFlight < window {
      framesInFlight += 1
      return
    }
    // The slot is handed over by `releaseSlot` without being freed in between.
    await withCheckedContinuation { slotWaiters.append($0) }
  }

  func releaseSlot() {
    if slotWaiters.isEmpty {
      framesInFlight -= 1
    } else {
      slotWaiters.removeFirst().resume()
    }
  }

  /// Drops compiled splits that are neither current nor used by a frame in flight.
  func evictUnused() {
    for (key, split) in splits where key != mode && key != .deviceOnly && split.users == 0 {
      splits[key] = nil
    }
  }

  static func seconds(since start: UInt64) -> Double { Double(MonotonicClock.nanoseconds() &- start) / 1e9 }
}
