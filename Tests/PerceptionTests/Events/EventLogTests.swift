import Testing

@testable import Perception

@Suite struct EventLogTests {
  static func event(_ index: Int) -> NearMissEvent {
    NearMissEvent(
      id: "\(index)-\(index * 1000)", trackID: index, classIndex: 3, className: "pedestrian",
      start: Double(index), peak: Double(index) + 0.5, end: Double(index) + 1, minimumTTC: 1.25,
      level: .critical, closingSpeed: 7.5, peakBox: BoundingBox(minX: 1, minY: 2, maxX: 30, maxY: 40),
      modelHash: "0123abcd", snapshotPath: index.isMultiple(of: 2) ? "/tmp/event.png" : nil)
  }

  @Test func eventsReadBackAsWritten() throws {
    let folder = try ScratchFolder()
    let path = "\(folder.path)/events.jsonl"
    let log = try EventLog(path: path)
    for index in 0..<3 { try log.append(Self.event(index)) }
    let contents = try EventLog.read(path: path)
    #expect(contents.events == (0..<3).map(Self.event))
    #expect(contents.damagedLines.isEmpty)
    // One JSON object per line, with the documented keys.
    let text = String(decoding: try folder.read("events.jsonl"), as: UTF8.self)
    let lines = text.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines[0].contains("\"min_ttc_s\":1.25") && lines[0].contains("\"level\":\"critical\""))
    #expect(lines[0].contains("\"track_id\":0") && lines[0].contains("\"model_hash\":\"0123abcd\""))
  }

  @Test func aTornLastLineDoesNotHideEarlierEvents() throws {
    let folder = try ScratchFolder()
    let path = "\(folder.path)/events.jsonl"
    do {
      let log = try EventLog(path: path)
      for index in 0..<3 { try log.append(Self.event(index)) }
    }
    // A crash in the middle of the fourth append: half a line, no newline.
    try folder.append(Array(#"{"class":"pedestrian","class_index":3,"end":4,"#.utf8), to: "events.jsonl")
    let torn = try EventLog.read(path: path)
    #expect(torn.events == (0..<3).map(Self.event))
    #expect(torn.damagedLines.isEmpty)
    // Reopening cuts the torn tail; appends continue on a clean line.
    let log = try EventLog(path: path)
    try log.append(Self.event(3))
    let repaired = try EventLog.read(path: path)
    #expect(repaired.events == (0..<4).map(Self.event))
    #expect(repaired.damagedLines.isEmpty)
  }

  @Test func aLogOfOnlyATornLineReopensEmpty() throws {
    let folder = try ScratchFolder()
    try folder.append(Array("{\"id\":".utf8), to: "events.jsonl")
    let log = try EventLog(path: "\(folder.path)/events.jsonl")
    try log.append(Self.event(7))
    #expect(try EventLog.read(path: "\(folder.path)/events.jsonl").events == [Self.event(7)])
  }

  @Test func damagedMiddleLinesAreReportedAndSkipped() throws {
    let folder = try ScratchFolder()
    let path = "\(folder.path)/events.jsonl"
    let log = try EventLog(path: path)
    try log.append(Self.event(0))
    try folder.append(Array("not json\n".utf8), to: "events.jsonl")
    try log.append(Self.event(1))
    let contents = try EventLog.read(path: path)
    #expect(contents.events == [Self.event(0), Self.event(1)])
    #expect(contents.damagedLines == [2])
  }

  @Test func infiniteTTCIsWrittenAndReadBack() throws {
    let folder = try ScratchFolder()
    let log = try EventLog(path: "\(folder.path)/events.jsonl")
    var event = Self.event(1)
    event.minimumTTC = .infinity
    try log.append(event)
    #expect(try EventLog.read(path: log.path).events == [event])
  }

  @Test func missingLogIsAnError() {
    #expect(throws: PerceptionError.self) { try EventLog.read(path: "/nonexistent/events.jsonl") }
    #expect(throws: PerceptionError.self) { try EventLog(path: "/nonexistent/events.jsonl") }
  }
}
