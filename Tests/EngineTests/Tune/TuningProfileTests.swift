import Foundation
import Testing

@testable import Engine

@Suite struct TuningProfileTests {
  static let profile = TuningProfile(
    model: String(repeating: "ab", count: 32),
    machine: MachineDescription(
      cpuModel: "Cortex-A76", architecture: "aarch64", cores: 4, features: ["neon"]),
    date: "2026-11-22T18:44:45Z", threads: 2, runs: 20, calibrationSamples: 8, minimumSNRDecibels: 30,
    nodes: [
      TunedNode(
        node: "conv_2", fp32Milliseconds: 1.5, int8Milliseconds: 0.25, fp32ConversionMilliseconds: 0.125,
        int8ConversionMilliseconds: 0.0625, int8AloneSNRDecibels: nil, precision: .int8, reason: .int8Faster),
      TunedNode(
        node: "dw", fp32Milliseconds: 0.1, int8Milliseconds: 0.2, fp32ConversionMilliseconds: 0.01,
        int8ConversionMilliseconds: 0, int8AloneSNRDecibels: 33.5, precision: .fp32, reason: .int8NotFaster),
    ],
    fp32: PrecisionMeasurement(latencyMilliseconds: 9, snrDecibels: 200, floatNodes: 2),
    int8: PrecisionMeasurement(latencyMilliseconds: 3, snrDecibels: 28.5, floatNodes: 0),
    mix: PrecisionMeasurement(latencyMilliseconds: 3.5, snrDecibels: 31.25, floatNodes: 1), selection: .tuned)

  @Test func jsonRoundTrip() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = try encoder.encode(Self.profile)
    #expect(try JSONDecoder().decode(TuningProfile.self, from: data) == Self.profile)
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains(#""selection":"tuned""#) && text.contains(#""reason":"int8 not faster""#))
    #expect(text.contains(#""precision":"fp32""#) && text.contains(#""date":"2026-11-22T18:44:45Z""#))
    // A node never ranked for accuracy has no int8-alone SNR in the file.
    #expect(!text.contains("null"))
  }

  @Test func tableAndSelection() {
    let profile = Self.profile
    #expect(profile.floatNodes == ["dw"])
    #expect(profile.selected == profile.mix)
    let lines = profile.description.split(separator: "\n").map(String.init)
    #expect(lines[0].hasPrefix("Cortex-A76 (aarch64, 4 cores, neon), 2 thread(s), median of 20 runs"))
    #expect(lines.contains { $0.hasPrefix("conv_2") && $0.contains("1.500") && $0.hasSuffix("int8 faster") })
    #expect(lines.contains { $0.hasPrefix("dw") && $0.contains("33.50") && $0.contains("fp32") })
    #expect(lines.contains { $0.hasPrefix("tuned mix") && $0.contains("3.500") && $0.hasSuffix("1/2") })
    #expect(lines.last == "kept: tuned (3.500 ms, 31.25 dB; budget 30.00 dB on 8 samples)")
    var int8 = profile
    int8.selection = .allInt8
    #expect(int8.selected.latencyMilliseconds == 3)
  }

  @Test func utcTimestamps() {
    #expect(UTCTimestamp.format(secondsSince1970: 0) == "1970-01-01T00:00:00Z")
    #expect(UTCTimestamp.format(secondsSince1970: 1_700_000_000) == "2023-11-14T22:13:20Z")
    #expect(UTCTimestamp.format(secondsSince1970: 951_782_400) == "2000-02-29T00:00:00Z")
    let now = UTCTimestamp.now()
    #expect(now.count == 20 && now.hasSuffix("Z") && now.dropFirst(10).first == "T")
  }

  @Test func machineDescription() {
    let x86 =
      "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n"
    #expect(MachineDescription.cpuModel(cpuinfo: x86) == "AMD EPYC 7B13")
    let pi =
      "processor\t: 0\nBogoMIPS\t: 108.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd0b\n\nModel\t\t: Raspberry Pi 5 Model B Rev 1.0\n"
    #expect(MachineDescription.cpuModel(cpuinfo: pi) == "Raspberry Pi 5 Model B Rev 1.0")
    let bare = "processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd05\n"
    #expect(MachineDescription.cpuModel(cpuinfo: bare) == "implementer 0x41 part 0xd05")
    #expect(MachineDescription.cpuModel(cpuinfo: "") == "unknown")
    #expect(MachineDescription.featureNames(0b11) == ["sse4.1", "avx2"])
    #expect(MachineDescription.featureNames(3 << 16) == ["neon", "neon-dotprod"])
    let here = MachineDescription.current()
    #expect(here.cores >= 1 && !here.architecture.isEmpty && here.cpuModel != "")
    #if arch(x86_64)
      #expect(here.architecture == "x86_64" && here.features.contains("sse4.1"))
    #endif
  }
}
