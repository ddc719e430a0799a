import Engine

#if canImport(Glibc)
  import Glibc
#endif

/// The real `SplitMeasurer` of `hiyari bench-split`: frames through a `SplitExecutor` on this
/// machine, their tails on a tail server reached through an emulated link, the device side in a
/// CPU quota that slows this machine to the board's speed.
///
/// Setup (in `init`, before any quota, so the link emulators it starts never run throttled):
/// one emulated link per link profile and time scale in front of the server (`LinkEmulator`),
/// one `OffloadClient` connected through each. Per cell, the whole process enters the board's
/// quota (`SplitBenchmarkDevice.cpus`; the client's network threads with it, as on a real
/// board) and leaves it when the device changes or at `finish()`. A board in dilated time
/// (`SplitBenchmarkDevice.timeScale` > 1) also puts the server's process in a quota of
/// `serverCPUs / timeScale` and uses the links dilated by the same factor; its latencies are
/// divided by the factor. Per cut: one warm-up frame,
/// then up to `frames` sequential frames under `NetworkSplitMeasurerOptions.cutSeconds`; each
/// latency is `FrameResult.totalSeconds` (head, upload, server, reply). A frame whose tail fell
/// back to the device is an error: it would measure something else than the cut.
///
/// Call `measure` from a thread outside Swift's cooperative pool (see `BlockingWait`), and
/// `finish()` when done: it removes the quota group, closes the clients and stops the links.
public final class NetworkSplitMeasurer: SplitMeasurer {
  public let graph: Graph
  public let modelHash: String
  /// The tail server, HOST:PORT.
  public let server: String
  /// The frame every measured run uses.
  public let inputs: [String: Tensor]
  public let options: NetworkSplitMeasurerOptions
  /// Every quota used so far, with its throttling counters when it was left.
  public private(set) var quotaRecords: [BoardQuotaRecord] = []
  /// The port each link's emulator listens on, by link name.
  public private(set) var linkPorts: [String: Int] = [:]
  /// The server's quota, as `quotaRecords` records the device's.
  public private(set) var serverQuotaRecords: [BoardQuotaRecord] = []
  /// How each board's quota was tuned to its profile's speed, in the order boards were measured.
  public private(set) var calibrations: [QuotaCalibration] = []

  var emulator: any LinkEmulator
  var clients: [String: OffloadClient] = [:]
  var executors: [String: SplitExecutor] = [:]
  var quota: (device: String, group: CPUQuota)?
  var serverQuota: (device: String, group: CPUQuota)?
  var nextFrameID: UInt64 = 1

  /// The key of a link at a time scale in `linkPorts` and the clients: its name, and "@scale"
  /// when dilated.
  public static func key(_ link: LinkProfile, timeScale: Double) -> String {
    timeScale == 1 ? link.name : "\(link.name)@\(timeScale)"
  }

  /// Starts a link per profile in `links` and time scale in `timeScales` in front of `server`
  /// and connects through each.
  public init(
    graph: Graph, modelHash: String, server: String, links: [LinkProfile], emulator: any LinkEmulator,
    inputs: [String: Tensor], options: NetworkSplitMeasurerOptions, timeScales: [Double] = [1]
  ) throws {
    self.graph = try graph.validated()
    self.modelHash = modelHash
    self.server = server
    self.inputs = inputs
    self.options = options
    self.emulator = emulator
    do {
      for timeScale in timeScales {
        guard timeScale >= 1, timeScale.isFinite else {
          throw OffloadError("time scale \(timeScale) must be at least 1")
        }
      }
      for timeScale in timeScales {
        for link in links where linkPorts[Self.key(link, timeScale: timeScale)] == nil {
          try connect(link, timeScale: timeScale)
        }
      }
    } catch {
      try? finish()
      throw error
    }
  }

