/// How an `OffloadController` chooses where to split the model.
public enum CutPolicy: Sendable, Hashable {
  /// The planner's choice on the live link estimate, changed under `ReplanHysteresis`.
  case automatic
  /// Always this mode (device-only, cloud-only or a given cut); a failed offload still falls back
  /// frame by frame, and the plan reported is this mode priced on the live estimate.
  case fixed(SplitMode)
}
