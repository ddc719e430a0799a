import Capture
import Testing

@testable import Perception

@Suite struct EventRecorderTests {
  @Test func finishedEventIsLoggedWithASnapshotOfItsPeakFrame() throws {
    let folder = try ScratchFolder()
    let log = try EventLog(path: "\(folder.path)/events.jsonl")
    let recorder = EventRecorder(log: log, snapshotFolder: folder.path)
    let peak = GrayImage(value: 90)
    let later = GrayImage(value: 10)
    let box = BoundingBox(minX: 4, minY: 4, maxX: 20, maxY: 20)
    var update = NearMissUpdate()
    update.newPeaks = [(trackID: 5, box: box)]
    #expect(try recorder.record(update, frame: peak.frame).isEmpty)
    let event = NearMissEvent(
      id: "5-1000", trackID: 5, classIndex: 0, className: "vehicle-large", start: 1, peak: 1.2, end: 2,
      minimumTTC: 1.1, level: .warning, closingSpeed: nil, peakBox: box, modelHash: "h")
    var finished = NearMissUpdate()
    finished.finishedEvents = [event]
    let written = try recorder.record(finished, frame: later.frame)
    #expect(written.count == 1)
    #expect(written.first?.snapshotPath == "\(folder.path)/event-5-1000.png")
    let png = try folder.read("event-5-1000.png")
    #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    #expect(try EventLog.read(path: log.path).events == written)
  }
}