  /// Starts `link` dilated by `timeScale` in front of the server and connects a client through it.
  func connect(_ link: LinkProfile, timeScale: Double) throws {
    let key = Self.key(link, timeScale: timeScale)
    let port = try self.emulator.start(link, timeScale: timeScale, target: server)
    linkPorts[key] = port
    var configuration = OffloadClientConfiguration(host: "127.0.0.1", port: port)
    configuration.reconnectMaximumSeconds = 0.5
    configuration.tls = try Self.tls(options.tls, server: server)
    let client = OffloadClient(configuration)
    let seconds = options.connectSeconds
    do {
      try BlockingWait.run { try await client.connect(timeoutSeconds: seconds) }
    } catch {
      throw OffloadError(
        "cannot reach the server \(server) through the emulated \(key) link (127.0.0.1:\(port)): \(error)"
      )
    }
    clients[key] = client
    executors[key] = try SplitExecutor(
      graph: self.graph, modelHash: modelHash, client: client, threads: options.threads,
      budgetSeconds: options.budgetSeconds, compressesInputs: options.compressesInputs)
  }

  /// `tls` checking the certificate against `server`'s host unless it names a server already.
  static func tls(_ tls: OffloadTLS?, server: String) throws -> OffloadTLS? {
    guard var tls else { return nil }
    if tls.serverName == nil { tls.serverName = try OffloadClientConfiguration(address: server).host }
    return tls
  }

  /// The server's profile of the model, asked over a direct connection (not through a link).
  public static func cloudProfile(
    server: String, modelHash: String, tls: OffloadTLS? = nil, timeoutSeconds: Double = 600
  ) throws -> DeviceProfile {
    var configuration = try OffloadClientConfiguration(address: server)
    configuration.tls = tls
    let client = OffloadClient(configuration)
    defer { BlockingWait.close(client) }
    do {
      return try BlockingWait.run {
        try await client.connect(timeoutSeconds: 10)
        return try await client.profile(modelHash: modelHash, timeoutSeconds: timeoutSeconds)
      }
    } catch let error as OffloadClientError {
      throw OffloadError("the server \(server) gave no profile of model \(modelHash): \(error)")
    }
  }

  public func measure(_ plan: Plan, device: SplitBenchmarkDevice, link: LinkProfile, frames: Int) throws
    -> [Double]
  {
    let timeScale = device.timeScale
    guard let executor = executors[Self.key(link, timeScale: timeScale)] else {
      throw OffloadError("no emulated link \(Self.key(link, timeScale: timeScale)) was set up")
    }
    try enterQuota(of: device)
    let mode: SplitMode = plan.isDeviceOnly ? .deviceOnly : plan.isCloudOnly ? .cloudOnly : .split(plan.cut)
    let firstID = nextFrameID
    nextFrameID += UInt64(frames) + 1
    let inputs = inputs
    let options = options
    let context = "\(plan.label) for \(device.name) on \(link.name)"
    return try BlockingWait.run {
      try await executor.setMode(mode)
      func frame(_ id: UInt64) async throws -> Double {
        let result = try await executor.run(frameID: id, inputs: inputs, budgetSeconds: options.budgetSeconds)
        if !plan.isDeviceOnly, result.tailLocation != .cloud {
          throw OffloadError(
            "frame \(id) at \(context) ran its tail on the device instead of the server: \(result.fallback.map { "\($0)" } ?? "no reason given")"
          )
        }
        return result.totalSeconds * 1000 / timeScale
      }
      _ = try await frame(firstID)
      var latencies: [Double] = []
      let start = MonotonicClock.nanoseconds()
      for index in 0..<frames {
        if latencies.count >= options.minimumFrames {
          let elapsed = Double(MonotonicClock.nanoseconds() &- start) / 1e9
          let mean = latencies.reduce(0, +) / Double(latencies.count) / 1000
          if elapsed + mean > options.cutSeconds { break }
        }
        latencies.append(try await frame(firstID + 1 + UInt64(index)))
      }
      return latencies
    }
  }

  /// Removes the quota group (this process back in the root group), closes the clients and
  /// stops the links. Safe to call twice.
  public func finish() throws {
    defer {
      for client in clients.values { BlockingWait.close(client) }
      clients = [:]
      executors = [:]
      emulator.stopAll()
    }
    try leaveQuota()
  }

  /// Removes the quota groups this measurer's options name (the device's and the server's),
  /// moving their processes back to the root group: for an interrupt handler, where `finish()`
  /// cannot run. Errors are ignored: the process is about to exit.
  public static func removeQuotaGroups(_ options: NetworkSplitMeasurerOptions) {
    for name in [options.quotaName, options.quotaName + "-server"] {
      let path = options.quotaRoot + "/" + name
      guard access(path, F_OK) == 0 else { continue }
      let group = CPUQuota(existingAt: path, root: options.quotaRoot)
      try? group.remove()
    }
  }

