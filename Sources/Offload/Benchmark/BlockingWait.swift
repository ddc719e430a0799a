import Dispatch
import Synchronization

/// Runs async work to completion from synchronous code (`SplitMeasurer.measure` is synchronous;
/// `SplitExecutor` and `OffloadClient` are async). Call it only from a thread outside Swift's
/// cooperative pool (a command's main thread, a test's own thread): blocking a pool thread
/// could starve the work it waits for.
enum BlockingWait {
  static func run<Value: Sendable>(_ body: @escaping @Sendable () async throws -> Value) throws -> Value {
    let outcome = Outcome<Value>()
    let done = DispatchSemaphore(value: 0)
    Task {
      do {
        let value = try await body()
        outcome.result.withLock { $0 = .success(value) }
      } catch {
        outcome.result.withLock { $0 = .failure(error) }
      }
      done.signal()
    }
    done.wait()
    return try outcome.result.withLock { $0! }.get()
  }

  /// Closes `client` and waits until it is closed.
  static func close(_ client: OffloadClient) {
    _ = try? run { await client.close() }
  }

  final class Outcome<Value: Sendable>: Sendable {
    let result = Mutex<Result<Value, any Error>?>(nil)
  }
}
