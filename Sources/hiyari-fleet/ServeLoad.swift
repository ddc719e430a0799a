import Engine
import Offload
import Synchronization

/// One step of `hiyari-fleet bench-serve`: `devices` simulated devices, each its own
/// `OffloadClient` connection, each sending the same tail request at `fps` frames per second
/// (open loop: a frame is sent on time whether or not the previous reply came), phases spread
/// evenly over one frame period, for `seconds`, after one untimed request. A request that gets no reply within
/// `deadlineSeconds` (the budget it carries), or is refused, is a miss.
struct ServeLoad {
  var port: Int
  var request: TailRequest
  var devices: Int
  var fps: Double
  var seconds: Double
  var deadlineSeconds: Double

  /// Runs the step and returns what it measured.
  func run() async throws -> ServeLoadResult {
    var clients: [OffloadClient] = []
    for _ in 0..<devices {
      let client = OffloadClient(OffloadClientConfiguration(host: "127.0.0.1", port: port))
      try await client.connect(timeoutSeconds: 10)
      clients.append(client)
    }
    // One untimed request first: the server compiles a cut on its first request.
    var warmUp = request
    warmUp.frameID = 1 << 62
    _ = try? await clients.first?.runTail(warmUp, timeoutSeconds: 10)
    let log = Log(ServeLoadResult(devices: devices, seconds: seconds))
    let period = 1 / fps
    let frames = Int(seconds * fps)
    let start = MonotonicClock.nanoseconds() + 50_000_000
    await withTaskGroup(of: Void.self) { group in
      for (index, client) in clients.enumerated() {
        let phase = period * Double(index) / Double(devices)
        for frame in 0..<frames {
          group.addTask {
            let due = start + UInt64((phase + Double(frame) * period) * 1e9)
            let now = MonotonicClock.nanoseconds()
            if due > now { try? await Task.sleep(nanoseconds: due - now) }
            var request = request
            request.frameID = UInt64(frame)
            do {
              let response = try await client.runTail(request, timeoutSeconds: deadlineSeconds)
              log.result.withLock {
                $0.answered += 1
                $0.serverMilliseconds.append(response.transfer.serverSeconds * 1000)
                $0.roundTripMilliseconds.append(response.transfer.roundTripSeconds * 1000)
              }
            } catch {
              log.result.withLock { $0.missed(error) }
            }
          }
        }
      }
    }
    for client in clients { await client.close() }
    return log.result.withLock { $0 }
  }

  /// The step's tally, shared by the frames' tasks.
  final class Log: Sendable {
    let result: Mutex<ServeLoadResult>
    init(_ initial: ServeLoadResult) { result = Mutex(initial) }
  }
}
