/// The accuracy a quantized graph lost against its float original on a sample set (normally
/// the calibration set), per graph output. Codable for machine reading; `description` is the
/// table the CLI prints.
public struct QuantizationReport: Sendable, Hashable, Codable, CustomStringConvertible {
  public var sampleCount: Int
  public var outputs: [OutputAccuracy]

  public init(sampleCount: Int, outputs: [OutputAccuracy]) {
    self.sampleCount = sampleCount
    self.outputs = outputs
  }

  /// The lowest SNR over the outputs (the figure to gate on).
  public var worstSNRDecibels: Double { outputs.map(\.snrDecibels).min() ?? OutputAccuracy.maximumSNR }

  public var description: String {
    let header = ["output", "max abs error", "relative L2", "SNR dB"]
    let rows = outputs.map {
      [
        $0.output, Self.fixed($0.maxAbsoluteError, 6), Self.fixed($0.relativeL2Error, 6),
        Self.fixed($0.snrDecibels, 2),
      ]
    }
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { column, cell in
        let pad = String(repeating: " ", count: widths[column] - cell.count)
        return column == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
    return (["quantized vs float on \(sampleCount) samples:", line(header)] + rows.map(line))
      .joined(separator: "\n")
  }

  static func fixed(_ value: Double, _ decimals: Int) -> String { DecimalText.fixed(value, places: decimals) }
}
