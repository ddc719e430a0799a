import Capture

/// Turns the scorer's per-frame updates into logged events with snapshots: keeps a copy of the
/// frame at each open event's peak, and when the event finishes writes that copy, with the
/// box drawn, as a PNG beside the log and appends the event (with the PNG's path) to the log.
public final class EventRecorder {
  public let log: EventLog
  /// Where snapshots go; nil writes none.
  public let snapshotFolder: String?
  /// At most this many peak frames are held at once (each is a full frame); a peak beyond the
  /// bound is not copied and that event gets no snapshot.
  public let maximumHeldFrames: Int
  private var held: [Int: PeakFrame] = [:]
  private var spare: [PeakFrame] = []
  private let writer = PNGWriter()

  public init(log: EventLog, snapshotFolder: String?, maximumHeldFrames: Int = 8) {
    self.log = log
    self.snapshotFolder = snapshotFolder
    self.maximumHeldFrames = max(0, maximumHeldFrames)
  }

  /// Records one frame's update; returns the events written to the log.
  public func record(_ update: NearMissUpdate, frame: Frame) throws(PerceptionError) -> [NearMissEvent] {
    if snapshotFolder != nil {
      for peak in update.newPeaks {
        guard let copy = held[peak.trackID] ?? takeBuffer() else { continue }
        try copy.copy(from: frame)
        copy.draw(peak.box)
        held[peak.trackID] = copy
      }
    }
    return try finish(update.finishedEvents)
  }

  /// Writes finished events (e.g. `NearMissScorer.finishAll()` at the end of a stream).
  public func finish(_ events: [NearMissEvent]) throws(PerceptionError) -> [NearMissEvent] {
    var written: [NearMissEvent] = []
    for var event in events {
      if let folder = snapshotFolder, let copy = held.removeValue(forKey: event.trackID),
        let frame = copy.frame
      {
        let path = "\(folder)/event-\(event.id).png"
        do {
          try writer.write(frame, to: path)
          event.snapshotPath = path
        } catch {
          throw PerceptionError("snapshot of event \(event.id): \(error)")
        }
        spare.append(copy)
      }
      try log.append(event)
      written.append(event)
    }
    return written
  }

  private func takeBuffer() -> PeakFrame? {
    if let buffer = spare.popLast() { return buffer }
    return held.count < maximumHeldFrames ? PeakFrame() : nil
  }
}
