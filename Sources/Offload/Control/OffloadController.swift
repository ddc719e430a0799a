import Engine

/// Offload end to end on the device: where to cut the model, kept current as the link changes.
///
/// It owns the `OffloadClient` (one connection to the tail server), the `SplitExecutor`, a
/// `LinkMonitor` fed with every reply's round trip and with the light probes a
/// `ProbeScheduler` asks for (pings for the RTT, payloads up and down, mostly when the device is
/// not offloading), the device's profile and the server's (fetched with `profile` once
/// connected). With `CutPolicy.automatic`, before each frame whose link estimate changed (or after
/// a fallback) the `PartitionPlanner` prices every cut on the estimate and `ReplanHysteresis`
/// decides whether to move: a better cut must win by `replanImprovement` on
/// `replanConsecutive` estimates in a row, so a steady link does not make it flap.
///
/// A failed offload loses nothing (the executor runs the tail here); `fallbackLimit` failures in
/// a row hold offload off for `holdSeconds`, and until the client is connected again, after
/// which the plan is chosen afresh from the estimate.
///
///     let controller = try OffloadController(graph: graph, modelHash: hash, deviceProfile: here,
///       configuration: OffloadControllerConfiguration(client: server, prior: LinkProfile.lte.estimate))
///     await controller.start()
///     let frame = try await controller.run(frameID: 0, inputs: ["images": pixels])
///     print(frame.plan?.label ?? "-", frame.result.tailLocation, frame.estimate.estimate)
///     await controller.stop()
public actor OffloadController {
  public nonisolated let graph: Graph
  public nonisolated let modelHash: String
  public nonisolated let deviceProfile: DeviceProfile
  public nonisolated let configuration: OffloadControllerConfiguration
  public nonisolated let client: OffloadClient
  public nonisolated let executor: SplitExecutor
  public nonisolated let link: LinkMonitor
  /// The server's profile of the model, once fetched.
  public private(set) var cloudProfile: DeviceProfile?
  /// The plan in force (nil until the server's profile is known).
  public private(set) var plan: Plan?
  /// Mode changes so far (the first mode set by `start` not counted).
  public private(set) var replans = 0
  /// Probes sent and their bytes (both ways, as the scheduler sized them).
  public private(set) var probesSent = 0
  public private(set) var probeBytes = 0
  /// What each graph input costs to upload, measured on a submitted frame (the first, then every
  /// `uploadSampleInterval`-th: the picture changes what compression achieves). Before the first
  /// frame, the raw pixel codes.
  public private(set) var inputUploads: [String: InputUpload] = [:]
  /// Frames between two measurements of `inputUploads`.
  public static let uploadSampleInterval = 256

  let planner = PartitionPlanner()
  var problem: PartitionProblem?
  var hysteresis: ReplanHysteresis<[Bool]>
  var scheduler: ProbeScheduler
  /// The estimate the plan was last chosen on; a different one triggers planning.
  var plannedOn: LinkEstimate?
  var replanForced = false
  var fallbackStreak = 0
  var holdUntil: Double?
  var lastTrafficAt: Double?
  var probeInFlight = false
  /// Frames submitted and not yet completed.
  var framesOutstanding = 0
  var profileAttemptAt: Double?
  var started = false
  var probeTask: Task<Void, Never>?
  var framesSubmitted = 0

  /// A controller for `graph` (named `modelHash` on the wire); `deviceProfile` must be a profile
  /// of the same model (measured here, or a board estimate). The client starts connecting at
  /// once; call `start` before the first frame.
  public init(
    graph: Graph, modelHash: String, deviceProfile: DeviceProfile,
    configuration: OffloadControllerConfiguration
  ) throws(OffloadError) {
    guard deviceProfile.model == modelHash else {
      throw OffloadError("the device profile is of model \(deviceProfile.model), not \(modelHash)")
    }
    let link = LinkMonitor(prior: configuration.prior, configuration: configuration.estimator)
    var clientConfiguration = configuration.client
    let forward = clientConfiguration.onTransfer
    clientConfiguration.onTransfer = { sample in
      link.add(sample)
      forward?(sample)
    }
    let client = OffloadClient(clientConfiguration)
    do {
      executor = try SplitExecutor(
        graph: graph, modelHash: modelHash, client: client, threads: configuration.threads,
        window: configuration.window, budgetSeconds: configuration.budgetSeconds,
        compressesInputs: configuration.compressesInputs)
    } catch {
      throw OffloadError(error.description)
    }
    self.graph = executor.graph
    self.modelHash = modelHash
    self.deviceProfile = deviceProfile
    self.configuration = configuration
    self.client = client
    self.link = link
    hysteresis = ReplanHysteresis(
      improvement: configuration.replanImprovement, consecutive: configuration.replanConsecutive)
    scheduler = ProbeScheduler(configuration: configuration.probes)
  }

  /// Waits (at most `startTimeoutSeconds`) for the connection and the server's profile, sets the
  /// first mode and starts probing. Returns false when the server was not reached: frames then
  /// run device-only (automatic) or fall back (fixed) until it is, which the probe loop keeps
  /// trying.
  @discardableResult
  public func start() async throws(OffloadError) -> Bool {
    guard !started else { return cloudProfile != nil }
    started = true
    let timeout = configuration.startTimeoutSeconds
    var reached = false
    do throws(OffloadClientError) {
      try await client.connect(timeoutSeconds: timeout)
      try adopt(try await client.profile(modelHash: modelHash, timeoutSeconds: timeout))
      reached = true
    } catch {
      profileAttemptAt = Self.now()
    }
    do { _ = try await refreshPlan(now: Self.now()) } catch { throw OffloadError(error.description) }
    replans = 0
    probeTask = Task { await self.probeLoop() }
    return reached
  }

  /// Stops probing and closes the connection; frames in flight fall back to the device.
  public func stop() async {
    probeTask?.cancel()
    probeTask = nil
    await client.close()
  }

  /// Runs one frame and waits for its outputs.
  public func run(frameID: UInt64, inputs: [String: Tensor], budgetSeconds: Double? = nil)
    async throws(GraphError) -> ControlledFrame
  {
    await (try submit(frameID: frameID, inputs: inputs, budgetSeconds: budgetSeconds)).result()
  }

  /// Starts one frame at the current plan (re-planned first if due) and returns once it is
  /// sent; at most `window` frames are in flight. Throws only for inputs that do not fit.
  public func submit(frameID: UInt64, inputs: [String: Tensor], budgetSeconds: Double? = nil)
    async throws(GraphError) -> PendingControlledFrame
  {
    if framesSubmitted % Self.uploadSampleInterval == 0 { try sampleInputUploads(inputs) }
    framesSubmitted += 1
    let now = Self.now()
    let (replanned, hold) = try await refreshPlan(now: now)
    let estimate = link.estimate
    let pending = try await executor.submit(frameID: frameID, inputs: inputs, budgetSeconds: budgetSeconds)
    if await executor.mode != .deviceOnly { lastTrafficAt = now }
    framesOutstanding += 1
    return PendingControlledFrame(
      frameID: frameID, pending: pending, controller: self, plan: plan, estimate: estimate,
      replanned: replanned, hold: hold)
  }

  /// Takes a finished frame's outcome: fallbacks force a re-plan, and a run of them holds
  /// offload off.
  func completed(_ frame: ControlledFrame) async {
    framesOutstanding -= 1
    _ = await executor.takeReplanDue()
    if frame.result.fallback != nil {
      fallbackStreak += 1
      replanForced = true
      if fallbackStreak >= configuration.fallbackLimit, case .automatic = configuration.policy {
        holdUntil = Self.now() + configuration.holdSeconds
        fallbackStreak = 0
      }
    } else if frame.result.tailLocation == .cloud {
      fallbackStreak = 0
    }
  }

  // MARK: Planning

  /// Measures what `inputs` cost to upload and re-prices the cuts when that moved by more than
  /// 10% (or was never measured).
  func sampleInputUploads(_ inputs: [String: Tensor]) throws(GraphError) {
    let measured = try InputUpload.measure(
      inputs, of: graph, compressing: configuration.compressesInputs, repeats: 1)
    let moved = measured.contains { name, upload in
      guard let known = inputUploads[name] else { return true }
      return abs(Double(upload.bytes - known.bytes)) > 0.1 * Double(known.bytes)
    }
    guard moved else { return }
    inputUploads = measured
    if let cloudProfile {
      do throws(OffloadClientError) { try adopt(cloudProfile) } catch { throw GraphError(error.description) }
    }
  }

  /// Uses the server's profile: builds the partition problem (both profiles must be of this
  /// model and cover every node), with the inputs' measured upload sizes.
  func adopt(_ profile: DeviceProfile) throws(OffloadClientError) {
    do {
      var bytes: [String: Int] = [:]
      var seconds: [String: Double] = [:]
      for input in graph.inputs {
        let upload = inputUploads[input.name]
        // Unmeasured: a float frame crosses as its 8-bit codes, one byte per element.
        bytes[input.name] = upload?.bytes ?? (input.elementType == .float32 ? input.elementCount : nil)
        seconds[input.name] = upload?.encodeSeconds
      }
      problem = try PartitionProblem(
        graph: graph, device: deviceProfile, cloud: profile, compressedInputBytes: bytes,
        inputEncodeSeconds: seconds)
      cloudProfile = profile
      replanForced = true
    } catch {
      throw OffloadClientError(.unexpectedReply, "the server's profile does not fit: \(error.description)")
    }
  }

  /// Brings the executor's mode up to date with the estimate, the policy and any hold.
  func refreshPlan(now: Double) async throws(GraphError) -> (replanned: Bool, hold: OffloadHold?) {
    let estimate = link.estimate.estimate
    var hold: OffloadHold?
    if let until = holdUntil {
      if now < until {
        hold = .repeatedFallbacks
      } else if !client.isConnected {
        hold = .disconnected
      } else {
        // Back from a hold: choose afresh, as if starting.
        holdUntil = nil
        hysteresis = ReplanHysteresis(
          improvement: configuration.replanImprovement, consecutive: configuration.replanConsecutive)
        replanForced = true
      }
    }
    let desired: SplitMode
    switch configuration.policy {
    case .fixed(let mode):
      desired = mode
      if let problem, plannedOn != estimate || replanForced {
        plan = problem.evaluate(head: try headMask(of: mode), link: estimate)
        plannedOn = estimate
        replanForced = false
      }
    case .automatic:
      if let problem, hold == nil, plannedOn != estimate || replanForced {
        plan = choose(problem, on: estimate)
        plannedOn = estimate
        replanForced = false
      }
      desired = hold != nil ? .deviceOnly : plan.map(Self.mode) ?? .deviceOnly
    }
    guard await executor.mode != desired else { return (false, hold) }
    try await executor.setMode(desired)
    replans += 1
    return (true, hold)
  }

  /// The planner's best cut on `estimate`, or the current one while the hysteresis keeps it.
  func choose(_ problem: PartitionProblem, on estimate: LinkEstimate) -> Plan {
    let allDevice = [Bool](repeating: true, count: problem.nodes.count)
    let best =
      (try? planner.plan(problem, link: estimate, constraints: configuration.constraints))
      ?? problem.evaluate(head: allDevice, link: estimate)
    let current = hysteresis.current.map { problem.evaluate(head: $0, link: estimate) }
    let chosen = hysteresis.update(
      best: best.headMask, bestLatency: best.totalMilliseconds,
      currentLatency: current?.totalMilliseconds ?? .infinity)
    return chosen == best.headMask ? best : current ?? problem.evaluate(head: chosen, link: estimate)
  }

  /// Which nodes run on the device in `mode`.
  func headMask(of mode: SplitMode) throws(GraphError) -> [Bool] {
    switch mode {
    case .deviceOnly: return [Bool](repeating: true, count: graph.nodes.count)
    case .cloudOnly: return [Bool](repeating: false, count: graph.nodes.count)
    case .split(let cut):
      var mask = [Bool](repeating: false, count: graph.nodes.count)
      for node in try cut.partition(graph).head { mask[node] = true }
      return mask
    }
  }

  static func mode(of plan: Plan) -> SplitMode {
    plan.isDeviceOnly ? .deviceOnly : plan.isCloudOnly ? .cloudOnly : .split(plan.cut)
  }

  // MARK: Probing

  func probeLoop() async {
    let tick = Duration.nanoseconds(Int64(max(0.005, configuration.probeTickSeconds) * 1e9))
    while !Task.isCancelled {
      try? await Task.sleep(for: tick)
      probeTick(now: Self.now())
    }
  }

  /// Sends what the scheduler asks for, and fetches the server's profile if it is still missing.
  /// Exchanges on one connection queue behind each other, and the estimator takes each round
  /// trip as the link's alone: so a probe goes only when nothing else is in flight (no frame, no
  /// other probe), and it waits long for its reply rather than leave its bytes ahead of the next.
  /// (Pings between pipelined frames were tried: queued behind a frame's reply on a slow link,
  /// they read several times the RTT, and the estimator took that for an RTT change.) A pipeline
  /// that never drains is measured by its own round trips only, and its RTT stays the last one
  /// measured.
  func probeTick(now: Double) {
    guard client.isConnected, framesOutstanding == 0 else { return }
    if cloudProfile == nil, !probeInFlight, profileAttemptAt.map({ now - $0 >= 1 }) ?? true {
      profileAttemptAt = now
      probeInFlight = true
      let timeout = configuration.startTimeoutSeconds
      Task {
        let profile = try? await client.profile(modelHash: modelHash, timeoutSeconds: timeout)
        self.profileArrived(profile)
      }
      return
    }
    guard !probeInFlight,
      let probe = scheduler.next(now: now, link: link.estimate, lastTrafficAt: lastTrafficAt)
    else { return }
    probeInFlight = true
    probesSent += 1
    probeBytes += probe.bytes
    Task {
      _ = try? await client.ping(
        payloadBytes: probe.bytesUp, replyBytes: probe.bytesDown, timeoutSeconds: Self.probeTimeoutSeconds)
      self.probeFinished()
    }
  }

  func probeFinished() { probeInFlight = false }

  /// A probe's payload is at most 256 kB (`ProbeScheduler`): at 0.25 Mbit/s that is 8 s.
  static let probeTimeoutSeconds = 10.0

  func profileArrived(_ profile: DeviceProfile?) {
    probeInFlight = false
    if let profile { try? adopt(profile) }
  }

  static func now() -> Double { Double(MonotonicClock.nanoseconds()) / 1e9 }
}
