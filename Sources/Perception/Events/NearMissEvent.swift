/// One near miss: a track whose risk reached the event level, from when it was raised to when
/// it fell back, with its peak (the lowest TTC).
public struct NearMissEvent: Sendable, Hashable, Codable {
  /// Unique within a run: track id and start time in milliseconds.
  public var id: String
  public var trackID: Int
  public var classIndex: Int
  public var className: String
  /// Times in seconds on the source's clock (frame timestamps).
  public var start: Double
  public var peak: Double
  public var end: Double
  /// The lowest fused TTC seen during the event, seconds.
  public var minimumTTC: Double
  /// The highest level reached.
  public var level: RiskLevel
  /// The closing speed at the peak, m/s, when the ground estimate had one.
  public var closingSpeed: Double?
  /// The object's box at the peak, frame pixels.
  public var peakBox: BoundingBox
  /// The model bundle's identifier (SHA-256) that produced the detections.
  public var modelHash: String
  /// The PNG of the peak frame with the box drawn, when one was written.
  public var snapshotPath: String?

  public init(
    id: String, trackID: Int, classIndex: Int, className: String, start: Double, peak: Double, end: Double,
    minimumTTC: Double, level: RiskLevel, closingSpeed: Double?, peakBox: BoundingBox, modelHash: String,
    snapshotPath: String? = nil
  ) {
    self.id = id
    self.trackID = trackID
    self.classIndex = classIndex
    self.className = className
    self.start = start
    self.peak = peak
    self.end = end
    self.minimumTTC = minimumTTC
    self.level = level
    self.closingSpeed = closingSpeed
    self.peakBox = peakBox
    self.modelHash = modelHash
    self.snapshotPath = snapshotPath
  }

  enum CodingKeys: String, CodingKey {
    case id, start, peak, end, level
    case trackID = "track_id"
    case classIndex = "class_index"
    case className = "class"
    case minimumTTC = "min_ttc_s"
    case closingSpeed = "closing_speed_mps"
    case peakBox = "peak_box"
    case modelHash = "model_hash"
    case snapshotPath = "snapshot"
  }
}
