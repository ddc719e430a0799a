/// The mode negotiation settled on.
public struct NegotiatedMode: Sendable, Hashable {
  public var fourCC: UInt32
  public var width: Int
  public var height: Int
  /// The interval to request, or nil when the device lists none for this size.
  public var interval: FrameInterval?
}

/// Picks the device mode that best serves a request.
///
/// Order of concern: the size (exact, else the smallest size covering the request, else the
/// largest), then the rate (the slowest rate that reaches the request, else the fastest), then the
/// format: MJPEG above 640x480 when the device offers it (USB bandwidth makes raw formats slow
/// there), else YUYV, NV12 and the other raw formats Hiyari reads; native formats before ones
/// libv4l2 emulates in software.
public enum FormatNegotiation {
  public static func choose(from formats: [FormatDescription], for request: CameraRequest)
    -> Result<NegotiatedMode, NegotiationFailure>
  {
    let usable = formats.filter { format in
      PixelFormat(fourCC: format.fourCC) != nil
        && (request.fourCC == nil || format.fourCC == request.fourCC)
    }
    guard !usable.isEmpty else {
      let offered = formats.map { FourCC.string($0.fourCC) }
      if let wanted = request.fourCC {
        return .failure(
          NegotiationFailure(
            "format \(FourCC.string(wanted)) is not offered (offered: \(offered.joined(separator: ", ")))"))
      }
      return .failure(
        NegotiationFailure(
          "none of the offered formats (\(offered.joined(separator: ", "))) is one Hiyari reads"))
    }
    var best: (score: Score, mode: NegotiatedMode)?
    for format in usable {
      for size in format.sizes {
        let (interval, ratePenalty) = chooseInterval(size.intervals, target: request.framesPerSecond)
        let score = Score(
          size: sizePenalty(size, request), rate: ratePenalty,
          format: formatRank(format, request: request))
        if best == nil || score < best!.score {
          best = (
            score,
            NegotiatedMode(fourCC: format.fourCC, width: size.width, height: size.height, interval: interval)
          )
        }
      }
    }
    guard let best else {
      return .failure(NegotiationFailure("the device lists no frame sizes for its formats"))
    }
    return .success(best.mode)
  }

  private struct Score: Comparable {
    var size: Double
    var rate: Double
    var format: Int

    static func < (a: Score, b: Score) -> Bool {
      (a.size, a.rate, a.format) < (b.size, b.rate, b.format)
    }
  }

  /// 0 for an exact match; (0, 1) for a larger size that covers the request, growing with the
  /// excess area; above 1 for a size that falls short, growing with the shortfall.
  static func sizePenalty(_ size: FrameSizeDescription, _ request: CameraRequest) -> Double {
    if size.width == request.width && size.height == request.height { return 0 }
    let requestedArea = Double(request.width * request.height)
    let area = Double(size.width * size.height)
    if size.width >= request.width && size.height >= request.height {
      return 1 - requestedArea / area
    }
    let covered = Double(min(size.width, request.width) * min(size.height, request.height))
    return 2 - covered / requestedArea
  }

  /// The slowest interval that reaches `target` fps (penalty 0), else the fastest one with a
  /// penalty for the shortfall; nil and 0 when there are no intervals to choose from.
  static func chooseInterval(_ intervals: [FrameInterval], target: Double) -> (FrameInterval?, Double) {
    guard !intervals.isEmpty else { return (nil, 0) }
    let reaching = intervals.filter { $0.framesPerSecond >= target - 1e-6 }
    if let slowest = reaching.min(by: { $0.framesPerSecond < $1.framesPerSecond }) {
      return (slowest, 0)
    }
    let fastest = intervals.max(by: { $0.framesPerSecond < $1.framesPerSecond })!
    return (fastest, (target - fastest.framesPerSecond) / max(target, 1e-6))
  }

  static func formatRank(_ format: FormatDescription, request: CameraRequest) -> Int {
    let emulated = format.isEmulated ? 100 : 0
    let preferMJPEG = request.width * request.height > 640 * 480
    switch PixelFormat(fourCC: format.fourCC) {
    case .mjpeg: return emulated + (preferMJPEG ? 0 : 5)
    case .yuyv: return emulated + 1
    case .nv12: return emulated + 2
    case .yuv420p, .uyvy: return emulated + 3
    default: return emulated + 4
    }
  }
}

/// Why no device mode could serve a request.
public struct NegotiationFailure: Error, Equatable, CustomStringConvertible {
  public var description: String
  init(_ description: String) { self.description = description }
}
