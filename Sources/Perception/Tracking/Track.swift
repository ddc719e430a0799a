/// The tracker's internal record of one object.
struct Track: Sendable {
  let id: Int
  var state: TrackState
  var filter: KalmanBoxFilter
  var classVotes: [Int: Double]
  var lastDetection: Detection?
  var age = 1
  var hits = 1
  var framesSinceSeen = 0

  init(id: Int, detection: Detection) {
    self.id = id
    self.state = .tentative
    self.filter = KalmanBoxFilter(box: detection.box)
    self.classVotes = [detection.classIndex: detection.score]
    self.lastDetection = detection
  }

  var classIndex: Int {
    classVotes.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? 0
  }

  mutating func predict() {
    filter.predict(freezeHeight: state == .lost)
    age += 1
    framesSinceSeen += 1
    lastDetection = nil
  }

  mutating func match(_ detection: Detection) {
    filter.update(with: detection.box)
    classVotes[detection.classIndex, default: 0] += detection.score
    lastDetection = detection
    hits += 1
    framesSinceSeen = 0
  }

  var snapshot: TrackedObject {
    TrackedObject(
      id: id, state: state, classIndex: classIndex, box: filter.box, detection: lastDetection, age: age,
      hits: hits, framesSinceSeen: framesSinceSeen)
  }
}
