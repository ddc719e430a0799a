import Foundation
import Testing

@testable import Capture

/// Stream copy: packets of an H.264 file made by Debian's ffmpeg, read without decoding and
/// written into a new MP4 by `MP4Writer`, come out byte for byte the same.
@Suite("Reading and copying compressed packets")
struct MediaPacketSourceTests {
  /// 48 frames at 25 fps, a GOP of 12 with B-frames (so decode and presentation order differ).
  static func makeSource(in directory: TemporaryDirectory, name: String = "source.mp4") throws -> String {
    let path = directory.file(name)
    try MediaTools.encode(
      pattern: "testsrc2=size=176x144:rate=25", frames: 48, to: path,
      [
        "-c:v", "libx264", "-preset", "veryfast", "-g", "12", "-keyint_min", "12", "-sc_threshold", "0",
        "-bf", "2",
        "-pix_fmt", "yuv420p",
      ])
    return path
  }

  static func readAll(_ path: String) throws -> [EncodedPacket] {
    let source = try MediaPacketSource(path)
    var packets: [EncodedPacket] = []
    while let packet = try source.nextPacket() {
      packets.append(packet)
      if packets.count > 10_000 { break }
    }
    return packets
  }

  /// Every packet, with keyframes where ffprobe says, presentation times on the 40 ms grid.
  @Test func readsPacketsWithTimesAndKeyframes() throws {
    let directory = try TemporaryDirectory()
    let path = try Self.makeSource(in: directory)
    let source = try MediaPacketSource(path)
    #expect(source.parameters.isH264)
    #expect(source.parameters.width == 176 && source.parameters.height == 144)
    #expect(!source.parameters.extradata.isEmpty)
    let packets = try Self.readAll(path)
    #expect(packets.count == 48)
    #expect(packets.enumerated().filter { $0.element.isKeyframe }.map(\.offset) == [0, 12, 24, 36])
    let shown = packets.map(\.presentationNanoseconds).sorted()
    #expect(shown == (0..<48).map { Int64($0) * 40_000_000 })
    #expect(zip(packets, packets.dropFirst()).allSatisfy { $0.decodeNanoseconds < $1.decodeNanoseconds })
  }

  /// Packets 12..<36 (two GOPs from a keyframe) copied into an MP4: the copy's packets are the
  /// source's bytes exactly, it starts at a keyframe, ffprobe decodes 24 frames lasting 0.96 s.
  @Test func copiesARangeWithoutReencoding() throws {
    let directory = try TemporaryDirectory()
    let path = try Self.makeSource(in: directory)
    let source = try MediaPacketSource(path)
    let packets = try Self.readAll(path)
    let range = Array(packets[12..<36])
    let output = directory.file("copy.mp4")
    let writer = try MP4Writer(path: output, parameters: source.parameters)
    for packet in range { try writer.write(packet) }
    try writer.finish()
    let copied = try Self.readAll(output)
    #expect(copied.count == range.count)
    #expect(copied.map(\.bytes) == range.map(\.bytes))
    #expect(copied.first?.isKeyframe == true)
    #expect(copied.map(\.isKeyframe) == range.map(\.isKeyframe))
    let probe = try MediaTools.probe(output)
    #expect(probe.codec == "h264")
    #expect(probe.readFrames == 24)
    #expect(copied.map(\.presentationNanoseconds).sorted() == (0..<24).map { Int64($0) * 40_000_000 })
  }

  /// A copy must start at a keyframe: the writer refuses anything else.
  @Test func refusesAClipThatStartsMidGOP() throws {
    let directory = try TemporaryDirectory()
    let path = try Self.makeSource(in: directory)
    let source = try MediaPacketSource(path)
    let packets = try Self.readAll(path)
    let writer = try MP4Writer(path: directory.file("bad.mp4"), parameters: source.parameters)
    #expect(throws: CaptureError.self) { try writer.write(packets[3]) }
  }

  /// One pass over the file gives both the decoded frames and (through `packetHandler`) the same
  /// packets `MediaPacketSource` reads, on the frames' clock.
  @Test func mediaSourceHandsOutPacketsWhileDecoding() throws {
    let directory = try TemporaryDirectory()
    let path = try Self.makeSource(in: directory)
    let expected = try Self.readAll(path)
    let source = try MediaSource(path)
    #expect(source.streamParameters.extradata == (try MediaPacketSource(path)).parameters.extradata)
    var seen: [EncodedPacket] = []
    source.packetHandler = { seen.append($0) }
    var frameTimes: [Int64] = []
    while let frame = try source.nextFrame() { frameTimes.append(frame.timestampNanoseconds) }
    #expect(seen == expected)
    #expect(frameTimes == seen.map(\.presentationNanoseconds).sorted())
  }

  /// Hostile input: a Matroska file cut in half gives the packets before the cut, then ends; a
  /// text file is refused at open with the reason; a closed source says so.
  @Test func survivesTruncationAndRefusesNonMedia() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("whole.mkv")
    try MediaTools.encode(
      pattern: "testsrc2=size=176x144:rate=25", frames: 48, to: path,
      ["-c:v", "libx264", "-preset", "veryfast", "-g", "12", "-pix_fmt", "yuv420p"])
    let bytes = try MediaTools.readBytes(path)
    let cut = directory.file("cut.mkv")
    try MediaTools.writeBytes(Array(bytes[..<(bytes.count / 2)]), to: cut)
    let whole = try Self.readAll(path)
    let partial = try Self.readAll(cut)
    #expect(partial.count > 0 && partial.count < whole.count)
    // Every packet before the cut is intact except possibly the last one, which the cut split.
    #expect(partial.dropLast().map(\.bytes) == whole.prefix(partial.count - 1).map(\.bytes))

    let text = directory.file("notes.txt")
    try MediaTools.writeBytes(Array("not a video\n".utf8), to: text)
    #expect(throws: CaptureError.self) { try MediaPacketSource(text) }
    let source = try MediaPacketSource(path)
    source.close()
    #expect(throws: CaptureError.self) { try source.nextPacket() }
  }
}
