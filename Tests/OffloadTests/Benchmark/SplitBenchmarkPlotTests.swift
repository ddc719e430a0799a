import Foundation
import FoundationXML
import Testing

@testable import Offload

/// Collects the structure of an SVG: per panel (device), its series (link) and each series'
/// points, choice rings and oracle squares.
final class SVGStructure: NSObject, XMLParserDelegate {
  var root: String?
  var panels: [(device: String, series: [(link: String, points: Int, choices: Int, oracles: Int)])] = []
  var legends = 0
  private var inLegend = false
  var legendTexts: [String] = []

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    if root == nil { root = name }
    let kind = attributes["class"]
    if name == "g", kind == "panel" { panels.append((attributes["data-device"] ?? "", [])) }
    if name == "g", kind == "series" {
      panels[panels.count - 1].series.append((attributes["data-link"] ?? "", 0, 0, 0))
    }
    let last = panels.count - 1
    if kind == "point" { panels[last].series[panels[last].series.count - 1].points += 1 }
    if kind == "choice" { panels[last].series[panels[last].series.count - 1].choices += 1 }
    if kind == "oracle" { panels[last].series[panels[last].series.count - 1].oracles += 1 }
    if kind == "legend" {
      legends += 1
      inLegend = true
      legendTexts.append("")
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if inLegend { legendTexts[legendTexts.count - 1] += string }
  }

  func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?)
  {
    inLegend = false
  }
}

@Suite struct SplitBenchmarkPlotTests {
  @Test func svgIsWellFormedWithOneSeriesPerLinkAndOnePointPerCut() throws {
    let report = try SplitBenchmarkReportTests.report()
    let svg = report.svg()
    let parser = XMLParser(data: Data(svg.utf8))
    let structure = SVGStructure()
    parser.delegate = structure
    #expect(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
    #expect(structure.root == "svg")
    let devices = ["fast", "slow"]
    #expect(structure.panels.map(\.device) == devices)
    for panel in structure.panels {
      let cells = report.cells.filter { $0.device == panel.device }
      #expect(panel.series.map(\.link) == SplitBenchmarkTests.links.map(\.name))
      for (series, cell) in zip(panel.series, cells) {
        #expect(series.points == cell.cuts.count)
        #expect(series.choices == 1 && series.oracles == 1)
      }
    }
    #expect(structure.legendTexts == devices.flatMap { _ in SplitBenchmarkTests.links.map(\.name) })
    #expect(svg.contains("median end-to-end latency, ms (log scale)"))
  }

  @Test func textIsEscaped() throws {
    var report = try SplitBenchmarkReportTests.report()
    report.cells[0].link = "a<b & \"c\""
    let parser = XMLParser(data: Data(report.svg().utf8))
    let structure = SVGStructure()
    parser.delegate = structure
    #expect(parser.parse())
    #expect(structure.panels[0].series[0].link == "a<b & \"c\"")
  }
}
