/// One plane of a frame's pixels: where it starts, how many bytes a row takes, how many rows.
public struct FramePlane: @unchecked Sendable {
  public var base: UnsafeRawPointer
  public var bytesPerRow: Int
  public var rows: Int

  public init(base: UnsafeRawPointer, bytesPerRow: Int, rows: Int) {
    self.base = base
    self.bytesPerRow = bytesPerRow
    self.rows = rows
  }

  /// The bytes of row `y`.
  @inlinable
  public func row(_ y: Int) -> UnsafeRawPointer { base + y * bytesPerRow }
}
