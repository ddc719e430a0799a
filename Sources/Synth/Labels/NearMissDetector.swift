/// The near-miss ground truth, computed from the simulated physics (never from pixels).
///
/// For every road user, at every frame time t_k = k / fps, take its `EgoRelation` to the ego.
/// The frame is *under threshold* when the user is in the ego path and its true time-to-collision
/// (gap / closing speed, Frenet coordinates, the camera as the ego's front) is below
/// `threshold` (2.0 s by default, the low end of NHTSA's FCW window). Runs of consecutive
/// under-threshold frames are one interval; runs separated by at most `mergeGap` seconds are
/// merged (a brief dip out of the corridor is the same event); intervals shorter than
/// `minimumDuration` seconds (end - start) are dropped. For each interval: `start` and `end` are
/// the times of its first and last under-threshold frames, `peak` the time of the frame with the
/// minimum time-to-collision (the closest approach in time), `min_ttc_s` that minimum.
public struct NearMissDetector: Sendable {
  public var threshold: Double
  public var mergeGap: Double
  public var minimumDuration: Double

  public init(threshold: Double = 2.0, mergeGap: Double = 0.5, minimumDuration: Double = 0.1) {
    self.threshold = threshold
    self.mergeGap = mergeGap
    self.minimumDuration = minimumDuration
  }

  /// The near misses of `scenario`, ordered by start time then track.
  public func nearMisses(in scenario: Scenario) -> [NearMiss] {
    var result: [NearMiss] = []
    for actor in scenario.actors {
      var current: NearMiss?
      var lastUnder = -1
      for frame in 0..<scenario.frameCount {
        let relation = EgoRelation(ego: scenario.ego[frame], actor: actor, state: actor.state(frame: frame))
        guard let ttc = relation.ttc, ttc < threshold else { continue }
        let time = scenario.time(frame: frame)
        if var open = current, time - scenario.time(frame: lastUnder) <= mergeGap + 1e-9 {
          open.end = time
          if ttc < open.minTTCS {
            open.minTTCS = ttc
            open.peak = time
          }
          current = open
        } else {
          if let closed = current, closed.end - closed.start >= minimumDuration { result.append(closed) }
          current = NearMiss(track: actor.track, start: time, peak: time, end: time, minTTCS: ttc)
        }
        lastUnder = frame
      }
      if let closed = current, closed.end - closed.start >= minimumDuration { result.append(closed) }
    }
    return result.map { miss in
      var miss = miss
      miss.minTTCS = rounded(miss.minTTCS, 1000)
      miss.start = rounded(miss.start, 10_000)
      miss.peak = rounded(miss.peak, 10_000)
      miss.end = rounded(miss.end, 10_000)
      return miss
    }.sorted { ($0.start, $0.track) < ($1.start, $1.track) }
  }
}
