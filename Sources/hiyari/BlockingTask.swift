import Dispatch
import Synchronization

/// Runs async work to its end from a synchronous command (the CLI's `main` is synchronous, and
/// most commands have nothing to wait on).
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
  let result = Mutex<Result<T, any Error>?>(nil)
  let done = DispatchSemaphore(value: 0)
  Task {
    let value: Result<T, any Error>
    do { value = .success(try await body()) } catch { value = .failure(error) }
    result.withLock { $0 = value }
    done.signal()
  }
  done.wait()
  return try result.withLock { $0! }.get()
}
