/// A frame handed to a `SplitExecutor` whose tail may still be in flight.
public struct PendingFrame: Sendable {
  public let frameID: UInt64
  let task: Task<FrameResult, Never>

  /// Waits for the frame's outputs.
  public func result() async -> FrameResult { await task.value }
}
