import Offload

/// What `hiyari offload` prints at the end (as `summary:` pairs, or JSON with `--json`), built
/// frame by frame.
struct OffloadSummary: Codable {
  struct Frame: Codable {
    var id: UInt64
    /// Where the tail ran: cloud, device (planned) or fallback.
    var tail: String
    var fallback: String?
    var cut: String
    var ms: Double
  }

  struct Link: Codable {
    var uplinkMbps: Double
    var downlinkMbps: Double
    var rttMs: Double
    var samples: [Int]
  }

  var frames = 0
  var offloaded = 0
  /// Frames whose offload failed and ran the tail on the device, by reason.
  var fellBack: [String: Int] = [:]
  /// Frames held on the device after repeated fallbacks.
  var held = 0
  /// Frames without every model output (must be 0).
  var lost = 0
  var verified = 0
  var mismatches = 0
  var replans = 0
  /// Frames per cut used.
  var cuts: [String: Int] = [:]
  var latencyP50Ms = 0.0
  var latencyP90Ms = 0.0
  var bytesUp = 0
  var bytesDown = 0
  var probes = 0
  var probeBytes = 0
  var link: Link?
  var perFrame: [Frame] = []
  var latencies: [Double] = []

  enum CodingKeys: String, CodingKey {
    case frames, offloaded, fellBack = "fell_back", held, lost, verified, mismatches, replans, cuts
    case latencyP50Ms = "latency_p50_ms", latencyP90Ms = "latency_p90_ms", bytesUp = "bytes_up"
    case bytesDown = "bytes_down", probes, probeBytes = "probe_bytes", link, perFrame = "per_frame"
  }

  /// Takes one finished frame; `complete` is whether it has every model output, `matches` the
  /// `--verify` comparison (nil without it).
  mutating func record(_ frame: ControlledFrame, complete: Bool, matches: Bool?) {
    let result = frame.result
    frames += 1
    let cut = Self.label(result.mode)
    cuts[cut, default: 0] += 1
    var tail = result.tailLocation.rawValue
    if result.tailLocation == .cloud { offloaded += 1 }
    if let fallback = result.fallback {
      fellBack["\(fallback.kind)", default: 0] += 1
      tail = "fallback"
    }
    if frame.hold != nil { held += 1 }
    if !complete { lost += 1 }
    if let matches {
      verified += 1
      if !matches { mismatches += 1 }
    }
    if frame.replanned { replans += 1 }
    bytesUp += result.bytesUp
    bytesDown += result.bytesDown
    latencies.append(result.totalSeconds * 1000)
    perFrame.append(
      Frame(
        id: result.frameID, tail: tail, fallback: result.fallback.map { "\($0.kind)" }, cut: cut,
        ms: (result.totalSeconds * 1e5).rounded() / 100))
  }

  mutating func finish(estimate: LiveLinkEstimate, probes: Int, probeBytes: Int) {
    if let summary = try? LatencySummary(latencies) {
      latencyP50Ms = summary.medianMilliseconds
      latencyP90Ms = summary.p90Milliseconds
    }
    self.probes = probes
    self.probeBytes = probeBytes
    let link = estimate.estimate
    self.link = Link(
      uplinkMbps: link.uplinkBitsPerSecond / 1e6, downlinkMbps: link.downlinkBitsPerSecond / 1e6,
      rttMs: link.roundTripSeconds * 1000,
      samples: [estimate.roundTripSamples, estimate.uplinkSamples, estimate.downlinkSamples])
  }

  /// A mode as the command names it.
  static func label(_ mode: SplitMode) -> String {
    switch mode {
    case .deviceOnly: "device"
    case .cloudOnly: "cloud"
    case .split(let cut): cut.crossing.joined(separator: ",")
    }
  }

  /// The `summary:` line.
  var line: String {
    func pairs(_ counts: [String: Int]) -> String {
      counts.isEmpty
        ? "-" : counts.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ";")
    }
    let link = self.link.map {
      "up=\(formatDecimal($0.uplinkMbps, places: 3))Mbit/s down=\(formatDecimal($0.downlinkMbps, places: 3))Mbit/s rtt=\(formatDecimal($0.rttMs, places: 1))ms"
    }
    return
      "summary: frames=\(frames) offloaded=\(offloaded) fell_back=\(fellBack.values.reduce(0, +)) (\(pairs(fellBack))) held=\(held) lost=\(lost) verified=\(verified) mismatches=\(mismatches) replans=\(replans) cuts=\(pairs(cuts)) p50_ms=\(formatDecimal(latencyP50Ms, places: 2)) p90_ms=\(formatDecimal(latencyP90Ms, places: 2)) bytes_up=\(bytesUp) bytes_down=\(bytesDown) probes=\(probes) link: \(link ?? "-")"
  }
}
