#if canImport(Glibc)
  import Glibc
#endif

/// The SVG plot of a `SplitBenchmarkReport`: plain SVG text, no dependencies. One panel per
/// device; in each, one series per link (a line through one point per cut, the measured median
/// on a log scale, since cloud-only on 3G and device-only on a fast link differ by decades), the
/// planner's choice ringed and the oracle marked with a square; cuts along the x axis by head
/// size, labelled by what crosses. Element classes (`series`, `point`, `choice`, `oracle`) and
/// `data-link` attributes keep the structure checkable.
public struct SplitBenchmarkPlot: Sendable {
  public var report: SplitBenchmarkReport

  public init(report: SplitBenchmarkReport) { self.report = report }

  static let palette = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
  ]
  static let width = 900.0
  static let panelHeight = 420.0
  static let left = 80.0
  static let right = 200.0
  static let top = 50.0
  /// Room under the plot for the rotated cut labels.
  static let bottom = 150.0

  public func svg() -> String {
    let devices = report.cells.map(\.device).uniqued()
    let height = Self.panelHeight * Double(max(1, devices.count))
    var out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(Self.width))\" height=\"\(Self.n(height))\" viewBox=\"0 0 \(Self.n(Self.width)) \(Self.n(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
    out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    for (panel, device) in devices.enumerated() {
      out += self.panel(
        device, cells: report.cells.filter { $0.device == device }, top: Double(panel) * Self.panelHeight)
    }
    return out + "</svg>\n"
  }

  private func panel(_ device: String, cells: [SplitBenchmarkCell], top offset: Double) -> String {
    // The x axis: every cut any link's cell has, by head size then first appearance.
    var cuts: [CutMeasurement] = []
    var seen = Set<String>()
    for cell in cells {
      for cut in cell.cuts where seen.insert(cut.id).inserted { cuts.append(cut) }
    }
    let order = cuts.indices.sorted { (cuts[$0].headNodes.count, $0) < (cuts[$1].headNodes.count, $1) }
    cuts = order.map { cuts[$0] }
    let column = Dictionary(uniqueKeysWithValues: cuts.enumerated().map { ($1.id, $0) })

    let values = cells.flatMap { $0.cuts.map(\.measured.medianMilliseconds) }.filter { $0 > 0 }
    let low = floor(log10(values.min() ?? 1))
    let high = max(low + 1, ceil(log10(values.max() ?? 10)))
    let plotTop = offset + Self.top
    let plotBottom = offset + Self.panelHeight - Self.bottom
    let plotLeft = Self.left
    let plotRight = Self.width - Self.right
    func x(_ index: Int) -> Double {
      cuts.count < 2
        ? (plotLeft + plotRight) / 2
        : plotLeft + 20 + Double(index) * (plotRight - plotLeft - 40) / Double(cuts.count - 1)
    }
    func y(_ milliseconds: Double) -> Double {
      let value = log10(max(milliseconds, pow(10, low)))
      return plotBottom - (value - low) / (high - low) * (plotBottom - plotTop)
    }

    var out = "<g class=\"panel\" data-device=\"\(Self.escape(device))\">\n"
    out +=
      "<text x=\"\(Self.n(Self.width / 2))\" y=\"\(Self.n(offset + 25))\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(Self.escape("\(device): measured median latency per cut (model \(report.model.prefix(12)), \(report.frames) frames per cut)"))</text>\n"
    // Axes, decade grid lines and labels.
    out +=
      "<line class=\"axis\" x1=\"\(Self.n(plotLeft))\" y1=\"\(Self.n(plotBottom))\" x2=\"\(Self.n(plotRight))\" y2=\"\(Self.n(plotBottom))\" stroke=\"black\"/>\n"
    out +=
      "<line class=\"axis\" x1=\"\(Self.n(plotLeft))\" y1=\"\(Self.n(plotTop))\" x2=\"\(Self.n(plotLeft))\" y2=\"\(Self.n(plotBottom))\" stroke=\"black\"/>\n"
    var decade = low
    while decade <= high {
      let position = y(pow(10, decade))
      out +=
        "<line x1=\"\(Self.n(plotLeft))\" y1=\"\(Self.n(position))\" x2=\"\(Self.n(plotRight))\" y2=\"\(Self.n(position))\" stroke=\"#dddddd\"/>\n"
      out +=
        "<text x=\"\(Self.n(plotLeft - 6))\" y=\"\(Self.n(position + 4))\" text-anchor=\"end\">\(Self.escape(Self.milliseconds(pow(10, decade))))</text>\n"
      decade += 1
    }
    out +=
      "<text x=\"\(Self.n(20))\" y=\"\(Self.n((plotTop + plotBottom) / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 20 \(Self.n((plotTop + plotBottom) / 2)))\">median end-to-end latency, ms (log scale)</text>\n"
    for (index, cut) in cuts.enumerated() {
      let px = x(index)
      out +=
        "<line x1=\"\(Self.n(px))\" y1=\"\(Self.n(plotBottom))\" x2=\"\(Self.n(px))\" y2=\"\(Self.n(plotBottom + 5))\" stroke=\"black\"/>\n"
      out +=
        "<text class=\"cut-label\" x=\"\(Self.n(px))\" y=\"\(Self.n(plotBottom + 14))\" text-anchor=\"end\" transform=\"rotate(-40 \(Self.n(px)) \(Self.n(plotBottom + 14)))\">\(Self.escape("\(Self.shorten(cut.label)) [\(cut.headNodes.count)]"))</text>\n"
    }
    out +=
      "<text x=\"\(Self.n((plotLeft + plotRight) / 2))\" y=\"\(Self.n(offset + Self.panelHeight - 8))\" text-anchor=\"middle\">cut: tensors sent up [nodes on the device]</text>\n"

    // Series and legend.
    for (seriesIndex, cell) in cells.enumerated() {
      let color = Self.palette[seriesIndex % Self.palette.count]
      let points = cell.cuts.map { cut in (x(column[cut.id]!), y(cut.measured.medianMilliseconds), cut) }
        .sorted { $0.0 < $1.0 }
      out += "<g class=\"series\" data-link=\"\(Self.escape(cell.link))\">\n"
      out +=
        "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " "))\"/>\n"
      for (px, py, cut) in points {
        out +=
          "<circle class=\"point\" cx=\"\(Self.n(px))\" cy=\"\(Self.n(py))\" r=\"3.5\" fill=\"\(color)\"><title>\(Self.escape("\(cell.link), \(cut.label): median \(SplitBenchmarkReport.fixed(cut.measured.medianMilliseconds)) ms, p90 \(SplitBenchmarkReport.fixed(cut.measured.p90Milliseconds)) ms, predicted \(SplitBenchmarkReport.fixed(cut.predictedMilliseconds)) ms"))</title></circle>\n"
      }
      let chosen = cell.cuts[cell.choice]
      let oracle = cell.cuts[cell.oracle]
      out +=
        "<circle class=\"choice\" cx=\"\(Self.n(x(column[chosen.id]!)))\" cy=\"\(Self.n(y(chosen.measured.medianMilliseconds)))\" r=\"8\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
      out +=
        "<rect class=\"oracle\" x=\"\(Self.n(x(column[oracle.id]!) - 6))\" y=\"\(Self.n(y(oracle.measured.medianMilliseconds) - 6))\" width=\"12\" height=\"12\" fill=\"none\" stroke=\"black\"/>\n"
      out += "</g>\n"
      let legendY = plotTop + Double(seriesIndex) * 20
      out +=
        "<line x1=\"\(Self.n(plotRight + 15))\" y1=\"\(Self.n(legendY))\" x2=\"\(Self.n(plotRight + 40))\" y2=\"\(Self.n(legendY))\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
      out +=
        "<text class=\"legend\" x=\"\(Self.n(plotRight + 46))\" y=\"\(Self.n(legendY + 4))\">\(Self.escape(cell.link))</text>\n"
    }
    let notesY = plotTop + Double(cells.count) * 20 + 10
    out +=
      "<circle cx=\"\(Self.n(plotRight + 27))\" cy=\"\(Self.n(notesY))\" r=\"7\" fill=\"none\" stroke=\"black\" stroke-width=\"2\"/><text x=\"\(Self.n(plotRight + 46))\" y=\"\(Self.n(notesY + 4))\">planner's choice</text>\n"
    out +=
      "<rect x=\"\(Self.n(plotRight + 21))\" y=\"\(Self.n(notesY + 14))\" width=\"12\" height=\"12\" fill=\"none\" stroke=\"black\"/><text x=\"\(Self.n(plotRight + 46))\" y=\"\(Self.n(notesY + 24))\">oracle (best measured)</text>\n"
    return out + "</g>\n"
  }

  /// A tick label: 1, 10, 100 ms, or 1000 as "1 s".
  static func milliseconds(_ value: Double) -> String {
    value >= 1000
      ? "\(SplitBenchmarkReport.fixed(value / 1000, 0)) s"
      : value >= 1 ? SplitBenchmarkReport.fixed(value, 0) : SplitBenchmarkReport.fixed(value, 3)
  }

  /// Long labels (many crossing tensors) cut to 28 characters.
  static func shorten(_ label: String) -> String {
    label.count <= 28 ? label : String(label.prefix(27)) + "…"
  }

  /// A coordinate with one decimal.
  static func n(_ value: Double) -> String { SplitBenchmarkReport.fixed(value, 1) }

  /// Text and attribute values for XML.
  static func escape(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default: out.append(character)
      }
    }
    return out
  }
}

extension Array where Element: Hashable {
  /// The elements in order, each once.
  fileprivate func uniqued() -> [Element] {
    var seen = Set<Element>()
    return filter { seen.insert($0).inserted }
  }
}
