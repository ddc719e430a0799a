import Glibc

/// Learning rate with linear warmup then cosine decay: rises from `base * warmupStart` to
/// `base` over `warmupSteps`, then falls along half a cosine to `base * floor` at `totalSteps`.
public struct CosineSchedule: Sendable, Equatable {
  public var base: Float
  public var warmupSteps: Int
  public var totalSteps: Int
  public var warmupStart: Float
  public var floor: Float

  public init(base: Float, warmupSteps: Int, totalSteps: Int, warmupStart: Float = 0.01, floor: Float = 0.01)
  {
    self.base = base
    self.warmupSteps = max(0, warmupSteps)
    self.totalSteps = max(1, totalSteps)
    self.warmupStart = warmupStart
    self.floor = floor
  }

  /// The rate for step `step` (0-based).
  public func rate(at step: Int) -> Float {
    if step < warmupSteps {
      let fraction = Float(step) / Float(warmupSteps)
      return base * (warmupStart + (1 - warmupStart) * fraction)
    }
    let span = max(1, totalSteps - warmupSteps)
    let progress = min(1, Float(step - warmupSteps) / Float(span))
    let cosine = 0.5 * (1 + Glibc.cosf(Float.pi * progress))
    return base * (floor + (1 - floor) * cosine)
  }
}
