import Capture
import Testing

@testable import Perception

@Suite struct EventRecorderTests {
  /// A 64x48 grey frame of value 40 whose pixels the test owns.
  final class GrayImage {
    let pixels: UnsafeMutableRawPointer
    let frame: Frame
    init(value: UInt8) {
      pixels = UnsafeMutableRawPointer.allocate(byteCount: 64 * 48, alignment: 64)
      pixels.initializeMemory(as: UInt8.self, repeating: value, count: 64 * 48)
      frame = Frame(
        format: .gray8, width: 64, height: 48, planes: [FramePlane(base: pixels, bytesPerRow: 64, rows: 48)])
    }
    deinit { pixels.deallocate() }
  }

  @Test func peakFrameIsCopiedWithTheBoxDrawn() throws {
    let image = GrayImage(value: 40)
    let copy = PeakFrame()
    try copy.copy(from: image.frame)
    copy.draw(BoundingBox(minX: 10, minY: 8, maxX: 30, maxY: 20), thickness: 2)
    // The source is untouched; the copy has the outline and an unchanged inside and outside.
    #expect(image.pixels.load(fromByteOffset: 8 * 64 + 10, as: UInt8.self) == 40)
    let plane = try #require(copy.frame).plane(0)
    func pixel(_ x: Int, _ y: Int) -> UInt8 { plane.row(y).load(fromByteOffset: x, as: UInt8.self) }
    #expect(pixel(10, 8) == 255 && pixel(30, 20) == 255 && pixel(20, 9) == 255 && pixel(29, 14) == 255)
    #expect(pixel(20, 14) == 40 && pixel(5, 5) == 40 && pixel(31, 21) == 40)
  }

  @Test func finishedEventIsLoggedWithASnapshotOfItsPeakFrame() throws {
    let folder = try TemporaryFolder()
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

  @Test func compressedFramesCannotBeSnapshotted() throws {
    let bytes = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 64)
    defer { bytes.deallocate() }
    let frame = Frame(
      format: .mjpeg, width: 4, height: 4, planes: [FramePlane(base: bytes, bytesPerRow: 16, rows: 1)])
    #expect(throws: PerceptionError.self) { try PeakFrame().copy(from: frame) }
  }
}
