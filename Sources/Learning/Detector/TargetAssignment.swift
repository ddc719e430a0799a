/// FCOS-style training targets for one image at one stride level.
///
/// A cell (row i, column j, centre ((j + 0.5) s, (i + 0.5) s)) is positive for a box when its
/// centre lies inside the box and within `centreRadius` strides of the box centre, and the
/// box's largest centre-to-side distance falls in this level's range. A cell claimed by several
/// boxes takes the smallest. A box that no cell of its level takes (smaller than a stride) gets
/// the cell holding its centre, so every box trains something.
public struct LevelTargets: Sendable {
  public let stride: Int
  public let height: Int, width: Int
  /// One-hot class targets [C, H, W].
  public var classes: [Float]
  /// Distances l, t, r, b in stride units [4, H, W] (zero at negatives).
  public var distances: [Float]
  /// 1 at positive cells [H, W].
  public var positive: [Float]

  public var positiveCount: Int { positive.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }
}

public enum TargetAssignment {
  /// Targets for every level of `configuration` for boxes in input pixels.
  public static func assign(_ boxes: [TrainingBox], configuration: DetectorConfiguration) -> [LevelTargets] {
    var levels = configuration.strides.map { stride in
      let (h, w) = (configuration.inputHeight / stride, configuration.inputWidth / stride)
      return LevelTargets(
        stride: stride, height: h, width: w,
        classes: [Float](repeating: 0, count: configuration.classCount * h * w),
        distances: [Float](repeating: 0, count: 4 * h * w), positive: [Float](repeating: 0, count: h * w))
    }
    var ownerArea = levels.map { [Float](repeating: .infinity, count: $0.height * $0.width) }
    var owner = levels.map { [Int](repeating: -1, count: $0.height * $0.width) }
    for (index, box) in boxes.enumerated() where box.area > 0 {
      let centreX = (box.x0 + box.x1) / 2, centreY = (box.y0 + box.y1) / 2
      // The level by the box's size: half its longer side is the largest distance from its centre.
      let extent = Swift.max(box.width, box.height) / 2
      let level = configuration.levelLimits.firstIndex { extent <= $0 } ?? levels.count - 1
      let stride = Float(levels[level].stride)
      let radius = configuration.centreRadius * stride
      var claimed = false
      for i in 0..<levels[level].height {
        let y = (Float(i) + 0.5) * stride
        guard y > box.y0, y < box.y1, Swift.abs(y - centreY) <= radius else { continue }
        for j in 0..<levels[level].width {
          let x = (Float(j) + 0.5) * stride
          guard x > box.x0, x < box.x1, Swift.abs(x - centreX) <= radius else { continue }
          claimed = true
          let cell = i * levels[level].width + j
          if box.area < ownerArea[level][cell] {
            ownerArea[level][cell] = box.area
            owner[level][cell] = index
          }
        }
      }
      if !claimed {
        let i = Swift.min(levels[level].height - 1, Swift.max(0, Int(centreY / stride)))
        let j = Swift.min(levels[level].width - 1, Swift.max(0, Int(centreX / stride)))
        let cell = i * levels[level].width + j
        if box.area < ownerArea[level][cell] {
          ownerArea[level][cell] = box.area
          owner[level][cell] = index
        }
      }
    }
    for level in levels.indices {
      let (h, w, stride) = (levels[level].height, levels[level].width, Float(levels[level].stride))
      for cell in 0..<h * w where owner[level][cell] >= 0 {
        let box = boxes[owner[level][cell]]
        let x = (Float(cell % w) + 0.5) * stride, y = (Float(cell / w) + 0.5) * stride
        levels[level].positive[cell] = 1
        levels[level].classes[box.classIndex * h * w + cell] = 1
        // The fallback cell of a tiny box may have its centre just outside: keep distances positive.
        let sides = [x - box.x0, y - box.y0, box.x1 - x, box.y1 - y]
        for side in 0..<4 {
          levels[level].distances[side * h * w + cell] = Swift.max(sides[side], 0.5) / stride
        }
      }
    }
    return levels
  }
}
