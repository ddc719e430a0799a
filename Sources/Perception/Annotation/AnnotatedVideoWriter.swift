import Capture

/// Writes the video a person looks at after a run: every source frame, with each track seen in
/// it outlined in its risk level's colour and labelled with its id, class and TTC, encoded to
/// H.264 in an MP4 (written durably, named only when finished).
public final class AnnotatedVideoWriter {
  public let path: String
  public let classNames: [String]
  private let writer: H264MP4Writer
  private let copy = FrameCopy()
  /// Frames written so far.
  public var frameCount: Int { writer.frameCount }

  /// Opens `path` for frames of `width`×`height` (odd sizes are encoded one pixel smaller) at a
  /// nominal `framesPerSecond` (frames keep their own timestamps).
  public init(path: String, width: Int, height: Int, framesPerSecond: Int, classNames: [String])
    throws(CaptureError)
  {
    var settings = H264EncoderSettings(
      width: max(2, width & ~1), height: max(2, height & ~1),
      framesPerSecond: min(max(framesPerSecond, 1), 1000))
    settings.preset = "ultrafast"
    settings.keyframeInterval = settings.framesPerSecond
    writer = try H264MP4Writer(path: path, settings: settings)
    self.path = path
    self.classNames = classNames
  }

  /// Draws `assessments` (the scorer's view of the frame's tracks) on a copy of `frame` and
  /// appends it. Tracks not seen in this frame are not drawn.
  public func append(_ frame: Frame, assessments: [TrackAssessment]) throws(CaptureError) {
    copy.copy(from: frame)
    let canvas = FrameCanvas(frame: copy.frame)
    // Sizes grow with the picture so labels stay readable from 320x180 to 4K.
    let scale = max(1, frame.height / 360)
    let thickness = max(2, frame.height / 240)
    for assessment in assessments where assessment.estimate != nil {
      draw(assessment, on: canvas, scale: scale, thickness: thickness)
    }
    try writer.append(copy.frame)
  }

  /// Drains the encoder and gives the file its name.
  public func finish() throws(CaptureError) { try writer.finish() }

  /// Stops writing and removes the partial file.
  public func abandon() { writer.writer.abandon() }

  private func draw(_ assessment: TrackAssessment, on canvas: FrameCanvas, scale: Int, thickness: Int) {
    let color = RGBColor.risk(assessment.level)
    canvas.stroke(assessment.box, thickness: thickness, color: color)
    let name =
      classNames.indices.contains(assessment.classIndex)
      ? classNames[assessment.classIndex] : "class\(assessment.classIndex)"
    var lines = ["#\(assessment.trackID) \(name)"]
    if let ttc = assessment.estimate?.fused, ttc.isFinite, ttc < 100 {
      lines.append("TTC \(Self.tenths(ttc))S")
    }
    // A filled label above the box (below its top edge when there is no room above).
    let padding = scale
    let labelWidth = (lines.map { BitmapFont.width(of: $0) }.max() ?? 0) * scale + 2 * padding
    let labelHeight = lines.count * BitmapFont.lineHeight * scale + padding
    let left = Int(assessment.box.minX.rounded(.down))
    var top = Int(assessment.box.minY.rounded(.down)) - labelHeight
    if top < 0 { top = Int(assessment.box.minY.rounded(.down)) + thickness }
    canvas.fill(x0: left, y0: top, x1: left + labelWidth, y1: top + labelHeight, color: color)
    for (index, line) in lines.enumerated() {
      canvas.text(
        line, x: left + padding, y: top + padding + index * BitmapFont.lineHeight * scale, scale: scale,
        color: .black)
    }
  }

  /// `value` with one decimal ("2.3"), without Foundation's formatters.
  static func tenths(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(abs(tenths % 10))"
  }
}
