import ArgumentParser
import CFFmpeg
import CKernels
import Capture
import Engine
import Glibc

/// `hiyari bench preprocess`: Hiyari's preprocessing against libswscale on the same frames.
///
/// For a 1280x720 NV12 and YUV420P frame, times interleaved (A B A B ...) so that machine noise
/// hits every variant alike:
/// - Hiyari: letterboxed 320x192 float32 NCHW model input (resize, YUV to RGB, normalization and
///   bars), with the best kernel and again with CPU features masked (scalar reference);
/// - libswscale alone: sws_scale with SWS_BILINEAR to RGB24, into the same 320x180 content
///   rectangle of a 320x192 buffer (the same resampling work; it has no letterbox or
///   normalization), and stretched to the full 320x192;
/// - libswscale with SWS_FAST_BILINEAR, whose 2-tap horizontal filter is closer to ours.
struct BenchPreprocess: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "preprocess",
    abstract: "Preprocessing 1280x720 NV12/YUV420P to a 320x192 model input vs libswscale.")

  @Option(help: "Timed iterations per variant (at least 500).")
  var iterations = 1000

  @Option(help: "Untimed iterations per variant first.")
  var warmup = 100

  func validate() throws {
    guard iterations >= 500 else { throw ValidationError("--iterations must be at least 500") }
    guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
  }

  func run() throws {
    print(
      "preprocess: 1280x720 -> 320x192, \(iterations) iterations per variant after \(warmup) warm-up, interleaved"
    )
    print("kernel: \(Preprocessor.kernelName) (scalar when features are masked)")
    for format in [PixelFormat.nv12, .yuv420p] {
      try bench(format)
    }
  }

  private func bench(_ format: PixelFormat) throws {
    let frame = SyntheticFrame(format: format, width: 1280, height: 720)
    defer { frame.deallocate() }

    let spec = PreprocessSpec(
      width: 320, height: 192, resize: .letterbox(padding: .letterboxGray), layout: .nchw,
      encoding: .float32(.unitRange))
    let preprocessor = try Preprocessor(spec: spec)
    let tensor = try preprocessor.makeOutputTensor()

    let swscaleContent = try SwscalePeer(
      frame: frame, outputWidth: 320, outputHeight: 180, bufferHeight: 192, firstRow: 6, flags: SWS_BILINEAR)
    defer { swscaleContent.close() }
    let swscaleStretched = try SwscalePeer(
      frame: frame, outputWidth: 320, outputHeight: 192, bufferHeight: 192, firstRow: 0, flags: SWS_BILINEAR)
    defer { swscaleStretched.close() }
    let swscaleFast = try SwscalePeer(
      frame: frame, outputWidth: 320, outputHeight: 180, bufferHeight: 192, firstRow: 6,
      flags: SWS_FAST_BILINEAR)
    defer { swscaleFast.close() }

    let variants: [(name: String, body: () throws -> Void)] = [
      ("hiyari \(Preprocessor.kernelName)", { try preprocessor.process(frame.frame, into: tensor) }),
      ("swscale bilinear 320x180", { swscaleContent.convert() }),
      (
        "hiyari scalar",
        {
          hiyari_cpu_features_mask(0)
          defer { hiyari_cpu_features_mask(UInt32.max) }
          try preprocessor.process(frame.frame, into: tensor)
        }
      ),
      ("swscale bilinear 320x192", { swscaleStretched.convert() }),
      ("swscale fast_bilinear 320x180", { swscaleFast.convert() }),
    ]
    var samples = [[Double]](repeating: [], count: variants.count)
    for index in samples.indices { samples[index].reserveCapacity(iterations) }
    for round in 0..<(warmup + iterations) {
      for index in variants.indices {
        let start = Self.nanoseconds()
        try variants[index].body()
        let elapsed = Self.nanoseconds() - start
        if round >= warmup { samples[index].append(Double(elapsed) / 1e6) }
      }
    }

    print("\n\(format.rawValue) 1280x720 -> 320x192 (float32 NCHW letterboxed for hiyari)")
    print("  variant                         median ms    p90 ms   median / swscale bilinear 320x180")
    let peerMedian = Self.percentile(samples[1], 0.5)
    for (name, times) in zip(variants.map(\.name), samples) {
      let median = Self.percentile(times, 0.5)
      let p90 = Self.percentile(times, 0.9)
      print(
        "  \(Self.padded(name, 30)) \(Self.format(median, width: 10)) \(Self.format(p90, width: 9))"
          + "   \(Self.format(median / peerMedian, width: 6))")
    }
  }

  private static func nanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
  }

  private static func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction + 0.5))]
  }

  private static func format(_ value: Double, width: Int) -> String {
    let thousandths = Int((value * 1000).rounded())
    let fraction = String(thousandths % 1000)
    let text = "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    return String(repeating: " ", count: max(0, width - text.count)) + text
  }

  private static func padded(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
  }
}