  /// Moves this process into `device`'s quota unless it is there already, and the server into
  /// its dilated quota when the device is in dilated time.
  func enterQuota(of device: SplitBenchmarkDevice) throws {
    if quota?.device == device.name { return }
    try leaveQuota()
    if device.timeScale != 1 {
      guard let pid = options.serverPID else {
        throw OffloadError(
          "\(device.name) runs in dilated time (\(device.timeScale)x), which needs the server's process id to slow it down too"
        )
      }
      let group = try CPUQuota(
        name: options.quotaName + "-server", cpus: options.serverCPUs / device.timeScale,
        periodMicroseconds: 10_000, root: options.quotaRoot)
      serverQuota = (device.name, group)
      try group.add(pid: pid)
    }
    guard let cpus = device.cpus else { return }
    // The kernel wants at least 1 ms of quota per period: a slow board gets a longer period.
    let period = max(10_000, Int((1_000 / cpus).rounded(.up)))
    let group = try CPUQuota(
      name: options.quotaName, cpus: cpus, periodMicroseconds: period, root: options.quotaRoot)
    quota = (device.name, group)
    try group.addCurrentProcess()
    if options.calibrationFrames > 0 { try calibrate(device) }
  }

  /// Tunes the device's quota until device-only frames take the board's profile time (times the
  /// time scale) within `calibrationTolerance`, at most `calibrationRounds` changes, never past
  /// `threads` CPUs.
  func calibrate(_ device: SplitBenchmarkDevice) throws {
    guard let (name, group) = quota, let executor = executors.values.first else { return }
    let target = device.profile.totalMilliseconds * device.timeScale
    guard target > 0, target.isFinite else { return }
    let calibration = try QuotaCalibration.tune(
      device: name, estimatedCPUs: group.cpus, targetMilliseconds: target,
      maximumCPUs: Double(options.threads), tolerance: options.calibrationTolerance,
      rounds: options.calibrationRounds,
      measure: { try self.deviceOnlyMilliseconds(executor) },
      setCPUs: { cpus in
        let period = max(10_000, Int((1_000 / cpus).rounded(.up)))
        self.quota = (
          name,
          try CPUQuota(
            name: self.options.quotaName, cpus: cpus, periodMicroseconds: period, root: self.options.quotaRoot
          )
        )
      })
    calibrations.append(calibration)
  }

  /// The median of `calibrationFrames` device-only frames after a warm-up one, in ms.
  func deviceOnlyMilliseconds(_ executor: SplitExecutor) throws -> Double {
    let frames = options.calibrationFrames
    let inputs = inputs
    let firstID = nextFrameID
    nextFrameID += UInt64(frames) + 1
    let latencies = try BlockingWait.run {
      try await executor.setMode(.deviceOnly)
      var latencies: [Double] = []
      for index in 0...UInt64(frames) {
        let result = try await executor.run(frameID: firstID + index, inputs: inputs)
        if index > 0 { latencies.append(result.totalSeconds * 1000) }
      }
      return latencies
    }
    return try LatencySummary(latencies).medianMilliseconds
  }

  /// Records the quotas' counters, moves this process (and the server) back to the root group,
  /// removes the groups.
  func leaveQuota() throws {
    if let (device, group) = serverQuota {
      serverQuota = nil
      if let record = try Self.remove(group, device: device) { serverQuotaRecords.append(record) }
    }
    guard let (device, group) = quota else { return }
    quota = nil
    if let record = try Self.remove(group, device: device) { quotaRecords.append(record) }
  }

  /// Removes `group` (its processes back to the root group), with its counters when readable.
  static func remove(_ group: CPUQuota, device: String) throws -> BoardQuotaRecord? {
    let statistics = try? group.statistics()
    try group.remove()
    return statistics.map {
      BoardQuotaRecord(
        device: device, path: group.path, cpus: group.cpus, periodMicroseconds: group.periodMicroseconds,
        statistics: $0)
    }
  }
}
