import Engine

#if canImport(Glibc)
  import Glibc
#endif

/// The relay's event loop: one thread, `poll` over the listener, a wake-up pipe and every
/// connection's two sockets, with the timeout set by the earliest scheduled delivery or release.
/// One thread is plenty at link rates (tens of Mbit/s) and keeps all pacing state unshared.
final class RelayLoop {
  let relay: LinkRelay
  let listener: Int32
  let wakeRead: Int32
  let uplinkTrace: ThroughputTrace?
  let downlinkTrace: ThroughputTrace?
  let seed: UInt64
  let bufferBytes: Int
  let log: (@Sendable (String) -> Void)?
  /// Monotonic time the traces count from: the loop's start, or the last `restartTraces()`.
  var traceOrigin: Double
  /// False while the relay holds its traces, until the first `restartTraces()`.
  var tracesRunning: Bool
  var connections: [RelayConnection] = []
  var nextID = 1
  var seenCutGeneration = 0
  /// Every read lands here first; freed when the loop ends.
  let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)

  init(
    relay: LinkRelay, listener: Int32, wakeRead: Int32, uplinkTrace: ThroughputTrace?,
    downlinkTrace: ThroughputTrace?, tracesRunning: Bool, seed: UInt64, bufferBytes: Int,
    log: (@Sendable (String) -> Void)?
  ) {
    self.tracesRunning = tracesRunning
    self.relay = relay
    self.listener = listener
    self.wakeRead = wakeRead
    self.uplinkTrace = uplinkTrace
    self.downlinkTrace = downlinkTrace
    self.seed = seed
    self.bufferBytes = bufferBytes
    self.log = log
    traceOrigin = MonotonicClock.seconds()
  }

  func run() {
    var pollSet: [pollfd] = []
    while true {
      let control = relay.control.withLock {
        ($0.stalledUntil, $0.cutGeneration, $0.stopping, $0.traceOrigin)
      }
      let (stalledUntil, cutGeneration, stopping, restartedTraces) = control
      if stopping { break }
      if let restartedTraces, restartedTraces != traceOrigin || !tracesRunning {
        traceOrigin = restartedTraces
        tracesRunning = true
        for connection in connections {
          connection.up.traceOrigin = restartedTraces
          connection.down.traceOrigin = restartedTraces
          connection.up.traceRunning = true
          connection.down.traceRunning = true
        }
      }
      if cutGeneration != seenCutGeneration {
        seenCutGeneration = cutGeneration
        for connection in connections { finish(connection, reason: "cut", reset: true) }
        connections.removeAll()
      }

      // Move data that is due, and close what has finished.
      let now = MonotonicClock.seconds()
      var wake: Double?
      connections.removeAll { connection in
        if let reason = advance(connection, now: now, stalledUntil: stalledUntil) {
          finish(connection, reason: reason, reset: reason != "closed")
          return true
        }
        for time in [
          connection.up.nextWake(now: now, stalledUntil: stalledUntil),
          connection.down.nextWake(now: now, stalledUntil: stalledUntil),
        ] {
          if let time { wake = min(wake ?? time, time) }
        }
        return false
      }

      pollSet.removeAll(keepingCapacity: true)
      pollSet.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
      pollSet.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0))
      for connection in connections {
        var clientEvents: Int32 = 0
        var serverEvents: Int32 = 0
        if connection.up.wantsRead { clientEvents |= Int32(POLLIN) }
        if connection.clientBlocked { clientEvents |= Int32(POLLOUT) }
        if !connection.connected {
          serverEvents = Int32(POLLOUT)
        } else {
          if connection.down.wantsRead { serverEvents |= Int32(POLLIN) }
          if connection.serverBlocked { serverEvents |= Int32(POLLOUT) }
        }
        // A negative fd is skipped by poll: a socket we want nothing from must not report a
        // hang-up over and over while its buffer is full.
        pollSet.append(
          pollfd(fd: clientEvents == 0 ? -1 : connection.client, events: Int16(clientEvents), revents: 0))
        pollSet.append(
          pollfd(fd: serverEvents == 0 ? -1 : connection.server, events: Int16(serverEvents), revents: 0))
      }
      var timeout: Int32 = -1
      if let wake {
        // Round up: waking a little early would spin until the time comes.
        let milliseconds = ((wake - MonotonicClock.seconds()) * 1000).rounded(.up)
        timeout = Int32(max(0, min(milliseconds, 60_000)))
      }
      let ready = poll(&pollSet, nfds_t(pollSet.count), timeout)
      if ready <= 0 { continue }

      if pollSet[0].revents != 0 { drainWakePipe() }
      if pollSet[1].revents != 0 { acceptAll() }
      for (index, connection) in connections.enumerated() where index * 2 + 3 < pollSet.count {
        handle(connection, client: pollSet[index * 2 + 2].revents, server: pollSet[index * 2 + 3].revents)
      }
    }
    for connection in connections { finish(connection, reason: "stopped", reset: true) }
    connections.removeAll()
    close(listener)
    close(wakeRead)
    scratch.deallocate()
  }

  /// Releases and delivers each way; passes FINs on. Returns why the connection ended, if it did.
  func advance(_ connection: RelayConnection, now: Double, stalledUntil: Double) -> String? {
    if connection.closeReason != nil { return connection.closeReason }
    guard connection.connected else { return nil }
    connection.up.release(now: now, stalledUntil: stalledUntil)
    connection.down.release(now: now, stalledUntil: stalledUntil)
    if !connection.serverBlocked {
      switch connection.up.deliver(now: now, to: connection.server) {
      case .done: break
      case .blocked: connection.serverBlocked = true
      case .failed(let code): return "server write failed (errno \(code))"
      }
    }
    if !connection.clientBlocked {
      switch connection.down.deliver(now: now, to: connection.client) {
      case .done: break
      case .blocked: connection.clientBlocked = true
      case .failed(let code): return "device write failed (errno \(code))"
      }
    }
    if connection.up.drained && !connection.up.shutdownSent {
      shutdown(connection.server, Int32(SHUT_WR))
      connection.up.shutdownSent = true
    }
    if connection.down.drained && !connection.down.shutdownSent {
      shutdown(connection.client, Int32(SHUT_WR))
      connection.down.shutdownSent = true
    }
    return connection.finished ? "closed" : nil
  }

  func handle(_ connection: RelayConnection, client: Int16, server: Int16) {
    if !connection.connected {
      if server != 0 {
        let code = Sockets.pendingError(connection.server)
        if code != 0 {
          connection.closeReason = "target unreachable (errno \(code))"
          relay.control.withLock { $0.statistics.targetFailures += 1 }
        } else {
          connection.connected = true
        }
      }
    } else {
      if server & Int16(POLLOUT | POLLHUP | POLLERR) != 0 { connection.serverBlocked = false }
      if server & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
        if case .failed(let code) = connection.down.read(from: connection.server, scratch: scratch) {
          connection.closeReason = "server read failed (errno \(code))"
        }
      }
    }
    // On a hang-up or error, retrying the write reports the failure and ends the connection.
    if client & Int16(POLLOUT | POLLHUP | POLLERR) != 0 { connection.clientBlocked = false }
    if client & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
      if case .failed(let code) = connection.up.read(from: connection.client, scratch: scratch) {
        connection.closeReason = "device read failed (errno \(code))"
      }
    }
  }

  func acceptAll() {
    while let (fd, peer) = Sockets.accept(listener) {
      // Read now, not at the top of the pass: a `restore()` may have come while poll waited.
      let isCut = relay.control.withLock { state in
        if state.isCut { state.statistics.refused += 1 }
        return state.isCut
      }
      if isCut {
        // A cut link answers nothing: the device sees its connection fail at once.
        Sockets.reset(fd)
        log?("connection from \(peer): refused, link cut")
        continue
      }
      let server: Int32
      do {
        server = try Sockets.startConnect(to: relay.target)
      } catch {
        relay.control.withLock { $0.statistics.targetFailures += 1 }
        Sockets.reset(fd)
        log?("connection from \(peer): target \(relay.target) unreachable: \(error)")
        continue
      }
      let now = MonotonicClock.seconds()
      let id = nextID
      nextID += 1
      let estimate = relay.profile.estimate
      let oneWay = estimate.roundTripSeconds / 2
      let connectionSeed = seed &+ UInt64(id) &* 0x9E37_79B9
      var up = LinkDirection(
        bitsPerSecond: estimate.uplinkBitsPerSecond, trace: uplinkTrace, traceOrigin: traceOrigin,
        oneWaySeconds: oneWay, jitterSeconds: relay.profile.jitterSeconds, seed: connectionSeed,
        capacity: bufferBytes, now: now)
      var down = LinkDirection(
        bitsPerSecond: estimate.downlinkBitsPerSecond, trace: downlinkTrace, traceOrigin: traceOrigin,
        oneWaySeconds: oneWay, jitterSeconds: relay.profile.jitterSeconds, seed: ~connectionSeed,
        capacity: bufferBytes, now: now)
      up.traceRunning = tracesRunning
      down.traceRunning = tracesRunning
      connections.append(
        RelayConnection(id: id, peer: peer, client: fd, server: server, opened: now, up: up, down: down))
      relay.control.withLock { $0.statistics.connections += 1 }
    }
  }

  /// Closes both sockets (with a reset unless the connection ended cleanly), counts and logs.
  func finish(_ connection: RelayConnection, reason: String, reset: Bool) {
    let upBytes = connection.up.written
    let downBytes = connection.down.written
    // Counted before the sockets close, so a peer that has seen the close sees the counts.
    relay.control.withLock {
      $0.statistics.uplinkBytes += upBytes
      $0.statistics.downlinkBytes += downBytes
      if reason == "cut" { $0.statistics.cutConnections += 1 }
    }
    if reset {
      Sockets.reset(connection.client)
      Sockets.reset(connection.server)
    } else {
      close(connection.client)
      close(connection.server)
    }
    let seconds = MonotonicClock.seconds() - connection.opened
    let duration = (seconds * 1000).rounded() / 1000
    log?(
      "connection \(connection.id) from \(connection.peer): \(reason) after \(duration) s, up \(upBytes) B, down \(downBytes) B"
    )
  }

  func drainWakePipe() {
    var scratch = [UInt8](repeating: 0, count: 64)
    while scratch.withUnsafeMutableBytes({ read(wakeRead, $0.baseAddress, 64) }) > 0 {}
  }
}
