import Capture
import Foundation
import Testing

@testable import Synth

@Suite struct ClipWriterTests {
  @Test func writesAnMP4AndLabelsThatMatchIt() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synth-clip-\(getpid())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let camera = PinholeCamera(width: 160, height: 96)
    let scenario = Scenario(kind: .cutIn, seed: 4, camera: camera, seconds: 0.5)
    let written = try ClipWriter(camera: camera).write(scenario, to: folder + "/clip")
    let labels = try ClipLabels.decode(try Data(contentsOf: URL(fileURLWithPath: folder + "/clip.json")))
    #expect(labels == written)
    #expect(labels.frames.count == 15)
    let source = try MediaSource(folder + "/clip.mp4")
    defer { source.close() }
    var frames = 0
    while let frame = try source.nextFrame() {
      #expect(frame.width == 160 && frame.height == 96)
      frames += 1
    }
    #expect(frames == 15)
  }

  @Test func roundTripAddsCompressionButKeepsThePicture() throws {
    let sampler = TrainingSampler(seed: 9, width: 160, height: 96)
    let originals = (0..<4).map { sampler.sample($0).image }
    let decoded = try CompressionRoundTrip(crf: 30).apply(originals)
    #expect(decoded.count == originals.count)
    for (a, b) in zip(originals, decoded) {
      let difference = zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
      let mean = Double(difference) / Double(a.pixels.count)
      #expect(mean > 0.1 && mean < 12, "mean absolute difference \(mean)")
    }
  }
}
