/// One frame through an `OffloadController`: the executor's result and what the controller
/// decided it from.
public struct ControlledFrame: Sendable {
  /// The outputs (always present), where the tail ran, any fallback, timings and bytes.
  public var result: FrameResult
  /// The plan in force when the frame started, priced on `estimate` (nil when the controller has
  /// no cloud profile to price plans with).
  public var plan: Plan?
  /// The link estimate the plan was chosen or priced on.
  public var estimate: LiveLinkEstimate
  /// Whether the mode changed just before this frame.
  public var replanned: Bool
  /// Why offload was held off for this frame (the frame ran device-only although the plan
  /// offloads), nil when it was not.
  public var hold: OffloadHold?
}
