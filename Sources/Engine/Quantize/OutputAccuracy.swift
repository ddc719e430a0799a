/// How far one output of a quantized graph is from the float graph's, over a sample set.
public struct OutputAccuracy: Sendable, Hashable, Codable {
  public var output: String
  /// Values compared (elements times samples).
  public var elementCount: Int
  /// The largest |quantized - float|.
  public var maxAbsoluteError: Double
  /// ‖quantized - float‖₂ / ‖float‖₂ over all samples.
  public var relativeL2Error: Double
  /// 10·log10(Σ float² / Σ (quantized - float)²); capped at `maximumSNR` when the two agree
  /// exactly (JSON has no infinity).
  public var snrDecibels: Double

  /// The SNR reported for outputs that match exactly.
  public static let maximumSNR = 200.0

  public init(
    output: String, elementCount: Int, maxAbsoluteError: Double, relativeL2Error: Double, snrDecibels: Double
  ) {
    self.output = output
    self.elementCount = elementCount
    self.maxAbsoluteError = maxAbsoluteError
    self.relativeL2Error = relativeL2Error
    self.snrDecibels = snrDecibels
  }
}