/// A 1280x720 YUV frame with a deterministic pattern: diagonal luma gradients with fine texture
/// (so filters have work to do) and smooth chroma.
private final class SyntheticFrame {
  let frame: Frame
  let planes: [UnsafeMutablePointer<UInt8>]
  let pitches: [Int]

  init(format: PixelFormat, width: Int, height: Int) {
    let chromaWidth = (width + 1) / 2
    let chromaHeight = (height + 1) / 2
    let shapes =
      format == .nv12
      ? [(width, height), (2 * chromaWidth, chromaHeight)]
      : [(width, height), (chromaWidth, chromaHeight), (chromaWidth, chromaHeight)]
    planes = shapes.map { UnsafeMutablePointer<UInt8>.allocate(capacity: $0.0 * $0.1) }
    pitches = shapes.map(\.0)
    for y in 0..<height {
      for x in 0..<width {
        planes[0][y * width + x] = UInt8(truncatingIfNeeded: (x + 2 * y) / 8 + (x ^ y) % 16)
      }
    }
    for y in 0..<chromaHeight {
      for x in 0..<chromaWidth {
        let u = UInt8(truncatingIfNeeded: 64 + x * 128 / chromaWidth)
        let v = UInt8(truncatingIfNeeded: 192 - y * 128 / chromaHeight)
        if format == .nv12 {
          planes[1][y * 2 * chromaWidth + 2 * x] = u
          planes[1][y * 2 * chromaWidth + 2 * x + 1] = v
        } else {
          planes[1][y * chromaWidth + x] = u
          planes[2][y * chromaWidth + x] = v
        }
      }
    }
    frame = Frame(
      format: format, width: width, height: height,
      planes: zip(planes, shapes).map {
        FramePlane(base: UnsafeRawPointer($0), bytesPerRow: $1.0, rows: $1.1)
      })
  }

  func deallocate() { planes.forEach { $0.deallocate() } }
}

/// libswscale converting the frame to RGB24 on its own, context and buffers made once.
private final class SwscalePeer {
  private let context: OpaquePointer
  private let sources: [UnsafePointer<UInt8>?]
  private let sourceStrides: [Int32]
  private let output: UnsafeMutablePointer<UInt8>
  private let destinations: [UnsafeMutablePointer<UInt8>?]
  private let destinationStrides: [Int32]
  private let sourceHeight: Int32

  init(
    frame: SyntheticFrame, outputWidth: Int, outputHeight: Int, bufferHeight: Int, firstRow: Int, flags: Int32
  ) throws {
    let sourceFormat = frame.frame.format == .nv12 ? AV_PIX_FMT_NV12 : AV_PIX_FMT_YUV420P
    guard
      let context = sws_getContext(
        Int32(frame.frame.width), Int32(frame.frame.height), sourceFormat, Int32(outputWidth),
        Int32(outputHeight), AV_PIX_FMT_RGB24, flags, nil, nil, nil)
    else { throw ValidationError("libswscale cannot make this conversion") }
    self.context = context
    // BT.601 limited range in, full-range RGB out: what Hiyari's spec asks for.
    sws_setColorspaceDetails(
      context, sws_getCoefficients(SWS_CS_ITU601), 0, sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16,
      1 << 16)
    sources = frame.planes.map { UnsafePointer($0) } + [nil]
    sourceStrides = frame.pitches.map(Int32.init) + [0]
    output = .allocate(capacity: outputWidth * 3 * bufferHeight)
    destinations = [output + firstRow * outputWidth * 3, nil, nil, nil]
    destinationStrides = [Int32(outputWidth * 3), 0, 0, 0]
    sourceHeight = Int32(frame.frame.height)
  }

  func convert() {
    _ = sws_scale(context, sources, sourceStrides, 0, sourceHeight, destinations, destinationStrides)
  }

  func close() {
    sws_freeContext(context)
    output.deallocate()
  }
}
