/// Thresholds and bounds of detector decoding.
public struct DecoderOptions: Sendable, Hashable, Codable {
  /// Candidates below this score are dropped before NMS. Kept low so the tracker's second
  /// association stage (ByteTrack) sees low-score boxes.
  public var scoreThreshold: Double = 0.1
  /// At most this many best-scoring candidates go into NMS, which bounds its quadratic work.
  public var maximumCandidates: Int = 1000
  /// A box is suppressed by a better one of the same class overlapping it more than this.
  public var nmsIoUThreshold: Double = 0.5
  /// At most this many detections come out.
  public var maximumDetections: Int = 100

  public init(
    scoreThreshold: Double = 0.1, maximumCandidates: Int = 1000, nmsIoUThreshold: Double = 0.5,
    maximumDetections: Int = 100
  ) {
    self.scoreThreshold = scoreThreshold
    self.maximumCandidates = maximumCandidates
    self.nmsIoUThreshold = nmsIoUThreshold
    self.maximumDetections = maximumDetections
  }
}
