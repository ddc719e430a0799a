import Engine
import Offload
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A userspace link emulator between a device and a server, for a kernel without netem: a TCP
/// relay that listens on `address` and, for each connection, opens one to `target` and forwards
/// both ways through a `LinkDirection` that paces bytes to the profile's rate (uplink from the
/// device, downlink back), delays them by half the RTT plus seeded jitter without reordering,
/// and can stall or cut the link on cue or follow a throughput trace.
///
/// Loss: a TCP relay cannot drop bytes (the stream would be corrupt), and on a real path TCP
/// turns loss into retransmission delay and a lower rate. The profile's rates already carry
/// that (`LinkProfile.cellEdgeLTE` caps its rates by the Mathis bound), so `loss` is not
/// applied a second time.
///
/// The relay runs its own thread from `init` until `stop()`.
public final class LinkRelay: Sendable {
  /// Where the relay listens (with the port the kernel chose if 0 was asked for).
  public let address: SocketAddress
  public let target: SocketAddress
  public let profile: LinkProfile
  let control = Mutex(RelayControl())
  let wakeWrite: Int32

  /// Binds and starts relaying.
  /// - Parameters:
  ///   - uplinkTrace, downlinkTrace: rates over time that replace the profile's, per direction.
  ///   - holdingTraces: the traces wait, at the profile's rates, until `restartTraces()`: for a
  ///     run whose setup takes an unknown while over the link.
  ///   - seed: the jitter stream's seed; each connection and direction derives its own.
  ///   - bufferBytes: the most each direction of a connection holds, queued and in flight. It
  ///     must exceed the bandwidth-delay product or the relay itself would cap the rate; the
  ///     default, 1 MiB, covers 100 Mbit/s at 80 ms.
  ///   - log: called on the relay's thread with one line per connection.
  public init(
    listen: SocketAddress, target: SocketAddress, profile: LinkProfile, uplinkTrace: ThroughputTrace? = nil,
    downlinkTrace: ThroughputTrace? = nil, holdingTraces: Bool = false, seed: UInt64 = 1,
    bufferBytes: Int = 1 << 20, log: (@Sendable (String) -> Void)? = nil
  ) throws {
    let listener = try Sockets.listen(on: listen)
    var pipeFDs: [Int32] = [0, 0]
    guard pipe(&pipeFDs) == 0 else {
      close(listener)
      throw LinkEmulationError.system(call: "pipe", errno: errno)
    }
    do {
      // Neither end may block: the loop drains until empty, and a wake-up is one byte that may
      // be dropped when the pipe is already full of them.
      try Sockets.setNonBlocking(pipeFDs[0])
      try Sockets.setNonBlocking(pipeFDs[1])
      address = try Sockets.localAddress(listener)
    } catch {
      close(listener)
      close(pipeFDs[0])
      close(pipeFDs[1])
      throw error
    }
    self.target = target
    self.profile = profile
    wakeWrite = pipeFDs[1]
    let loop = RelayLoop(
      relay: self, listener: listener, wakeRead: pipeFDs[0], uplinkTrace: uplinkTrace,
      downlinkTrace: downlinkTrace, tracesRunning: !holdingTraces, seed: seed,
      bufferBytes: max(bufferBytes, 2 * LinkDirection.segmentBytes),
      log: log)
    var thread = pthread_t()
    let context = Unmanaged.passRetained(loop).toOpaque()
    let created = pthread_create(
      &thread, nil,
      { context in
        Unmanaged<RelayLoop>.fromOpaque(context!).takeRetainedValue().run()
        return nil
      }, context)
    guard created == 0 else {
      Unmanaged<RelayLoop>.fromOpaque(context).release()
      close(listener)
      close(pipeFDs[0])
      close(pipeFDs[1])
      throw LinkEmulationError.system(call: "pthread_create", errno: created)
    }
    control.withLock { $0.thread = thread }
  }

  /// Holds data in both directions for `seconds` from now: nothing leaves the bottleneck until
  /// then (what was already in flight still arrives), as when a radio link stalls.
  public func stall(seconds: Double) {
    let until = MonotonicClock.seconds() + seconds
    control.withLock { $0.stalledUntil = max($0.stalledUntil, until) }
    wake()
  }

  /// Cuts the link: every connection is reset on both sides, and new ones are reset on accept
  /// until `restore()`.
  public func cut() {
    control.withLock {
      $0.isCut = true
      $0.cutGeneration += 1
    }
    wake()
  }

  /// Starts the uplink and downlink traces over from now, on every connection (and starts them
  /// if the relay was made `holdingTraces`): a test or a benchmark that spends a while setting
  /// up (loading a model, profiling it through the link) replays the trace from when its
  /// measured run begins, not from when the relay was made.
  /// - Parameter secondsIntoTrace: replay from this point of the traces instead of their start:
  ///   a run that changes the link after so many frames, not after so many seconds, jumps to
  ///   the trace's step when it has them.
  public func restartTraces(from secondsIntoTrace: Double = 0) {
    let now = MonotonicClock.seconds() - max(0, secondsIntoTrace)
    control.withLock { $0.traceOrigin = now }
    wake()
  }

  /// Ends a cut (and any stall): new connections are relayed again.
  public func restore() {
    control.withLock {
      $0.isCut = false
      $0.stalledUntil = 0
    }
    wake()
  }

  /// Resets every connection, closes the listener and joins the relay's thread. Idempotent; not
  /// to be called from the `log` callback (that runs on the thread being joined).
  public func stop() {
    let thread: pthread_t? = control.withLock { state in
      state.stopping = true
      defer { state.thread = nil }
      return state.thread
    }
    guard let thread else { return }
    wake()
    pthread_join(thread, nil)
    close(wakeWrite)
  }

  /// The counts so far (byte counts include a connection once it has ended).
  public var statistics: RelayStatistics { control.withLock { $0.statistics } }

  func wake() {
    var byte: UInt8 = 1
    _ = write(wakeWrite, &byte, 1)
  }
}
