/// Per-stage latencies of a run, kept as samples so percentiles are exact. Bounded: past
/// `maximumSamples` per stage, every other sample is dropped and the keeping stride doubles, so
/// a run of any length keeps an evenly spread subset in bounded memory.
public struct StageLatencies: Sendable {
  public static let maximumSamples = 1 << 16
  private var samples: [PipelineStage: [Int64]] = [:]
  private var counts: [PipelineStage: Int] = [:]
  private var strides: [PipelineStage: Int] = [:]

  public init() {}

  /// Records one measurement of `stage`, in nanoseconds.
  public mutating func record(_ stage: PipelineStage, nanoseconds: Int64) {
    let count = counts[stage, default: 0]
    counts[stage] = count + 1
    let stride = strides[stage, default: 1]
    guard count % stride == 0 else { return }
    var kept = samples[stage, default: []]
    kept.append(nanoseconds)
    if kept.count >= Self.maximumSamples {
      kept = kept.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
      strides[stage] = stride * 2
    }
    samples[stage] = kept
  }

  /// How many times `stage` was measured.
  public func count(_ stage: PipelineStage) -> Int { counts[stage, default: 0] }

  /// The nearest-rank percentile `p` (0...100) of `stage` in milliseconds; nil when unmeasured.
  public func percentile(_ stage: PipelineStage, _ p: Double) -> Double? {
    guard let kept = samples[stage], !kept.isEmpty else { return nil }
    let sorted = kept.sorted()
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return Double(sorted[min(max(rank, 1), sorted.count) - 1]) / 1e6
  }

  /// The summary of every measured stage, in pipeline order.
  public var summary: [StageSummary] {
    PipelineStage.allCases.compactMap { stage in
      guard let p50 = percentile(stage, 50), let p99 = percentile(stage, 99) else { return nil }
      return StageSummary(stage: stage, count: count(stage), p50Milliseconds: p50, p99Milliseconds: p99)
    }
  }
}

/// One stage's latency over a run.
public struct StageSummary: Sendable, Hashable, Codable {
  public var stage: PipelineStage
  public var count: Int
  public var p50Milliseconds: Double
  public var p99Milliseconds: Double

  enum CodingKeys: String, CodingKey {
    case stage, count
    case p50Milliseconds = "p50_ms"
    case p99Milliseconds = "p99_ms"
  }
}
