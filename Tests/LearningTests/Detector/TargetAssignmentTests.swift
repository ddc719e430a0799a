import Testing

@testable import Learning

@Suite struct TargetAssignmentTests {
  let configuration = DetectorConfiguration()

  @Test func smallBoxGoesToStride8WithCentreCellsAndDistances() {
    let box = TrainingBox(x0: 100, y0: 60, x1: 140, y1: 100, classIndex: 2)
    let levels = TargetAssignment.assign([box], configuration: configuration)
    #expect(levels[1].positiveCount == 0)
    let level = levels[0]
    #expect(level.positiveCount > 1)
    let plane = level.height * level.width
    for cell in 0..<plane where level.positive[cell] > 0 {
      let x = (Float(cell % level.width) + 0.5) * 8, y = (Float(cell / level.width) + 0.5) * 8
      #expect(x > box.x0 && x < box.x1 && y > box.y0 && y < box.y1)
      #expect(Swift.abs(x - 120) <= 12 && Swift.abs(y - 80) <= 12, "inside the centre region")
      #expect(level.classes[2 * plane + cell] == 1 && level.classes[0 * plane + cell] == 0)
      #expect(Swift.abs(level.distances[cell] - (x - 100) / 8) < 1e-5)
      #expect(Swift.abs(level.distances[3 * plane + cell] - (100 - y) / 8) < 1e-5)
    }
  }

  @Test func largeBoxGoesToStride16() {
    let box = TrainingBox(x0: 20, y0: 10, x1: 260, y1: 180, classIndex: 0)
    let levels = TargetAssignment.assign([box], configuration: configuration)
    #expect(levels[0].positiveCount == 0)
    #expect(levels[1].positiveCount > 0)
  }

  @Test func tinyBoxStillGetsOneCellAndOverlapsTakeTheSmallerBox() {
    let tiny = TrainingBox(x0: 41, y0: 41, x1: 43, y1: 43, classIndex: 3)
    let levels = TargetAssignment.assign([tiny], configuration: configuration)
    #expect(levels[0].positiveCount == 1)
    #expect(levels[0].positive[5 * levels[0].width + 5] == 1)

    let outer = TrainingBox(x0: 80, y0: 40, x1: 160, y1: 120, classIndex: 0)
    let inner = TrainingBox(x0: 104, y0: 64, x1: 136, y1: 96, classIndex: 1)
    let both = TargetAssignment.assign([outer, inner], configuration: configuration)[0]
    let cell = 10 * both.width + 15  // centre (124, 84): inside both
    let plane = both.height * both.width
    #expect(both.classes[1 * plane + cell] == 1 && both.classes[0 * plane + cell] == 0)
  }
}
