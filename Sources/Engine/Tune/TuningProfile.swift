/// The result of `hiyari model tune` on one machine, saved with the device profile: which nodes
/// of which model run in int8 or fp32 here, the measurements behind the choice, and the
/// latency and accuracy of all-fp32, all-int8 and the kept configuration. Codable (JSON with
/// the field names below); `description` is the table the CLI prints.
public struct TuningProfile: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The float model: the SHA-256 identifier of its bundle form (`ModelBundle.identifier(of:)`).
  public var model: String
  public var machine: MachineDescription
  /// When the measurements were made, ISO 8601 UTC.
  public var date: String
  /// Threads each model ran with.
  public var threads: Int
  /// Timed runs behind each median.
  public var runs: Int
  /// Samples the accuracy was measured on (the calibration set).
  public var calibrationSamples: Int
  /// The budget: the least SNR against float, in dB, that any output may have.
  public var minimumSNRDecibels: Double
  /// One row per tunable node, in graph order.
  public var nodes: [TunedNode]
  public var fp32: PrecisionMeasurement
  public var int8: PrecisionMeasurement
  /// The per-node mix `PrecisionSearch` chose.
  public var mix: PrecisionMeasurement
  /// What the tuned bundle holds.
  public var selection: TuningSelection

  public init(
    model: String, machine: MachineDescription, date: String, threads: Int, runs: Int,
    calibrationSamples: Int, minimumSNRDecibels: Double, nodes: [TunedNode], fp32: PrecisionMeasurement,
    int8: PrecisionMeasurement, mix: PrecisionMeasurement, selection: TuningSelection
  ) {
    self.model = model
    self.machine = machine
    self.date = date
    self.threads = threads
    self.runs = runs
    self.calibrationSamples = calibrationSamples
    self.minimumSNRDecibels = minimumSNRDecibels
    self.nodes = nodes
    self.fp32 = fp32
    self.int8 = int8
    self.mix = mix
    self.selection = selection
  }

  /// The nodes the tuned bundle runs in fp32.
  public var floatNodes: [String] { nodes.filter { $0.precision == .fp32 }.map(\.node) }

  /// The measurement of what the tuned bundle holds.
  public var selected: PrecisionMeasurement {
    switch selection {
    case .tuned: mix
    case .allInt8: int8
    case .allFP32: fp32
    }
  }

  public var description: String {
    func ms(_ value: Double) -> String { QuantizationReport.fixed(value, 3) }
    let header = [
      "node", "fp32 ms", "int8 ms", "fp32 conv. ms", "int8 conv. ms", "int8-alone SNR", "choice", "why",
    ]
    let rows = nodes.map {
      [
        $0.node, ms($0.fp32Milliseconds), ms($0.int8Milliseconds), ms($0.fp32ConversionMilliseconds),
        ms($0.int8ConversionMilliseconds),
        $0.int8AloneSNRDecibels.map { QuantizationReport.fixed($0, 2) } ?? "-",
        $0.precision.rawValue, $0.reason.rawValue,
      ]
    }
    let totals = [("all fp32", fp32), ("all int8", int8), ("tuned mix", mix)].map { name, measurement in
      [
        name, ms(measurement.latencyMilliseconds), QuantizationReport.fixed(measurement.snrDecibels, 2),
        "\(measurement.floatNodes)/\(nodes.count)",
      ]
    }
    return
      ([
        "\(machine.cpuModel) (\(machine.architecture), \(machine.cores) cores, \(machine.features.joined(separator: " "))), \(threads) thread(s), median of \(runs) runs, \(date)",
        "model \(model)",
      ] + Self.table(header, rows) + [""]
      + Self.table(["model", "latency ms", "worst SNR dB", "fp32 nodes"], totals) + [
        "",
        "kept: \(selection.rawValue) (\(ms(selected.latencyMilliseconds)) ms, \(QuantizationReport.fixed(selected.snrDecibels, 2)) dB; budget \(QuantizationReport.fixed(minimumSNRDecibels, 2)) dB on \(calibrationSamples) samples)",
      ]).joined(separator: "\n")
  }

  /// Rows padded to columns: the first left-aligned, the others right-aligned.
  static func table(_ header: [String], _ rows: [[String]]) -> [String] {
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    return ([header] + rows).map { cells in
      cells.enumerated().map { column, cell in
        let pad = String(repeating: " ", count: widths[column] - cell.count)
        return column == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
  }
}
