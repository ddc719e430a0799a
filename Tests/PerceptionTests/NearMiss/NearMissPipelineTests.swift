import Capture
import Engine
import Testing

@testable import Perception

/// Decoding, tracking and scoring together: a YOLO-format output is built per frame from a car
/// approaching a letterboxed 1280x720 camera, with a second, static car beside the lane and a
/// low-score clutter box; exactly one event comes out, for the approaching car.
@Suite struct NearMissPipelineTests {
  @Test func approachingCarInTheLaneMakesOneEvent() throws {
    let camera = ApproachScene.camera()
    let scene = ApproachScene(calibration: camera, startRange: 40.05, segments: [(3.4, 10), (4, 0)])
    var parked = ApproachScene(calibration: camera, startRange: 12, segments: [(10, 0)])
    parked.lateral = -4.5
    let spec = PreprocessSpec(width: 640, height: 384)
    let geometry = try spec.geometry(frameWidth: 1280, frameHeight: 720)
    let layout = DetectorLayout(
      format: .yolov8, classes: DetectorLayout.hiyariClasses, inputWidth: 640, inputHeight: 384)
    let scorer = try NearMissScorer(calibration: camera, modelHash: "model")
    var pipeline = NearMissPipeline(
      decoder: DetectionDecoder(layout: layout), tracker: ByteTracker(), scorer: scorer)

    var events: [NearMissEvent] = []
    var alerts: [NearMissAlert] = []
    for frame in 0..<scene.frameCount {
      let time = scene.time(ofFrame: frame)
      let boxes = [
        (scene.box(at: time), 0.9, 1), (parked.box(at: time), 0.85, 0),
        (BoundingBox(minX: 1000, minY: 100, maxX: 1010, maxY: 110), 0.2, 3),
      ]
      let output = try Tensor(shape: [1, 8, boxes.count], elementType: .float32)
      output.withMutableElements(as: Float.self) { values in
        for (anchor, (box, score, classIndex)) in boxes.enumerated() {
          let topLeft = geometry.modelPoint(fromFrameX: box.minX, y: box.minY)
          let bottomRight = geometry.modelPoint(fromFrameX: box.maxX, y: box.maxY)
          let row = [
            (topLeft.x + bottomRight.x) / 2, (topLeft.y + bottomRight.y) / 2, bottomRight.x - topLeft.x,
            bottomRight.y - topLeft.y,
          ]
          for (index, value) in row.enumerated() { values[index * boxes.count + anchor] = Float(value) }
          values[(4 + classIndex) * boxes.count + anchor] = Float(score)
        }
      }
      let result = try pipeline.process([output], geometry: geometry, time: time)
      #expect(result.detections.count == 3)
      events += result.update.finishedEvents
      alerts += result.update.alerts
    }
    events += pipeline.finish()
    #expect(events.count == 1)
    let event = try #require(events.first)
    #expect(event.className == "vehicle-small" && event.level == .critical && event.modelHash == "model")
    // Boxes went through float32 and the letterbox; the TTC tolerance is that of quantized boxes.
    #expect(abs(event.minimumTTC - 0.605) < 0.1)
    #expect(alerts.map(\.level) == [.warning, .critical])
    // Warned when the true TTC was at most 2.5 s and at least 2.0 s (NHTSA's window is 2.0-2.4).
    let warnedAt = try #require(alerts.first).time
    #expect(scene.ttc(at: warnedAt) <= 2.5 && scene.ttc(at: warnedAt) >= 2.0)
  }
}
