/// A node made ready to run: its views and any pre-packed weights are bound at prepare time, so
/// running it allocates nothing.
public protocol Kernel: AnyObject {
  func run(_ context: borrowing ExecutionContext)
  /// Bytes of scratch memory the kernel needs while it runs (its contents need not survive
  /// between runs). The compiled model allocates one workspace, the largest of these, shared by
  /// every kernel: they run one after another, and the workspace stays warm in cache.
  var workspaceBytes: Int { get }
}

extension Kernel {
  public var workspaceBytes: Int { 0 }
}

/// What a kernel may use while it runs.
public struct ExecutionContext: ~Copyable {
  public let threads: ThreadPool
  /// The shared workspace: at least `workspaceBytes` of the running kernel, 64-byte aligned.
  public let workspace: UnsafeMutableRawPointer
  /// Its size, which a kernel checks: one nested in another must have its need reported through
  /// the outer kernel's `workspaceBytes`.
  public let workspaceBytes: Int
}
