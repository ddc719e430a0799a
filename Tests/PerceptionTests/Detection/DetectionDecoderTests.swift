import Capture
import Engine
import Testing

@testable import Perception

#if canImport(Glibc)
  import Glibc
#endif

/// Decoding of hand-built output tensors: every box position is computed here by hand from the
/// format's definition, so a wrong stride, channel or axis shows as a wrong number.
@Suite struct DetectionDecoderTests {
  /// A float tensor filled with `fill`, with `set` applied as (flat index, value) pairs.
  static func tensor(_ shape: [Int], fill: Float, _ set: [(index: Int, value: Float)] = []) throws -> Tensor {
    let tensor = try Tensor(shape: shape, elementType: .float32)
    tensor.withMutableElements(as: Float.self) { values in
      for index in values.indices { values[index] = fill }
      for entry in set { values[entry.index] = entry.value }
    }
    return tensor
  }

  /// The identity geometry: a 320x192 frame stretched onto a 320x192 input.
  static let identity = try! PreprocessSpec(width: 320, height: 192, resize: .stretch)
    .geometry(frameWidth: 320, frameHeight: 192)

  static let fcosLayout = DetectorLayout(
    format: .hiyariFCOS, classes: DetectorLayout.hiyariClasses, strides: [8, 16], inputWidth: 320,
    inputHeight: 192)

  /// Stride 8: 24x40 cells; stride 16: 12x20 cells; C = 4 classes, so 8 channels each.
  static func fcosOutputs() throws -> [Tensor] {
    let plane8 = 24 * 40
    let cell8 = 3 * 40 + 5  // i = 3, j = 5
    let level8 = try tensor(
      [1, 8, 24, 40], fill: -10,
      [
        (2 * plane8 + cell8, 2), (4 * plane8 + cell8, 1), (5 * plane8 + cell8, 2), (6 * plane8 + cell8, 3),
        (7 * plane8 + cell8, 4),
      ])
    let plane16 = 12 * 20
    let cell16 = 2 * 20 + 10  // i = 2, j = 10
    let level16 = try tensor(
      [1, 8, 12, 20], fill: -10,
      [
        (0 * plane16 + cell16, 1), (4 * plane16 + cell16, 2), (5 * plane16 + cell16, 1),
        (6 * plane16 + cell16, 2), (7 * plane16 + cell16, 1),
      ])
    // Box distances are zero where logits are -10, so those cells decode to empty boxes anyway.
    return [level8, level16]
  }

  @Test func fcosBoxesAreExact() throws {
    let decoder = DetectionDecoder(layout: Self.fcosLayout)
    let detections = try decoder.decode(Self.fcosOutputs(), geometry: Self.identity)
    #expect(detections.count == 2)
    // Stride 8, cell (3, 5): centre (44, 28); l, t, r, b = 1, 2, 3, 4 strides.
    #expect(detections[0].box == BoundingBox(minX: 36, minY: 12, maxX: 68, maxY: 60))
    #expect(detections[0].classIndex == 2)
    #expect(abs(detections[0].score - 1 / (1 + exp(-2.0))) < 1e-6)
    // Stride 16, cell (2, 10): centre (168, 40); l, t, r, b = 2, 1, 2, 1 strides.
    #expect(detections[1].box == BoundingBox(minX: 136, minY: 24, maxX: 200, maxY: 56))
    #expect(detections[1].classIndex == 0)
    #expect(abs(detections[1].score - 1 / (1 + exp(-1.0))) < 1e-6)
  }

  @Test func letterboxedBoxesMapBackToFramePixels() throws {
    // 1280x720 into 320x192: scale 1/4, content 320x180 with a 6-pixel bar above and below.
    let geometry = try PreprocessSpec(width: 320, height: 192).geometry(frameWidth: 1280, frameHeight: 720)
    #expect(geometry.contentY == 6 && geometry.contentHeight == 180)
    let decoder = DetectionDecoder(layout: Self.fcosLayout)
    let detections = try decoder.decode(Self.fcosOutputs(), geometry: geometry)
    // Model (36, 12, 68, 60) → frame ((x) * 4, (y - 6) * 4).
    #expect(detections[0].box == BoundingBox(minX: 144, minY: 24, maxX: 272, maxY: 216))
    #expect(detections[1].box == BoundingBox(minX: 544, minY: 72, maxX: 800, maxY: 200))
  }

  @Test func boxesReachingIntoTheBarsAreClippedToTheFrame() throws {
    let geometry = try PreprocessSpec(width: 320, height: 192).geometry(frameWidth: 1280, frameHeight: 720)
    // A model box from y = 2 (inside the top bar) to y = 190 (inside the bottom bar).
    let box = DetectionDecoder.frameBox(
      BoundingBox(minX: -4, minY: 2, maxX: 330, maxY: 190), geometry: geometry)
    #expect(box == BoundingBox(minX: 0, minY: 0, maxX: 1280, maxY: 720))
  }

