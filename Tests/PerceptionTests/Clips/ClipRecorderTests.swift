import Capture
import Foundation
import Testing

@testable import Perception

/// The recorder on real video: an H.264 file made by Debian's ffmpeg copied packet by packet,
/// and raw frames encoded by libx264; clips are read back with Capture's readers.
@Suite("Clip recorder")
struct ClipRecorderTests {
  static let frame: Int64 = 40_000_000
  static let second: Int64 = 1_000_000_000

  /// 6 s at 25 fps, a keyframe every 10 frames (0.4 s), two B-frames.
  static func makeSource(in folder: ScratchFolder) throws -> String {
    let path = folder.file("drive.mp4")
    try runTool(
      "ffmpeg",
      [
        "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
        "testsrc2=size=176x144:rate=25", "-frames:v", "150", "-c:v", "libx264", "-preset", "veryfast", "-g",
        "10",
        "-keyint_min", "10", "-sc_threshold", "0", "-bf", "2", "-pix_fmt", "yuv420p", path,
      ])
    return path
  }

  static func packets(of path: String) throws -> [EncodedPacket] {
    let source = try MediaPacketSource(path)
    var packets: [EncodedPacket] = []
    while let packet = try source.nextPacket(), packets.count < 100_000 { packets.append(packet) }
    return packets
  }

  /// An ffmpeg-made source, its packets, and a store in a scratch folder, for packet recorders.
  struct CopyRig {
    let folder: ScratchFolder
    let source: String
    let packets: [EncodedPacket]
    let store: ClipStore

    init() throws {
      folder = try ScratchFolder()
      source = try ClipRecorderTests.makeSource(in: folder)
      packets = try ClipRecorderTests.packets(of: source)
      store = try ClipStore(directory: folder.file("clips"), freeSpaceFloorBytes: 0)
    }

    func recorder(_ configuration: ClipRecorderConfiguration) throws -> ClipRecorder {
      ClipRecorder(
        store: store, parameters: try MediaPacketSource(source).parameters, configuration: configuration)
    }

    func recorder(preRoll: Double, postRoll: Double) throws -> ClipRecorder {
      try recorder(ClipRecorderConfiguration(preRollSeconds: preRoll, postRollSeconds: postRoll))
    }
  }

  /// Feeds `packets` to `recorder`, marking each event (start, end) once the stream has reached
  /// its end time, as a live detector would; returns the clips closed.
  static func feed(
    _ packets: [EncodedPacket], to recorder: ClipRecorder, events: [(Int64, Int64)]
  ) throws -> [FinishedClip] {
    var pending = events
    var finished: [FinishedClip] = []
    for packet in packets {
      while let event = pending.first, packet.decodeNanoseconds > event.1 {
        try recorder.markEvent(from: event.0, to: event.1)
        pending.removeFirst()
      }
      finished += try recorder.append(packet)
    }
    return finished + (try recorder.finish())
  }

  /// Largest presentation-minus-decode delay of the stream (B-frame reordering): how far past its
  /// end a clip closed on decode time can show.
  static func reorderDelay(_ packets: [EncodedPacket]) -> Int64 {
    packets.map { $0.presentationNanoseconds - $0.decodeNanoseconds }.max() ?? 0
  }

