import Testing

@testable import Perception

@Suite struct DetectorLayoutTests {
  @Test func hiyariMetadataIsRead() throws {
    let layout = try DetectorLayout(
      metadata: [
        "detector.format": "hiyari-fcos",
        "detector.classes": "vehicle-large, vehicle-small,two-wheeler,pedestrian",
        "detector.strides": "8,16", "detector.input": "320x192",
      ],
      outputShapes: [[1, 8, 24, 40], [1, 8, 12, 20]])
    #expect(layout == Self.expectedHiyari)
  }

  static let expectedHiyari = DetectorLayout(
    format: .hiyariFCOS, classes: DetectorLayout.hiyariClasses, strides: [8, 16], inputWidth: 320,
    inputHeight: 192)

  @Test func aSingle3DOutputIsYOLOWithUltralyticsNames() throws {
    let layout = try DetectorLayout(
      metadata: ["names": "{0: 'person', 1: 'bicycle', 2: \"car\"}"], outputShapes: [[1, 7, 8400]],
      inputWidth: 640, inputHeight: 640)
    #expect(layout.format == .yolov8)
    #expect(layout.classes == ["person", "bicycle", "car"])
  }

  @Test func yoloClassesAreNumberedWithoutNames() throws {
    let layout = try DetectorLayout(
      metadata: [:], outputShapes: [[1, 84, 8400]], inputWidth: 640, inputHeight: 640)
    #expect(layout.classes.count == 80)
    #expect(layout.classes[79] == "class79")
  }

  @Test func fcosStridesAreInferredFromOutputWidths() throws {
    let layout = try DetectorLayout(
      metadata: ["detector.format": "hiyari-fcos", "detector.input": "320x192"],
      outputShapes: [[1, 8, 24, 40], [1, 8, 12, 20]])
    #expect(layout.strides == [8, 16])
    #expect(layout.classes.count == 4)
  }

  @Test func badMetadataIsRejected() {
    #expect(throws: PerceptionError.self) {
      try DetectorLayout(
        metadata: ["detector.format": "ssd"], outputShapes: [[1, 7, 10]], inputWidth: 1, inputHeight: 1)
    }
    #expect(throws: PerceptionError.self) {
      try DetectorLayout(
        metadata: [:], outputShapes: [[1, 8, 24, 40], [1, 8, 12, 20]], inputWidth: 320, inputHeight: 192)
    }
    #expect(throws: PerceptionError.self) {
      try DetectorLayout(metadata: ["detector.input": "320by192"], outputShapes: [[1, 7, 10]])
    }
    // Two classes named, but the output carries three.
    #expect(throws: PerceptionError.self) {
      try DetectorLayout(
        metadata: ["detector.classes": "a,b"], outputShapes: [[1, 7, 10]], inputWidth: 64, inputHeight: 64)
    }
    #expect(DetectorLayout.parseUltralyticsNames("{0: 'a', 2: 'c'}") == nil)
  }
}
