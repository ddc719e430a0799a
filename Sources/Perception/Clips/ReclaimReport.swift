/// What one call of `ClipStore.reclaim()` did.
public struct ReclaimReport: Sendable, Equatable {
  /// Files removed, oldest first.
  public var deleted: [String]
  /// Free bytes (for an unprivileged writer) after the deletions.
  public var availableBytes: Int64
  /// Whether free space is at or above the floor now. False with nothing left to delete means
  /// only active and kept clips (or other files) remain.
  public var floorHolds: Bool
}
