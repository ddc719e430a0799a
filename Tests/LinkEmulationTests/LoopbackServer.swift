import LinkEmulation
import Offload
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A real TCP server on loopback, on its own threads, that echoes, sinks or sources bytes for
/// each connection and records when data arrived and when the connection ended.
final class LoopbackServer: Sendable {
  enum Mode: Sendable {
    /// Writes back what it reads.
    case echo
    /// Reads and counts until the end of the stream.
    case sink
    /// Writes this many bytes, then closes.
    case source(Int)
  }

  /// What one connection saw.
  struct Record: Sendable {
    var bytes = 0
    var firstArrival: Double?
    var firstChunk = 0
    var lastArrival: Double?
    /// When the read that ended the connection returned (EOF or error), and whether it was an
    /// error (a reset).
    var ended: Double?
    var endedWithError = false
  }

  let listener: Int32
  let port: UInt16
  let mode: Mode
  let records = Mutex<[Int: Record]>([:])
  let threads = Mutex<[TestThread]>([])

  init(_ mode: Mode) {
    (listener, port) = TestSocket.listen()
    self.mode = mode
    let acceptor = TestThread { [self] in acceptLoop() }
    threads.withLock { $0.append(acceptor) }
  }

  private func acceptLoop() {
    var index = 0
    while true {
      let fd = TestSocket.accept(listener)
      if fd < 0 { return }
      let id = index
      index += 1
      records.withLock { $0[id] = Record() }
      let worker = TestThread { [self] in serve(fd, id: id) }
      threads.withLock { $0.append(worker) }
    }
  }

  private func serve(_ fd: Int32, id: Int) {
    defer { close(fd) }
    if case .source(let count) = mode {
      TestSocket.writeAll(fd, TestData.pattern(count))
      return
    }
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 65536, 0) }
      let now = Seconds.now()
      if got <= 0 {
        let failed = got < 0
        records.withLock {
          $0[id]?.ended = now
          $0[id]?.endedWithError = failed
        }
        return
      }
      records.withLock {
        if $0[id]?.firstArrival == nil {
          $0[id]?.firstArrival = now
          $0[id]?.firstChunk = got
        }
        $0[id]?.lastArrival = now
        $0[id]?.bytes += got
      }
      if case .echo = mode, !TestSocket.writeAll(fd, Array(buffer[0..<got])) {
        records.withLock {
          $0[id]?.ended = Seconds.now()
          $0[id]?.endedWithError = true
        }
        return
      }
    }
  }

  /// A relay on a free loopback port with this server as its target.
  func relay(
    _ profile: LinkProfile, trace: ThroughputTrace? = nil, holdingTraces: Bool = false, seed: UInt64 = 42
  ) throws -> LinkRelay {
    try LinkRelay(
      listen: SocketAddress(parsing: "127.0.0.1:0"), target: SocketAddress(parsing: "127.0.0.1:\(port)"),
      profile: profile, uplinkTrace: trace, holdingTraces: holdingTraces, seed: seed)
  }

  func record(_ id: Int) -> Record? { records.withLock { $0[id] } }

  /// Waits until connection `id` has received `bytes` (or ended), up to `timeout` seconds.
  func waitFor(_ id: Int, bytes: Int = .max, ended: Bool = false, timeout: Double = 20) -> Record? {
    let deadline = Seconds.now() + timeout
    while Seconds.now() < deadline {
      if let record = record(id),
        ended ? record.ended != nil : (record.bytes >= bytes || record.ended != nil)
      {
        return record
      }
      Seconds.sleep(0.002)
    }
    return record(id)
  }

  /// Stops accepting (shutdown wakes the blocked accept) and joins every thread.
  func stop() {
    shutdown(listener, Int32(SHUT_RDWR))
    close(listener)
    for thread in threads.withLock({ $0 }) { thread.join() }
  }
}
