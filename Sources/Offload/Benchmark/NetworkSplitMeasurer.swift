import Engine

/// The real `SplitMeasurer` of `hiyari bench-split`: frames through a `SplitExecutor` on this
/// machine, their tails on a tail server reached through an emulated link, the device side in a
/// CPU quota that slows this machine to the board's speed.
///
/// Setup (in `init`, before any quota, so the link emulators it starts never run throttled):
/// one emulated link per link profile in front of the server (`LinkEmulator`), one
/// `OffloadClient` connected through each. Per cell, the whole process enters the board's
/// quota (`SplitBenchmarkDevice.cpus`; the client's network threads with it, as on a real
/// board) and leaves it when the device changes or at `finish()`. Per cut: one warm-up frame,
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

  var emulator: any LinkEmulator
  var clients: [String: OffloadClient] = [:]
  var executors: [String: SplitExecutor] = [:]
  var quota: (device: String, group: CPUQuota)?
  var nextFrameID: UInt64 = 1

  /// Starts a link per profile in `links` in front of `server` and connects through each.
  public init(
    graph: Graph, modelHash: String, server: String, links: [LinkProfile], emulator: any LinkEmulator,
    inputs: [String: Tensor], options: NetworkSplitMeasurerOptions
  ) throws {
    self.graph = try graph.validated()
    self.modelHash = modelHash
    self.server = server
    self.inputs = inputs
    self.options = options
    self.emulator = emulator
    do {
      for link in links where linkPorts[link.name] == nil {
        let port = try self.emulator.start(link, target: server)
        linkPorts[link.name] = port
        var configuration = OffloadClientConfiguration(host: "127.0.0.1", port: port)
        configuration.reconnectMaximumSeconds = 0.5
        let client = OffloadClient(configuration)
        let seconds = options.connectSeconds
        do {
          try BlockingWait.run { try await client.connect(timeoutSeconds: seconds) }
        } catch {
          throw OffloadError(
            "cannot reach the server \(server) through the emulated \(link.name) link (127.0.0.1:\(port)): \(error)"
          )
        }
        clients[link.name] = client
        executors[link.name] = try SplitExecutor(
          graph: self.graph, modelHash: modelHash, client: client, threads: options.threads,
          budgetSeconds: options.budgetSeconds)
      }
    } catch {
      try? finish()
      throw error
    }
  }

  /// The server's profile of the model, asked over a direct connection (not through a link).
  public static func cloudProfile(server: String, modelHash: String, timeoutSeconds: Double = 600) throws
    -> DeviceProfile
  {
    let client = OffloadClient(try OffloadClientConfiguration(address: server))
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
    guard let executor = executors[link.name] else {
      throw OffloadError("no emulated link \(link.name) was set up")
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
        return result.totalSeconds * 1000
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

  /// Moves this process into `device`'s quota unless it is there already.
  func enterQuota(of device: SplitBenchmarkDevice) throws {
    if quota?.device == device.name { return }
    try leaveQuota()
    guard let cpus = device.cpus else { return }
    // The kernel wants at least 1 ms of quota per period: a slow board gets a longer period.
    let period = max(10_000, Int((1_000 / cpus).rounded(.up)))
    let group = try CPUQuota(
      name: options.quotaName, cpus: cpus, periodMicroseconds: period, root: options.quotaRoot)
    quota = (device.name, group)
    try group.addCurrentProcess()
  }

  /// Records the quota's counters, moves this process back to the root group, removes the group.
  func leaveQuota() throws {
    guard let (device, group) = quota else { return }
    quota = nil
    let statistics = try? group.statistics()
    try group.remove()
    if let statistics {
      quotaRecords.append(
        BoardQuotaRecord(
          device: device, path: group.path, cpus: group.cpus, periodMicroseconds: group.periodMicroseconds,
          statistics: statistics))
    }
  }
}
