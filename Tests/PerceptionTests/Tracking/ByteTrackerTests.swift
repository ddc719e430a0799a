import Testing

@testable import Perception

/// The tracker on synthetic box sequences whose true identities are known.
@Suite struct ByteTrackerTests {
  /// A box of `width` x `height` centred at (x, y).
  static func detection(
    _ x: Double, _ y: Double, score: Double = 0.9, width: Double = 60, height: Double = 40
  )
    -> Detection
  {
    Detection(
      box: BoundingBox(centerX: x, centerY: y, width: width, height: height), score: score, classIndex: 1)
  }

  /// The id of the track whose current detection is `detection`.
  static func id(of detection: Detection, in tracks: [TrackedObject]) -> Int? {
    tracks.first { $0.detection == detection }?.id
  }

  @Test func constantVelocityObjectsKeepTheirIDs() {
    var tracker = ByteTracker()
    var ids: [[Int?]] = []
    for frame in 0..<60 {
      let t = Double(frame)
      let objects = [
        Self.detection(100 + 3 * t, 100), Self.detection(400 - 2 * t, 300 + t),
        Self.detection(700, 200 + 1.5 * t),
      ]
      let tracks = tracker.update(objects)
      ids.append(objects.map { Self.id(of: $0, in: tracks) })
    }
    // Confirmed on the second frame; from then on each object has one id, all distinct.
    #expect(ids[0] == [nil, nil, nil])
    let steady = Array(ids.dropFirst())
    for object in 0..<3 {
      let seen = Set(steady.map { $0[object] })
      #expect(seen.count == 1 && seen.first! != nil)
    }
    #expect(Set(steady[0]).count == 3)
  }

  @Test func crossingPairIsNotSwapped() {
    var tracker = ByteTracker()
    var first: [Int?] = []
    var last: [Int?] = []
    for frame in 0..<50 {
      let t = Double(frame)
      // Moving towards each other at 8 px per frame; they overlap around frame 25.
      let a = Self.detection(100 + 8 * t, 200)
      let b = Self.detection(500 - 8 * t, 215)
      let tracks = tracker.update([a, b])
      if frame == 5 { first = [Self.id(of: a, in: tracks), Self.id(of: b, in: tracks)] }
      if frame == 49 { last = [Self.id(of: a, in: tracks), Self.id(of: b, in: tracks)] }
    }
    #expect(first[0] != nil && first[1] != nil && first[0] != first[1])
    #expect(last == first)
  }

  @Test func objectOccludedForFiveFramesKeepsItsID() {
    var tracker = ByteTracker()
    var before: Int?
    var after: Int?
    var statesWhileHidden: [TrackState] = []
    for frame in 0..<40 {
      let t = Double(frame)
      let object = Self.detection(100 + 4 * t, 200 + t)
      let other = Self.detection(600, 400)
      let hidden = (20..<25).contains(frame)
      let tracks = tracker.update(hidden ? [other] : [object, other])
      if frame == 19 { before = Self.id(of: object, in: tracks) }
      if hidden { statesWhileHidden += tracks.filter { $0.id == before }.map(\.state) }
      if frame == 25 { after = Self.id(of: object, in: tracks) }
    }
    #expect(before != nil)
    #expect(statesWhileHidden == [TrackState](repeating: .lost, count: 5))
    #expect(after == before)
  }

  @Test func droppedFramesArePredictedOver() {
    // A fast object (12 px per frame, box 60 wide) seen every frame, then only every 6th frame
    // (as a live source dropping frames would deliver): with the gap passed as `frames`, the
    // prediction lands on it; IoU with the last box alone would be 0 after a 72-pixel jump.
    var tracker = ByteTracker()
    var ids: Set<Int?> = []
    var previous = -1
    for frame in Array(0..<10) + Array(stride(from: 10, to: 60, by: 6)) {
      let object = Self.detection(100 + 12 * Double(frame), 200)
      let tracks = tracker.update([object], frames: frame - previous)
      if frame >= 1 { ids.insert(Self.id(of: object, in: tracks)) }
      previous = frame
    }
    #expect(ids.count == 1 && ids.first! != nil)
  }

  @Test func lowScoreDetectionsKeepATrackAlive() {
    var tracker = ByteTracker()
    var ids: Set<Int?> = []
    var states: [TrackState] = []
    for frame in 0..<30 {
      let t = Double(frame)
      // Scores dip to 0.3 (under the 0.5 high threshold) for frames 10..<20, as in occlusion.
      let object = Self.detection(100 + 4 * t, 200, score: (10..<20).contains(frame) ? 0.3 : 0.9)
      let tracks = tracker.update([object])
      if frame >= 1 {
        ids.insert(Self.id(of: object, in: tracks))
        states += tracks.map(\.state)
      }
    }
    #expect(ids.count == 1 && ids.first! != nil)
    #expect(states.allSatisfy { $0 == .tracked })
  }

  @Test func lowScoreDetectionsStartNoTrack() {
    var tracker = ByteTracker()
    for _ in 0..<10 { #expect(tracker.update([Self.detection(100, 100, score: 0.4)]).isEmpty) }
    #expect(tracker.trackCount == 0)
  }

  @Test func aLostTrackIsRemovedAfterTheBuffer() {
    var config = TrackerConfig()
    config.lostFrameLimit = 5
    var tracker = ByteTracker(config: config)
    _ = tracker.update([Self.detection(100, 100)])
    _ = tracker.update([Self.detection(100, 100)])
    var lostFrames = 0
    for _ in 0..<10 where !tracker.update([]).isEmpty { lostFrames += 1 }
    #expect(lostFrames == 5)
    #expect(tracker.trackCount == 0)
  }

  @Test func trackCountIsBounded() {
    var config = TrackerConfig()
    config.maximumTracks = 10
    var tracker = ByteTracker(config: config)
    for frame in 0..<5 {
      let crowd = (0..<50).map { Self.detection(Double($0) * 100 + Double(frame) * 200, 100, width: 20) }
      _ = tracker.update(crowd)
      #expect(tracker.trackCount <= 10)
    }
  }

  @Test func classIsTheScoreWeightedVote() {
    var tracker = ByteTracker()
    var tracks: [TrackedObject] = []
    for frame in 0..<6 {
      var object = Self.detection(100, 100)
      object.classIndex = frame == 2 ? 0 : 1
      tracks = tracker.update([object])
    }
    #expect(tracks.map(\.classIndex) == [1])
  }
}