  @Test func yoloBoxesAreExact() throws {
    // C = 2, N = 3 anchors: rows cx, cy, w, h, score0, score1.
    let layout = DetectorLayout(format: .yolov8, classes: ["a", "b"], inputWidth: 320, inputHeight: 192)
    let values: [[Float]] = [
      [100, 200, 50],  // cx
      [50, 100, 20],  // cy
      [20, 40, 10],  // w
      [10, 30, 10],  // h
      [0.9, 0.2, 0.01],  // class a
      [0.1, 0.7, 0.02],  // class b
    ]
    let output = try Self.tensor([1, 6, 3], fill: 0, (0..<18).map { ($0, values[$0 / 3][$0 % 3]) })
    let detections = try DetectionDecoder(layout: layout).decode([output], geometry: Self.identity)
    #expect(detections.count == 2)  // the third anchor is under the 0.1 threshold
    #expect(
      detections[0]
        == Detection(
          box: BoundingBox(minX: 90, minY: 45, maxX: 110, maxY: 55), score: Double(Float(0.9)), classIndex: 0)
    )
    #expect(
      detections[1]
        == Detection(
          box: BoundingBox(minX: 180, minY: 85, maxX: 220, maxY: 115), score: Double(Float(0.7)),
          classIndex: 1))
  }

  @Test func transposedYOLOOutputDecodesTheSame() throws {
    let layout = DetectorLayout(format: .yolov8, classes: ["a", "b"], inputWidth: 320, inputHeight: 192)
    let rows: [[Float]] = [
      [100, 50, 20, 10, 0.9, 0.1], [200, 100, 40, 30, 0.2, 0.7], [50, 20, 10, 10, 0, 0],
    ]
    let output = try Self.tensor([1, 3, 6], fill: 0, (0..<18).map { ($0, rows[$0 / 6][$0 % 6]) })
    let detections = try DetectionDecoder(layout: layout).decode([output], geometry: Self.identity)
    #expect(
      detections.map(\.box) == [
        BoundingBox(minX: 90, minY: 45, maxX: 110, maxY: 55),
        BoundingBox(minX: 180, minY: 85, maxX: 220, maxY: 115),
      ])
  }

  @Test func topKBoundsTheCandidates() throws {
    let layout = DetectorLayout(format: .yolov8, classes: ["a"], inputWidth: 320, inputHeight: 192)
    // 50 disjoint boxes with rising scores.
    var set: [(Int, Float)] = []
    for anchor in 0..<50 {
      set += [(anchor, Float(anchor * 6 + 3)), (50 + anchor, 50), (100 + anchor, 4), (150 + anchor, 4)]
      set.append((200 + anchor, 0.2 + Float(anchor) / 100))
    }
    let output = try Self.tensor([1, 5, 50], fill: 0, set)
    var options = DecoderOptions()
    options.maximumCandidates = 7
    let detections = try DetectionDecoder(layout: layout, options: options).decode(
      [output], geometry: Self.identity)
    #expect(detections.count == 7)
    #expect(detections.first?.box.centerX == Double(49 * 6 + 3))
    #expect(detections.last?.box.centerX == Double(43 * 6 + 3))
  }

  @Test func nonFiniteValuesAreIgnored() throws {
    let layout = DetectorLayout(format: .yolov8, classes: ["a"], inputWidth: 320, inputHeight: 192)
    let output = try Self.tensor(
      [1, 5, 2], fill: 0,
      [(0, .nan), (2, 10), (4, 10), (6, 10), (8, 0.9), (1, 50), (3, 50), (5, 10), (7, 10), (9, .infinity)])
    let detections = try DetectionDecoder(layout: layout).decode([output], geometry: Self.identity)
    #expect(detections.isEmpty)
  }

  @Test func wrongShapesAreRejected() throws {
    let decoder = DetectionDecoder(layout: Self.fcosLayout)
    let wrong = try Self.tensor([1, 8, 24, 39], fill: 0)
    let right = try Self.tensor([1, 8, 12, 20], fill: 0)
    #expect(throws: PerceptionError.self) { try decoder.decode([wrong, right], geometry: Self.identity) }
    #expect(throws: PerceptionError.self) { try decoder.decode([right], geometry: Self.identity) }
    let integers = try Tensor(shape: [1, 8, 24, 40], elementType: .int32)
    #expect(throws: PerceptionError.self) { try decoder.decode([integers, right], geometry: Self.identity) }
  }
}
