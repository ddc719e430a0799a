/// A node made ready to run: its views and any pre-packed weights are bound at prepare time, so
/// running it allocates nothing.
public protocol Kernel: AnyObject {
  func run(_ context: borrowing ExecutionContext)
}

/// What a kernel may use while it runs.
public struct ExecutionContext: ~Copyable {
  public let threads: ThreadPool
}
