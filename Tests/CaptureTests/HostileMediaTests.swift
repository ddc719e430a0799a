import Foundation
import Testing

@testable import Capture

/// Bad input for `MediaSource`: truncated, corrupted, fake and missing files. Each must end in a
/// `CaptureError` naming the file, or in a clean partial result (some frames, then nil); never a
/// crash, never a hang. Every loop is bounded and every case timed.
@Suite("MediaSource on hostile input")
struct HostileMediaTests {
  /// Generous: only a hang (or a pathological slowdown) takes this long on these tiny clips.
  static let timeLimitSeconds = 20.0
  static let maximumCalls = 10_000

  enum Outcome {
    case openFailed(CaptureError)
    case failed(afterFrames: Int, CaptureError)
    case ended(frames: Int, timestamps: [Int64], decodeErrors: Int64)

    var frames: Int {
      switch self {
      case .openFailed: 0
      case .failed(let frames, _): frames
      case .ended(let frames, _, _): frames
      }
    }

    var error: CaptureError? {
      switch self {
      case .openFailed(let error), .failed(_, let error): error
      case .ended: nil
      }
    }
  }

  /// Opens and drains `path` (at most `maximumCalls` calls), checking every frame's geometry and
  /// touching every visible byte, and that the whole thing finishes within `timeLimitSeconds`.
  static func consume(
    _ path: String, options: MediaSourceOptions = MediaSourceOptions(),
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> Outcome {
    let start = monotonicSeconds()
    defer {
      let elapsed = monotonicSeconds() - start
      #expect(elapsed < timeLimitSeconds, "\(path) took \(elapsed) s", sourceLocation: sourceLocation)
    }
    let source: MediaSource
    do {
      source = try MediaSource(path, options: options)
    } catch {
      return .openFailed(error)
    }
    defer { source.close() }
    var timestamps: [Int64] = []
    for _ in 0..<maximumCalls {
      let frame: Frame?
      do {
        frame = try source.nextFrame()
      } catch {
        return .failed(afterFrames: timestamps.count, error)
      }
      guard let frame else {
        // The end is sticky.
        #expect((try? source.nextFrame()) == nil, sourceLocation: sourceLocation)
        return .ended(
          frames: timestamps.count, timestamps: timestamps, decodeErrors: source.statistics.decodeErrors)
      }
      #expect(
        frame.width > 0 && frame.height > 0 && frame.width <= options.maximumDimension
          && frame.height <= options.maximumDimension, sourceLocation: sourceLocation)
      let layout = PlaneLayout(format: frame.format, width: frame.width, height: frame.height)
      #expect(
        FramePixels.packed(frame, layout: layout, sourceLocation: sourceLocation) != nil,
        sourceLocation: sourceLocation)
      timestamps.append(frame.timestampNanoseconds)
    }
    Issue.record(
      "\(path): still delivering frames after \(maximumCalls) calls", sourceLocation: sourceLocation)
    return .ended(
      frames: timestamps.count, timestamps: timestamps, decodeErrors: source.statistics.decodeErrors)
  }

  /// Checks that an error names the file and gives a reason, with one of the allowed kinds.
  static func expectClear(
    _ error: CaptureError?, path: String, kinds: Set<CaptureError.Kind>,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    guard let error else {
      Issue.record("expected an error for \(path)", sourceLocation: sourceLocation)
      return
    }
    #expect(error.source == path, sourceLocation: sourceLocation)
    #expect(error.description.hasPrefix(path), "\(error.description)", sourceLocation: sourceLocation)
    #expect(!error.reason.isEmpty, sourceLocation: sourceLocation)
    #expect(
      kinds.contains(error.kind), "kind \(error.kind) (\(error.reason))", sourceLocation: sourceLocation)
  }

  /// Either a clear `.invalidMedia` error or a clean end; and no more frames than `limit`.
  static func expectErrorOrCleanEnd(
    _ outcome: Outcome, path: String, limit: Int, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    if let error = outcome.error {
      expectClear(error, path: path, kinds: [.invalidMedia], sourceLocation: sourceLocation)
    }
    #expect(
      outcome.frames <= limit, "\(outcome.frames) frames from a file of \(limit)",
      sourceLocation: sourceLocation)
  }

  static func makeClip(
    _ directory: TemporaryDirectory, _ name: String, frames: Int = 30, extra: [String] = []
  )
    throws -> String
  {
    let path = directory.file(name)
    try MediaTools.encode(
      pattern: "testsrc2=size=176x144:rate=25", frames: frames, to: path,
      MediaSourceTests.x264 + ["-pix_fmt", "yuv420p"] + extra)
    return path
  }

  static func truncate(_ path: String, fraction: Double, to target: String) throws {
    let bytes = try MediaTools.readBytes(path)
    try MediaTools.writeBytes(Array(bytes.prefix(Int(Double(bytes.count) * fraction))), to: target)
  }

  // MARK: truncation

  @Test(
    "an MP4 with its moov at the end, truncated, fails at open naming the file", arguments: [0.1, 0.5, 0.9])
  func truncatedMP4MoovAtEnd(_ fraction: Double) throws {
    let directory = try TemporaryDirectory()
    let clip = try Self.makeClip(directory, "full.mp4")
    let path = directory.file("cut-\(Int(fraction * 100)).mp4")
    try Self.truncate(clip, fraction: fraction, to: path)
    let outcome = Self.consume(path)
    guard case .openFailed(let error) = outcome else {
      Issue.record("expected the open to fail (no moov), got \(outcome)")
      return
    }
    Self.expectClear(error, path: path, kinds: [.invalidMedia])
  }

  @Test("a fast-start MP4, truncated, gives the frames before the cut, then nil", arguments: [0.1, 0.5, 0.9])
  func truncatedFastStartMP4(_ fraction: Double) throws {
    let directory = try TemporaryDirectory()
    let clip = try Self.makeClip(directory, "full.mp4", extra: ["-movflags", "+faststart"])
    let full = Self.consume(clip)
    guard case .ended(30, let fullTimestamps, 0) = full else {
      Issue.record("the intact clip should give 30 frames cleanly, got \(full)")
      return
    }
    let path = directory.file("cut-\(Int(fraction * 100)).mp4")
    try Self.truncate(clip, fraction: fraction, to: path)
    let outcome = Self.consume(path)
    guard case .ended(let frames, let timestamps, _) = outcome else {
      Issue.record("expected a clean partial result, got \(outcome)")
      return
    }
    #expect(frames < 30)
    if fraction >= 0.5 {
      #expect(frames >= Int(30 * (fraction - 0.3)), "\(frames) frames before a \(fraction) cut")
    }
    // Timestamps still increase and are the intact file's.
    #expect(timestamps == timestamps.sorted() && Set(timestamps).count == timestamps.count)
    #expect(Set(timestamps).isSubset(of: Set(fullTimestamps)))
  }

  @Test("a truncated MPEG-TS gives the frames before the cut, then nil")
  func truncatedTransportStream() throws {
    let directory = try TemporaryDirectory()
    let clip = try Self.makeClip(directory, "full.ts")
    let path = directory.file("cut.ts")
    try Self.truncate(clip, fraction: 0.5, to: path)
    let outcome = Self.consume(path)
    guard case .ended(let frames, let timestamps, _) = outcome else {
      Issue.record("expected a clean partial result, got \(outcome)")
      return
    }
    #expect(frames > 5 && frames < 30, "\(frames) frames from half a 30-frame file")
    #expect(timestamps == timestamps.sorted())
  }

  // MARK: corruption

  /// Deterministic bytes for reproducible corruption (SplitMix64).
  struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  struct Corruption: Sendable, CustomTestStringConvertible {
    var file: String
    var seed: UInt64
    var testDescription: String { "\(file) seed \(seed)" }
  }

  static let corruptions: [Corruption] = ["clip.mkv", "clip.ts", "clip.h264"].flatMap { file in
    [1, 2, 3].map { Corruption(file: file, seed: $0) }
  }

  @Test(
    "random bytes flipped in the middle give decode errors or an error, never a crash", arguments: corruptions
  )
  func flippedBytes(_ corruption: Corruption) throws {
    let directory = try TemporaryDirectory()
    let extra = corruption.file.hasSuffix(".h264") ? ["-f", "h264"] : []
    let clip = try Self.makeClip(directory, corruption.file, extra: extra)
    var bytes = try MediaTools.readBytes(clip)
    var generator = SeededGenerator(state: corruption.seed)
    // 1 byte in 200 of the middle half of the file gets a random non-zero XOR.
    let middle = (bytes.count / 4)..<(3 * bytes.count / 4)
    for _ in 0..<(middle.count / 200) {
      let index = Int.random(in: middle, using: &generator)
      bytes[index] ^= UInt8.random(in: 1...255, using: &generator)
    }
    let path = directory.file("flipped-\(corruption.seed)-\(corruption.file)")
    try MediaTools.writeBytes(bytes, to: path)
    let outcome = Self.consume(path)
    // The header is intact, so the file opens; the damage costs frames, not the process.
    if case .openFailed(let error) = outcome { Issue.record("the intact header should open: \(error)") }
    Self.expectErrorOrCleanEnd(outcome, path: path, limit: 40)
    #expect(outcome.frames > 0, "frames before the damage still decode")
  }

  // MARK: not media

  @Test("random bytes named .mp4 fail at open")
  func randomBytes() throws {
    let directory = try TemporaryDirectory()
    var generator = SeededGenerator(state: 42)
    let bytes = (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) }
    let path = directory.file("random.mp4")
    try MediaTools.writeBytes(bytes, to: path)
    let outcome = Self.consume(path)
    guard case .openFailed(let error) = outcome else {
      Issue.record("random bytes opened as media: \(outcome)")
      return
    }
    Self.expectClear(error, path: path, kinds: [.invalidMedia])
  }

  @Test("an empty file fails at open")
  func emptyFile() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("empty.mp4")
    try MediaTools.writeBytes([], to: path)
    let outcome = Self.consume(path)
    guard case .openFailed(let error) = outcome else {
      Issue.record("an empty file opened: \(outcome)")
      return
    }
    Self.expectClear(error, path: path, kinds: [.invalidMedia])
  }

  @Test("a directory fails at open, saying it is a directory")
  func directory() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("clips.mp4")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    let outcome = Self.consume(path)
    guard case .openFailed(let error) = outcome else {
      Issue.record("a directory opened: \(outcome)")
      return
    }
    Self.expectClear(error, path: path, kinds: [.invalidMedia])
    #expect(error.reason.contains("directory"))
  }

  @Test("a missing path fails with .notFound")
  func missingPath() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("no-such-clip.mp4")
    let outcome = Self.consume(path)
    guard case .openFailed(let error) = outcome else {
      Issue.record("a missing file opened: \(outcome)")
      return
    }
    Self.expectClear(error, path: path, kinds: [.notFound])
    // Through the front door too.
    #expect(throws: CaptureError(source: path, kind: .notFound, reason: "no such file")) {
      try FrameSources.open(path)
    }
  }

  @Test("a text file fails at open", arguments: ["notes.mp4", "notes.txt", "notes.csv"])
  func textFile(_ name: String) throws {
    let directory = try TemporaryDirectory()
    let path = directory.file(name)
    let text = (0..<200).map { "line \($0): the quick brown fox jumps over the lazy dog, 0123456789\n" }
      .joined()
    try MediaTools.writeBytes(Array(text.utf8), to: path)
    let outcome = Self.consume(path)
    guard case .openFailed(let error) = outcome else {
      Issue.record("a text file opened as video and gave \(outcome.frames) frames: \(outcome)")
      return
    }
    Self.expectClear(error, path: path, kinds: [.invalidMedia])
  }

  // MARK: size bombs

  @Test("maximumDimension rejects a larger stream at open, naming the size")
  func maximumDimension() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("big.mkv")
    try MediaTools.encode(
      pattern: "testsrc=size=320x240:rate=25", frames: 3, to: path,
      MediaSourceTests.x264 + ["-pix_fmt", "yuv420p"])
    var options = MediaSourceOptions()
    options.maximumDimension = 200
    let outcome = Self.consume(path, options: options)
    guard case .openFailed(let error) = outcome else {
      Issue.record("a 320x240 stream opened under maximumDimension 200: \(outcome)")
      return
    }
    Self.expectClear(error, path: path, kinds: [.invalidMedia])
    #expect(error.reason.contains("320x240"), "\(error.reason)")
    // The same file within bounds decodes.
    options.maximumDimension = 320
    #expect(Self.consume(path, options: options).frames == 3)
  }

  @Test("a header claiming a huge picture is rejected before any frame is decoded")
  func headerSizeBomb() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("bomb.y4m")
    // A YUV4MPEG2 header claiming 16000x9000 (a 216 MB frame), followed by a few bytes only.
    var bytes = Array("YUV4MPEG2 W16000 H9000 F25:1 Ip A1:1 C420jpeg\nFRAME\n".utf8)
    bytes += [UInt8](repeating: 0x80, count: 4096)
    try MediaTools.writeBytes(bytes, to: path)
    let outcome = Self.consume(path)
    guard case .openFailed(let error) = outcome else {
      Issue.record("a 16000x9000 header was accepted: \(outcome)")
      return
    }
    Self.expectClear(error, path: path, kinds: [.invalidMedia])
    #expect(error.reason.contains("16000x9000"), "\(error.reason)")
  }
}