  /// An event at 3 s with 1 s pre-roll and 1 s post-roll: one clip whose packets are exactly the
  /// source's packets from the newest keyframe at or before 2 s up to the first packet decoded at
  /// 4 s (no re-encode), starting at a keyframe, with pre-roll between 1 s and 1 s plus a GOP and
  /// post-roll within a frame (plus the B-frame delay) of 1 s.
  @Test func copiesTheEventsRangeByteForByte() throws {
    let rig = try CopyRig()
    let (packets, store) = (rig.packets, rig.store)
    #expect(packets.count == 150)
    let recorder = try rig.recorder(preRoll: 1, postRoll: 1)
    let clips = try Self.feed(packets, to: recorder, events: [(3 * Self.second, 3 * Self.second)])
    #expect(clips.count == 1)
    let clip = try #require(clips.first)

    let start = try #require(
      packets.indices.last {
        packets[$0].isKeyframe && packets[$0].presentationNanoseconds <= 2 * Self.second
      })
    let end = try #require(
      packets.indices.first { $0 > start && packets[$0].decodeNanoseconds >= 4 * Self.second })
    let expected = Array(packets[start..<end])
    let copied = try Self.packets(of: clip.path)
    #expect(copied.count == expected.count)
    #expect(copied.map(\.bytes) == expected.map(\.bytes), "the clip's packets differ from the source's")
    #expect(copied.first?.isKeyframe == true)
    #expect(clip.packetCount == expected.count)

    let preRoll = 3 * Self.second - clip.startNanoseconds
    #expect(preRoll >= Self.second && preRoll <= Self.second + 10 * Self.frame, "pre-roll \(preRoll) ns")
    let postRoll = clip.endNanoseconds - 3 * Self.second
    let delay = Self.reorderDelay(packets)
    #expect(
      postRoll >= Self.second - Self.frame && postRoll <= Self.second + Self.frame + delay,
      "post-roll \(postRoll) ns")
    // The copy plays: ffprobe decodes as many frames as it has packets.
    let counted = try runTool(
      "ffprobe",
      [
        "-v", "error", "-count_frames", "-show_entries", "stream=codec_name,nb_read_frames", "-of", "csv=p=0",
        clip.path,
      ])
    #expect(counted.trimmingCharacters(in: .whitespacesAndNewlines) == "h264,\(expected.count)")
    #expect(store.activeClip == nil)
    #expect(!FileManager.default.fileExists(atPath: clip.path + MP4Writer.partialSuffix))
  }

  /// Events at 2.0 s and 2.6 s overlap (the second arrives while the first's clip is open): one
  /// clip to 3.6 s. An event at 5.0 s, after that clip closed, makes a second clip.
  @Test func overlappingEventsMakeOneClip() throws {
    let rig = try CopyRig()
    let (packets, store) = (rig.packets, rig.store)
    let recorder = try rig.recorder(preRoll: 1, postRoll: 1)
    let clips = try Self.feed(
      packets, to: recorder,
      events: [
        (2 * Self.second, 2 * Self.second), (2_600_000_000, 2_600_000_000),
        (5 * Self.second, 5 * Self.second),
      ])
    #expect(clips.count == 2)
    let delay = Self.reorderDelay(packets)
    if clips.count == 2 {
      #expect(
        clips[0].startNanoseconds <= Self.second && clips[0].startNanoseconds >= Self.second - 10 * Self.frame
      )
      #expect(clips[0].endNanoseconds >= 3_600_000_000 - Self.frame)
      #expect(clips[0].endNanoseconds <= 3_600_000_000 + Self.frame + delay)
      #expect(clips[1].startNanoseconds <= 4 * Self.second)
      #expect(clips[1].endNanoseconds >= 6 * Self.second - Self.frame)
      #expect(clips[0].path != clips[1].path)
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: store.directory).sorted()
    #expect(files.count == 2 && files.allSatisfy { $0.hasSuffix(".mp4") })
  }

  /// An event reported late, whose whole span is still in the ring, is cut from the ring alone:
  /// the clip closes at once and the next `append` hands it out.
  @Test func aLateEventIsCutFromTheRing() throws {
    let rig = try CopyRig()
    let packets = rig.packets
    let recorder = try rig.recorder(preRoll: 0.5, postRoll: 0.5)
    let cut = packets.firstIndex { $0.decodeNanoseconds >= 4 * Self.second }!
    for packet in packets[..<cut] { #expect(try recorder.append(packet).isEmpty) }
    try recorder.markEvent(at: 2 * Self.second)
    #expect(recorder.activeClip == nil)
    let clips = try recorder.append(packets[cut])
    #expect(clips.count == 1)
    let clip = try #require(clips.first)
    #expect(clip.startNanoseconds == 1_200_000_000)
    let start = packets.firstIndex { $0.isKeyframe && $0.presentationNanoseconds == 1_200_000_000 }!
    let end = packets.firstIndex { $0.decodeNanoseconds >= 2_500_000_000 }!
    #expect(try Self.packets(of: clip.path).map(\.bytes) == packets[start..<end].map(\.bytes))
    #expect(try recorder.finish().isEmpty)
  }

  /// A long event is split at keyframes into clips no longer than the maximum (plus a GOP) that
  /// follow each other without a gap or an overlap; a stream whose time goes back mid-clip closes
  /// the clip with what it has.
  @Test func splitsLongClipsAndClosesAtDiscontinuities() throws {
    let rig = try CopyRig()
    let packets = rig.packets
    var configuration = ClipRecorderConfiguration(preRollSeconds: 0, postRollSeconds: 0)
    configuration.maximumClipNanoseconds = Self.second
    let recorder = try rig.recorder(configuration)
    let clips = try Self.feed(packets, to: recorder, events: [(800_000_000, 4 * Self.second)])
    // Keyframes every 0.4 s: 0.8-2.0, 2.0-3.2, 3.2-4.0 (each split at the first keyframe 1 s in).
    #expect(clips.count == 3)
    for (earlier, later) in zip(clips, clips.dropFirst()) {
      #expect(later.startNanoseconds == earlier.endNanoseconds)
    }
    #expect(clips.allSatisfy { $0.endNanoseconds - $0.startNanoseconds <= Self.second + 10 * Self.frame })
    let start = packets.firstIndex { $0.isKeyframe && $0.presentationNanoseconds == 800_000_000 }!
    let end = packets.firstIndex { $0.decodeNanoseconds >= 4 * Self.second }!
    let copied = try clips.flatMap { try Self.packets(of: $0.path).map(\.bytes) }
    #expect(copied == packets[start..<end].map(\.bytes))

    let replay = try rig.recorder(preRoll: 0, postRoll: 10)
    try replay.markEvent(at: 0)
    var closed: [FinishedClip] = []
    for packet in packets[..<50] + packets[..<20] { closed += try replay.append(packet) }
    #expect(closed.count == 1)
    #expect(closed.first?.packetCount == 50)
    #expect(replay.activeClip == nil)
  }

  /// Raw frames (a V4L2-style YUYV camera, made here) are encoded: a 0.8 s pre-roll, 0.4 s
  /// post-roll clip of an event at 1.6 s holds frames 0.8 s ... 2.0 s exactly (GOP 10 at 25 fps
  /// and zero latency put keyframes at 0.8 s and frames in order), decodes at the camera's size,
  /// and is kept (it has its `.keep` sidecar).
  @Test func encodesRawFramesIntoAKeptClip() throws {
    let folder = try ScratchFolder()
    let store = try ClipStore(directory: folder.file("clips"), freeSpaceFloorBytes: 0)
    var settings = H264EncoderSettings(width: 96, height: 64, framesPerSecond: 25)
    settings.keyframeInterval = 10
    settings.zeroLatency = true
    settings.preset = "ultrafast"
    let recorder = try ClipRecorder(
      store: store, encoderSettings: settings,
      configuration: ClipRecorderConfiguration(preRollSeconds: 0.8, postRollSeconds: 0.4))
    var yuyv = [UInt8](repeating: 0, count: 96 * 64 * 2)
    var clips: [FinishedClip] = []
    for index in 0..<80 {
      for offset in stride(from: 0, to: yuyv.count, by: 2) {
        yuyv[offset] = UInt8((offset / 2 + index * 3) % 220 + 16)
        yuyv[offset + 1] = 128
      }
      let closed = try yuyv.withUnsafeBytes { buffer in
        let frame = Frame(
          format: .yuyv, width: 96, height: 64,
          planes: [FramePlane(base: buffer.baseAddress!, bytesPerRow: 96 * 2, rows: 64)],
          timestampNanoseconds: Int64(index) * Self.frame, sequence: Int64(index))
        return try recorder.append(frame)
      }
      clips += closed
      if index == 40 { try recorder.markEvent(at: 40 * Self.frame, keep: true) }
    }
    clips += try recorder.finish()
    #expect(clips.count == 1)
    let clip = try #require(clips.first)
    #expect(clip.startNanoseconds == 20 * Self.frame)
    #expect(clip.endNanoseconds == 50 * Self.frame)
    #expect(clip.isKept)
    #expect(store.isKept(clip.path))
    let decoded = try MediaSource(clip.path)
    var count = 0
    while let frame = try decoded.nextFrame() {
      #expect(frame.width == 96 && frame.height == 64)
      #expect(frame.timestampNanoseconds == Int64(count) * Self.frame)
      count += 1
    }
    #expect(count == 30)
  }

  /// A recorder that copies packets has no encoder: frames are refused with the reason.
  @Test func aPacketRecorderRefusesFrames() throws {
    let recorder = try CopyRig().recorder(preRoll: 1, postRoll: 1)
    let pixels = [UInt8](repeating: 0, count: 16 * 16 * 3)
    pixels.withUnsafeBytes { buffer in
      let frame = Frame(
        format: .rgb24, width: 16, height: 16,
        planes: [FramePlane(base: buffer.baseAddress!, bytesPerRow: 48, rows: 16)])
      #expect(throws: CaptureError.self) { try recorder.append(frame) }
    }
  }

  /// A clip that outgrows a full disk (a 1 MiB tmpfs) fails with the reason and leaves no file;
  /// the recorder goes on and the next, shorter event makes a clip that fits.
  @Test func survivesAFullDisk() throws {
    let folder = try ScratchFolder()
    // Lossless noise: about 50 KB a frame, so two seconds cannot fit in 1 MiB and 0.4 s can.
    let source = folder.file("lossless.mp4")
    try runTool(
      "ffmpeg",
      [
        "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
        "testsrc2=size=176x144:rate=25,noise=alls=60:allf=t", "-frames:v", "150", "-c:v", "libx264",
        "-preset", "ultrafast", "-qp", "0", "-g", "10", "-bf", "0", "-pix_fmt", "yuv420p", source,
      ])
    let packets = try Self.packets(of: source)
    let disk = try SmallFileSystem(megabytes: 1)
    let store = try ClipStore(directory: disk.path, freeSpaceFloorBytes: 0)
    let recorder = ClipRecorder(
      store: store, parameters: try MediaPacketSource(source).parameters,
      configuration: ClipRecorderConfiguration(preRollSeconds: 0.2, postRollSeconds: 0.2))
    var failures: [Error] = []
    var clips: [FinishedClip] = []
    for packet in packets {
      if packet.decodeNanoseconds == Self.second {
        try recorder.markEvent(from: Self.second, to: 3 * Self.second)
      }
      if packet.decodeNanoseconds == 5 * Self.second { try recorder.markEvent(at: 5 * Self.second) }
      do {
        clips += try recorder.append(packet)
      } catch {
        failures.append(error)
      }
    }
    clips += try recorder.finish()
    #expect(failures.count == 1)
    #expect(String(describing: failures.first.map { $0 } as Any).contains("No space left"))
    #expect(clips.count == 1)
    #expect(clips.first.map { $0.startNanoseconds >= 4 * Self.second } == true)
    let files = try FileManager.default.contentsOfDirectory(atPath: disk.path)
    #expect(files.sorted() == clips.map { URL(fileURLWithPath: $0.path).lastPathComponent }.sorted())
  }
}
