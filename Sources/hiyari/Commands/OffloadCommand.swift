import ArgumentParser
import Capture
import Engine
import FoundationEssentials
import Offload

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari offload`: a video file through the model, split between this device and a tail
/// server by an `OffloadController` (the cut planned on the live link estimate, or fixed), with
/// `--verify` comparing every frame's outputs with the whole model run here, bit for bit.
struct OffloadCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "offload",
    abstract: "Run a clip through the model split between this device and a tail server.",
    discussion: """
      Each frame is decoded, letterboxed to the model's input and run through the offload \
      controller. --cut auto plans the cut on the live link estimate (re-planned with hysteresis); \
      device, cloud or tensor names (comma-separated) fix it. Prints a line every --every frames \
      and a summary: line (or JSON with --json). Exit status 1 when a frame lost its outputs or, \
      with --verify, differs from the device-only outputs.
      """)

  @OptionGroup var options: OffloadModelOptions

  @Option(help: "The tail server, HOST:PORT (hiyari-fleet serve).")
  var server: String

  @OptionGroup var tlsOptions: OffloadTLSOptions

  @Option(help: "A video file (or stream) to decode.")
  var source: String

  @Option(help: "Frames to run (0: the whole clip).")
  var frames = 0

  @Option(
    help: ArgumentHelp(
      "Where to cut: auto, device, cloud or tensor names.", valueName: "auto|device|cloud|t1,t2"))
  var cut = "auto"

  @Flag(help: "Also run the whole model here and compare outputs bit for bit.")
  var verify = false

  @Option(help: "Frames in flight at most.")
  var window = 4

  @Option(help: "Each frame's latency budget, ms: an offload not answered by then runs here.")
  var budgetMs = 250.0

  @Option(help: "Threads per compiled part.")
  var threads = 1

  @Option(help: "The link assumed before any measurement (a named link profile).")
  var link = "lte"

  @Option(help: "This device's profile of the model (hiyari profile -o); measured now when absent.")
  var deviceProfile: String?

  @Flag(help: "Submit frames at the clip's own pace (its timestamps) instead of as fast as they decode.")
  var realtime = false

  @Option(help: "Print a progress line every N frames (0: none).")
  var every = 10

  @Flag(help: "Print the summary as JSON (with every frame) instead of a summary: line.")
  var json = false

  func validate() throws {
    guard frames >= 0 else { throw ValidationError("--frames must be 0 or more") }
    guard (1...64).contains(window) else { throw ValidationError("--window must be in 1...64") }
    guard budgetMs > 0, budgetMs.isFinite, budgetMs <= 600_000 else {
      throw ValidationError("--budget-ms must be a positive number of ms")
    }
    guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1...64") }
    guard every >= 0 else { throw ValidationError("--every must be 0 or more") }
    guard LinkProfile.named(link) != nil else {
      throw ValidationError(
        "--link \(link): unknown; one of \(LinkProfile.all.map(\.name).joined(separator: ", ")), 3g, lte, wifi"
      )
    }
    _ = try policy(for: nil)
    _ = try OffloadClientConfiguration(address: server)
  }

  /// The cut policy `--cut` names; checks tensor names against `graph` when given.
  func policy(for graph: Graph?) throws -> CutPolicy {
    switch cut {
    case "auto": return .automatic
    case "device": return .fixed(.deviceOnly)
    case "cloud": return .fixed(.cloudOnly)
    default:
      let names = cut.split(separator: ",").map { String($0) }
      guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
        throw ValidationError("--cut \(cut): auto, device, cloud or comma-separated tensor names")
      }
      let chosen = Cut(crossing: names)
      if let graph {
        do { _ = try chosen.partition(graph.validated()) } catch {
          throw ValidationError("--cut \(cut): \(error.description)")
        }
      }
      return .fixed(.split(chosen))
    }
  }

  func run() throws {
    let (graph, identifier) = try options.load()
    let policy = try policy(for: graph)
    guard graph.inputs.count == 1, let input = graph.inputs.first, input.elementType == .float32,
      case let shape = input.shape, shape.count == 4, shape[0] == 1, shape[1] == 3
    else {
      printError("\(options.model): expected one float input of shape 1x3xHxW (an image model)")
      throw ExitCode(1)
    }
    // 8-bit output, then code / 255: frames cross the link as their codes (`PixelCodes.pixels`).
    let spec = PreprocessSpec(width: shape[3], height: shape[2], encoding: .uint8)
    let profile: DeviceProfile
    do {
      if let deviceProfile {
        profile = try ProfileCommand.read(deviceProfile)
      } else {
        profile = try Profiler(threads: threads, runs: 10, warmup: 2).profile(graph, model: identifier)
      }
    } catch let error as GraphError {
      printError("profiling \(options.model): \(error.description)")
      throw ExitCode(1)
    }
    var client = try OffloadClientConfiguration(address: server)
    client.tls = try tlsOptions.tls()
    var configuration = OffloadControllerConfiguration(
      client: client, prior: LinkProfile.named(link)!.estimate)
    configuration.policy = policy
    configuration.threads = threads
    configuration.window = window
    configuration.budgetSeconds = budgetMs / 1000
    let controller: OffloadController
    do {
      controller = try OffloadController(
        graph: graph, modelHash: identifier, deviceProfile: profile, configuration: configuration)
    } catch {
      printError(error.description)
      throw ExitCode(1)
    }
    let run = Run(
      controller: controller, graph: graph, spec: spec, source: source, frames: frames, verify: verify,
      window: window, threads: threads, realtime: realtime, every: every, json: json)
    let summary = try runBlocking { try await run.go() }
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      print(String(decoding: try encoder.encode(summary), as: UTF8.self))
    } else {
      print(summary.line)
    }
    if summary.frames == 0 {
      printError("\(source): no frames")
      throw ExitCode(1)
    }
    if summary.lost > 0 || summary.mismatches > 0 { throw ExitCode(1) }
  }

  /// The frame loop, run on a task: decode, preprocess, submit, collect.
  struct Run: Sendable {
    let controller: OffloadController
    let graph: Graph
    let spec: PreprocessSpec
    let source: String
    let frames: Int
    let verify: Bool
    let window: Int
    let threads: Int
    let realtime: Bool
    let every: Int
    let json: Bool

    func go() async throws -> OffloadSummary {
      let media: MediaSource
      let preprocessor: Preprocessor
      do {
        media = try MediaSource(source)
        preprocessor = try Preprocessor(spec: spec)
      } catch {
        printError("\(error)")
        throw ExitCode(1)
      }
      defer { media.close() }
      let reference = verify ? try CompiledModel(graph: graph, threadCount: threads) : nil
      if !(try await controller.start()) {
        printNotice("the server was not reached yet: frames run on the device until it is")
      }
      let inputName = graph.inputs[0].name
      let outputs = Set(graph.outputs)
      var summary = OffloadSummary()
      var pending: [(frame: PendingControlledFrame, inputs: [String: Tensor])] = []
      let start = MonotonicClock.nanoseconds()
      var firstTimestamp: Int64?

      func collect() async throws {
        let (waiting, inputs) = pending.removeFirst()
        let frame = await waiting.result()
        let complete = Set(frame.result.outputs.keys) == outputs
        var matches: Bool?
        if let reference {
          let expected = try reference.run(inputs)
          matches =
            complete
            && expected.allSatisfy { name, tensor in
              frame.result.outputs[name].map { Array($0.bytes) == Array(tensor.bytes) } ?? false
            }
        }
        summary.record(frame, complete: complete, matches: matches)
        if every > 0, summary.frames % every == 0, !json {
          let estimate = frame.estimate.estimate
          print(
            "frames=\(summary.frames) offloaded=\(summary.offloaded) fell_back=\(summary.fellBack.values.reduce(0, +)) mismatches=\(summary.mismatches) cut=\(OffloadSummary.label(frame.result.mode)) plan=\(frame.plan?.label ?? "-") ms=\(formatDecimal(frame.result.totalSeconds * 1000, places: 2)) link: up=\(formatDecimal(estimate.uplinkBitsPerSecond / 1e6, places: 3)) down=\(formatDecimal(estimate.downlinkBitsPerSecond / 1e6, places: 3)) rtt=\(formatDecimal(estimate.roundTripSeconds * 1000, places: 1))ms"
          )
          fflush(nil)
        }
      }

      var id: UInt64 = 0
      while frames == 0 || Int(id) < frames {
        let decoded: Frame?
        do { decoded = try media.nextFrame() } catch {
          printError(error.description)
          break
        }
        guard let decoded else { break }
        if realtime {
          let first = firstTimestamp ?? decoded.timestampNanoseconds
          firstTimestamp = first
          let due = Double(decoded.timestampNanoseconds - first) / 1e9
          let elapsed = Double(MonotonicClock.nanoseconds() &- start) / 1e9
          if due > elapsed { try? await Task.sleep(for: .seconds(min(due - elapsed, 10))) }
        }
        let codes = try preprocessor.makeOutputTensor()
        try preprocessor.process(decoded, into: codes)
        guard let tensor = PixelCodes.pixels(of: codes) else {
          throw OffloadError("preprocessing gave \(codes.elementType), not 8-bit codes")
        }
        let inputs = [inputName: tensor]
        pending.append((try await controller.submit(frameID: id, inputs: inputs), inputs))
        id += 1
        if pending.count >= window { try await collect() }
      }
      while !pending.isEmpty { try await collect() }
      let estimate = controller.link.estimate
      summary.finish(
        estimate: estimate, probes: await controller.probesSent, probeBytes: await controller.probeBytes)
      await controller.stop()
      return summary
    }
  }
}
