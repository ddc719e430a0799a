import FoundationEssentials
import Testing

@testable import Offload

@Suite struct SplitBenchmarkReportTests {
  static func report() throws -> SplitBenchmarkReport {
    var measurer = CostModelMeasurer(linkFactor: 0.5)
    return try SplitBenchmarkTests.benchmark().run(&measurer)
  }

  @Test func summaryHasOneRowPerCellWithTheCellsFigures() throws {
    let report = try Self.report()
    let lines = report.summaryMarkdown().split(separator: "\n")
    #expect(lines.count == 2 + report.cells.count)
    #expect(lines[0].hasPrefix("| device | link | time dilation | cuts | choice |"))
    for (cell, line) in zip(report.cells, lines.dropFirst(2)) {
      let columns = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      #expect(columns.count == 12)
      #expect(columns[0] == cell.device && columns[1] == cell.link && columns[3] == "\(cell.cuts.count)")
      #expect(columns[2] == (cell.timeScale == 1 ? "-" : SplitBenchmarkReport.fixed(cell.timeScale, 2) + "x"))
      #expect(columns[4] == cell.cuts[cell.choice].label)
      #expect(columns[6] == cell.cuts[cell.oracle].label)
      #expect(columns[8] == SplitBenchmarkReport.fixed(cell.choiceOverOracle, 3))
      #expect(columns[11] == SplitBenchmarkReport.fixed(cell.speedUp, 2) + "x")
    }
    #expect(report.cells.contains { $0.timeScale != 1 }, "the sample has a dilated device")
  }

  @Test func detailListsEveryCutOfEveryCellAndMarksChoiceAndOracle() throws {
    let report = try Self.report()
    let text = report.detailMarkdown()
    let rows = text.split(separator: "\n").filter {
      $0.hasPrefix("| ") && !$0.hasPrefix("| cut ") && !$0.hasPrefix("| ---")
    }
    #expect(rows.count == report.cells.reduce(0) { $0 + $1.cuts.count })
    #expect(text.components(separatedBy: "#### ").count - 1 == report.cells.count)
    #expect(rows.filter { $0.contains("choice") }.count == report.cells.count)
    #expect(rows.filter { $0.contains("oracle") }.count == report.cells.count)
  }

  @Test func jsonRoundTrips() throws {
    let report = try Self.report()
    let decoded = try JSONDecoder().decode(SplitBenchmarkReport.self, from: Data(try report.json().utf8))
    #expect(decoded == report)
    #expect(try report.json().contains("\"choiceOverOracle\""))
  }

  @Test func writesTheThreeFilesIntoAFolder() throws {
    let report = try Self.report()
    let folder = "/tmp/hiyari-bench-split-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let paths = try report.write(to: folder)
    #expect(paths == ["md", "json", "svg"].map { folder + "/bench-split." + $0 })
    let json = try Data(contentsOf: URL(fileURLWithPath: paths[1]))
    #expect(try JSONDecoder().decode(SplitBenchmarkReport.self, from: json) == report)
    let markdown = String(decoding: try Data(contentsOf: URL(fileURLWithPath: paths[0])), as: UTF8.self)
    #expect(markdown == report.summaryMarkdown() + "\n" + report.detailMarkdown())
    #expect(try Data(contentsOf: URL(fileURLWithPath: paths[2])) == Data(report.svg().utf8))
  }

  @Test func fixedFormatsAndTableTextIsEscaped() {
    #expect(SplitBenchmarkReport.fixed(1.25, 1) == "1.3" || SplitBenchmarkReport.fixed(1.25, 1) == "1.2")
    #expect(SplitBenchmarkReport.fixed(-0.04, 1) == "0.0")
    #expect(
      SplitBenchmarkReport.fixed(12.345, 2) == "12.35" || SplitBenchmarkReport.fixed(12.345, 2) == "12.34")
    #expect(SplitBenchmarkReport.fixed(3, 0) == "3")
    #expect(SplitBenchmarkReport.escape("a|b") == "a\\|b")
  }
}
