/// A frame submitted to an `OffloadController` whose result is not ready yet.
public struct PendingControlledFrame: Sendable {
  public let frameID: UInt64
  let pending: PendingFrame
  let controller: OffloadController
  let plan: Plan?
  let estimate: LiveLinkEstimate
  let replanned: Bool
  let hold: OffloadHold?

  /// Waits for the frame's outputs (they always come: a failed offload runs on the device).
  public func result() async -> ControlledFrame {
    let frame = ControlledFrame(
      result: await pending.result(), plan: plan, estimate: estimate, replanned: replanned, hold: hold)
    await controller.completed(frame)
    return frame
  }
}
