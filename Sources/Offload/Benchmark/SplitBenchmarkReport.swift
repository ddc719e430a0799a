import Engine
import FoundationEssentials

/// The cells of one `hiyari bench-split` run, as BENCHMARKS.md tables, JSON and an SVG plot.
public struct SplitBenchmarkReport: Sendable, Hashable, Codable {
  /// The model's bundle identifier.
  public var model: String
  /// Frames measured per cut.
  public var frames: Int
  public var cells: [SplitBenchmarkCell]

  public init(model: String, frames: Int, cells: [SplitBenchmarkCell]) {
    self.model = model
    self.frames = frames
    self.cells = cells
  }

  /// One row per cell: the choice against the oracle and the single-side baselines, by measured
  /// medians (p90 next to the choice's).
  public func summaryMarkdown() -> String {
    var lines = [
      "| device | link | time dilation | cuts | choice | choice ms (median / p90) | oracle | oracle ms | choice / oracle | device-only ms | cloud-only ms | speed-up |",
      "| --- | --- | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for cell in cells {
      let chosen = cell.cuts[cell.choice]
      let oracle = cell.cuts[cell.oracle]
      lines.append(
        "| \(cell.device) | \(cell.link) | \(cell.timeScale == 1 ? "-" : Self.fixed(cell.timeScale, 2) + "x") | \(cell.cuts.count) | \(Self.escape(chosen.label)) | \(Self.fixed(chosen.measured.medianMilliseconds)) / \(Self.fixed(chosen.measured.p90Milliseconds)) | \(Self.escape(oracle.label)) | \(Self.fixed(oracle.measured.medianMilliseconds)) | \(Self.fixed(cell.choiceOverOracle, 3)) | \(Self.fixed(cell.cuts[cell.deviceOnly].measured.medianMilliseconds)) | \(Self.fixed(cell.cuts[cell.cloudOnly].measured.medianMilliseconds)) | \(Self.fixed(cell.speedUp, 2))x |"
      )
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// One table per cell with every candidate cut: predicted and measured latency.
  public func detailMarkdown() -> String {
    var text = ""
    for cell in cells {
      text +=
        "#### \(cell.device) on \(cell.link)\(cell.timeScale == 1 ? "" : " (measured in time dilated \(Self.fixed(cell.timeScale, 2))x, shown undilated)")\n\n"
      text += "| cut | head nodes | up bytes | predicted ms | median ms | p90 ms | |\n"
      text += "| --- | ---: | ---: | ---: | ---: | ---: | --- |\n"
      for (index, cut) in cell.cuts.enumerated() {
        var notes: [String] = []
        if index == cell.choice { notes.append("choice") }
        if index == cell.oracle { notes.append("oracle") }
        text +=
          "| \(Self.escape(cut.label)) | \(cut.headNodes.count) | \(cut.uplinkBytes) | \(Self.fixed(cut.predictedMilliseconds)) | \(Self.fixed(cut.measured.medianMilliseconds)) | \(Self.fixed(cut.measured.p90Milliseconds)) | \(notes.joined(separator: ", ")) |\n"
      }
      text += "\n"
    }
    return text
  }

  /// The report as JSON (sorted keys, indented).
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
  }

  /// The plot: one panel per device, one series per link, median latency per cut.
  public func svg() -> String { SplitBenchmarkPlot(report: self).svg() }

  /// Writes `<stem>.md` (the summary table, then every cell's detail), `<stem>.json` and
  /// `<stem>.svg` into `folder`, each durably (temporary file, fsync, rename); returns the paths.
  @discardableResult
  public func write(to folder: String, stem: String = "bench-split") throws -> [String] {
    let files = [
      ("md", summaryMarkdown() + "\n" + detailMarkdown()), ("json", try json()), ("svg", svg()),
    ]
    var paths: [String] = []
    for (suffix, text) in files {
      let path = folder + "/" + stem + "." + suffix
      try DurableFile.write(Array(text.utf8), to: path)
      paths.append(path)
    }
    return paths
  }

  /// A table cell's text: pipes would end the cell.
  static func escape(_ text: String) -> String {
    text.reduce(into: "") { out, character in
      if character == "|" { out += "\\" }
      out.append(character)
    }
  }

  static func fixed(_ value: Double, _ places: Int = 1) -> String { DecimalText.fixed(value, places: places) }
}
