/// A multi-object tracker in the manner of ByteTrack (Zhang et al., 2022): every track is
/// predicted by a Kalman filter, then matched by IoU in two stages: high-score detections
/// against all confirmed and lost tracks, then low-score detections against the tracks still
/// unmatched, so an object whose score dips (occlusion, blur) keeps its track instead of
/// breaking it. Tentative tracks need a second matching detection to be confirmed; a lost track
/// is kept, predicted forward, for a bounded number of frames and takes its id back when it is
/// seen again.
public struct ByteTracker: Sendable {
  public let config: TrackerConfig
  private var tracks: [Track] = []
  private var nextID = 1

  public init(config: TrackerConfig = TrackerConfig()) {
    self.config = config
  }

  /// Tracks kept now (tracked, tentative and lost).
  public var trackCount: Int { tracks.count }

  /// Advances to the next processed frame with its detections (in frame pixels); returns the
  /// confirmed tracks matched in this frame and the lost ones still kept, ordered by id.
  /// `frames` is how many frame intervals passed since the last call (more than 1 when a live
  /// source dropped frames), so motion is predicted over the real gap.
  public mutating func update(_ detections: [Detection], frames: Int = 1) -> [TrackedObject] {
    // Past the lost buffer every track is gone anyway; the bound keeps a bogus gap cheap.
    let steps = min(max(frames, 1), config.lostFrameLimit + 2)
    for index in tracks.indices {
      for _ in 0..<steps { tracks[index].predict() }
    }
    let valid = detections.filter { $0.box.isFinite && $0.box.area > 0 && $0.score.isFinite }
    let high = valid.filter { $0.score >= config.highScoreThreshold }
    let low = valid.filter { $0.score < config.highScoreThreshold }

    // Stage 1: high-score detections against confirmed and lost tracks.
    let pool = tracks.indices.filter { tracks[$0].state != .tentative }
    let first = associate(pool, high, minimumIoU: config.firstStageIoU)
    var remainingHigh = first.unmatchedDetections.map { high[$0] }

    // Stage 2: low-score detections recover tracks that were tracked (not lost) last frame.
    let stillTracked = first.unmatchedTracks.filter { tracks[$0].state == .tracked }
    let second = associate(stillTracked, low, minimumIoU: config.secondStageIoU)
    for index in second.unmatchedTracks { tracks[index].state = .lost }

    // Tentative tracks against the high-score detections left over; unmatched ones die.
    let tentative = tracks.indices.filter { tracks[$0].state == .tentative }
    let third = associate(tentative, remainingHigh, minimumIoU: config.tentativeIoU)
    remainingHigh = third.unmatchedDetections.map { remainingHigh[$0] }
    var dead = Set(third.unmatchedTracks)

    // Lost tracks past the buffer are removed.
    for index in tracks.indices where tracks[index].state == .lost {
      if tracks[index].framesSinceSeen > config.lostFrameLimit { dead.insert(index) }
    }
    tracks = tracks.enumerated().filter { !dead.contains($0.offset) }.map(\.element)

    // Births, best first, within the track bound (evicting the longest-lost tracks if needed).
    let births = remainingHigh.filter { $0.score >= config.newTrackThreshold }.sorted { $0.score > $1.score }
    for detection in births {
      if tracks.count >= config.maximumTracks {
        guard
          let oldest = tracks.indices.filter({ tracks[$0].state == .lost })
            .max(by: { tracks[$0].framesSinceSeen < tracks[$1].framesSinceSeen })
        else { break }
        tracks.remove(at: oldest)
      }
      tracks.append(Track(id: nextID, detection: detection))
      nextID += 1
    }

    return tracks.filter { $0.state != .tentative }.map(\.snapshot).sorted { $0.id < $1.id }
  }

  /// Matches `trackIndices` to `detections` by IoU with an optimal assignment and applies the
  /// matches; returns what stayed unmatched (as indices into the arguments' own numbering for
  /// detections, and into `tracks` for tracks).
  private mutating func associate(
    _ trackIndices: [Int], _ detections: [Detection], minimumIoU: Double
  ) -> (unmatchedTracks: [Int], unmatchedDetections: [Int]) {
    guard !trackIndices.isEmpty, !detections.isEmpty else {
      return (trackIndices, Array(detections.indices))
    }
    let cost = trackIndices.map { index in
      let predicted = tracks[index].filter.box
      return detections.map { 1 - predicted.intersectionOverUnion($0.box) }
    }
    let pairs = HungarianAssignment.solve(cost: cost, maximumCost: 1 - minimumIoU)
    var matchedTracks = Set<Int>()
    var matchedDetections = Set<Int>()
    for pair in pairs {
      let index = trackIndices[pair.row]
      tracks[index].match(detections[pair.column])
      tracks[index].state = .tracked
      matchedTracks.insert(pair.row)
      matchedDetections.insert(pair.column)
    }
    return (
      trackIndices.enumerated().filter { !matchedTracks.contains($0.offset) }.map(\.element),
      detections.indices.filter { !matchedDetections.contains($0) }
    )
  }
}
