/// How a frame maps into a model input: the part of the frame that is sampled (`source*`, in
/// frame pixels) and the rectangle it fills in the input (`content*`, in model pixels). Outside
/// the content rectangle are letterbox bars.
///
/// Use it to take detections back to the frame: `frameX = (modelX - offsetX) / scaleX`.
public struct PreprocessGeometry: Sendable, Hashable {
  public var frameWidth: Int
  public var frameHeight: Int
  public var sourceX: Int
  public var sourceY: Int
  public var sourceWidth: Int
  public var sourceHeight: Int
  public var contentX: Int
  public var contentY: Int
  public var contentWidth: Int
  public var contentHeight: Int

  public init(
    frameWidth: Int, frameHeight: Int, sourceX: Int, sourceY: Int, sourceWidth: Int,
    sourceHeight: Int, contentX: Int, contentY: Int, contentWidth: Int, contentHeight: Int
  ) {
    self.frameWidth = frameWidth
    self.frameHeight = frameHeight
    self.sourceX = sourceX
    self.sourceY = sourceY
    self.sourceWidth = sourceWidth
    self.sourceHeight = sourceHeight
    self.contentX = contentX
    self.contentY = contentY
    self.contentWidth = contentWidth
    self.contentHeight = contentHeight
  }

  /// Model pixels per frame pixel, horizontally.
  public var scaleX: Double { Double(contentWidth) / Double(sourceWidth) }
  /// Model pixels per frame pixel, vertically.
  public var scaleY: Double { Double(contentHeight) / Double(sourceHeight) }
  /// Model x of frame x = 0 (the left bar's width for a letterbox; negative for a crop).
  public var offsetX: Double { Double(contentX) - Double(sourceX) * scaleX }
  /// Model y of frame y = 0.
  public var offsetY: Double { Double(contentY) - Double(sourceY) * scaleY }

  /// A point in frame coordinates (pixel edges: 0...frameWidth) in model coordinates.
  public func modelPoint(fromFrameX x: Double, y: Double) -> (x: Double, y: Double) {
    (x * scaleX + offsetX, y * scaleY + offsetY)
  }

  /// A point in model coordinates (pixel edges: 0...width) in frame coordinates.
  public func framePoint(fromModelX x: Double, y: Double) -> (x: Double, y: Double) {
    ((x - offsetX) / scaleX, (y - offsetY) / scaleY)
  }
}
