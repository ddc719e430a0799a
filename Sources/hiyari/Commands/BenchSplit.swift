import ArgumentParser
import Engine
import Offload

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari bench-split`: the measured end-to-end latency of the candidate cuts of a model for
/// each target board (emulated here by a CPU quota) and each link profile (emulated by a
/// `hiyari-netem` process in front of the server), against the planner's choice.
struct BenchSplit: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench-split",
    abstract:
      "Measure split offload per board and link: every candidate cut, the planner's choice, the oracle.",
    discussion: """
      Needs a running tail server (hiyari-fleet serve --model SAME-MODEL), hiyari-netem, and root \
      (the boards are emulated by cgroup v1 CPU quotas). This machine's profile is measured first \
      (--threads) and scaled by the CPU share the process got (other processes on a shared core \
      inflate wall time, while a quota's share is given whole); each board's is estimated from it, and the device side runs in the quota that \
      slows this machine to that estimate. A board the estimate puts faster than this machine runs \
      in dilated time: the device in a quota of 0.8 CPU per thread, the server (--server-pid, in a \
      quota of --server-cpus over the same factor) and the link all that many times slower, and \
      the measured latencies divided by the factor; without --server-pid such a board is skipped \
      with a notice. The cloud profile comes from the server. Per cut: one warm-up frame, then up \
      to --frames frames, at least 3, stopped once --cut-seconds of measured frames have passed. \
      The frame is a real one (--frame, decoded and preprocessed): a cloud-only frame crosses as \
      its 8-bit pixel codes, predicted and deflated (lossless; --no-compress sends them raw), and \
      the planner prices it with the size and the compression time measured on that frame. \
      Boards: \(TargetBoard.all.map(\.name).joined(separator: ", ")). \
      Links: \(LinkProfile.all.map(\.name).joined(separator: ", ")).
      """)

  @OptionGroup var options: OffloadModelOptions

  @Option(help: "The tail server, HOST:PORT.")
  var server: String

  @OptionGroup var tlsOptions: OffloadTLSOptions

  @Option(
    help:
      "The tail server's process id: boards faster than this machine run in dilated time, which slows the server too (it must run on this machine)."
  )
  var serverPid: Int32?

  @Option(help: "CPUs the tail server uses (its --threads), for its quota in dilated time.")
  var serverCpus = 1.0

  @Option(
    help: ArgumentHelp(
      "The video whose frame is measured (decoded and preprocessed), or random (random pixels, incompressible).",
      valueName: "video|random"))
  var frame = "Models/samples/sample-640x360.mp4"

  @Option(help: "Which frame of --frame, from 0.")
  var frameIndex = 30

  @Flag(help: "Send a cloud-only frame's pixel codes raw instead of predicted and deflated.")
  var noCompress = false

  @Option(help: "The hiyari-netem executable (default: next to this one).")
  var netem: String?

  @Option(help: "Link profiles, comma-separated (default: all).")
  var links: String?

  @Option(help: "Boards, comma-separated, or all.")
  var boards = "all"

  @Option(help: "The most frames measured per cut.")
  var frames = 5

  @Option(
    help:
      "The most cuts measured per cell (device-only, cloud-only, the choice, the fastest predicted, a spread of the rest)."
  )
  var candidates = 12

  @Option(help: "Time cap per cut, seconds of measured frames (at least 3 frames are measured).")
  var cutSeconds = 5.0

  @Option(help: "Write bench-split.md, .json and .svg into this folder.")
  var out = "."

  @Option(help: "Threads of the device side (and of this machine's profile).")
  var threads = 1

  @Option(help: "This machine's sustained clock in GHz for the board estimates (default: /proc/cpuinfo).")
  var hostGhz: Double?

  func validate() throws {
    guard frames >= 1, frames <= 10_000 else { throw ValidationError("--frames must be in 1...10000") }
    guard candidates >= 3, candidates <= 4096 else {
      throw ValidationError(
        "--candidates must be in 3...4096 (device-only, cloud-only and the choice at least)")
    }
    guard cutSeconds > 0, cutSeconds <= 3600 else {
      throw ValidationError("--cut-seconds must be in (0, 3600]")
    }
    guard threads >= 1, threads <= 256 else { throw ValidationError("--threads must be in 1...256") }
    if let hostGhz, !(hostGhz > 0 && hostGhz < 10) { throw ValidationError("--host-ghz must be in (0, 10)") }
    if let serverPid, serverPid <= 0 || kill(serverPid, 0) != 0 {
      throw ValidationError("--server-pid \(serverPid): no such process")
    }
    guard serverCpus >= 0.01, serverCpus <= 1024 else {
      throw ValidationError("--server-cpus must be in 0.01...1024")
    }
    guard frameIndex >= 0, frameIndex <= 100_000 else {
      throw ValidationError("--frame-index must be in 0...100000")
    }
    _ = try linkProfiles()
    _ = try targetBoards()
    _ = try OffloadClientConfiguration(address: server)
  }

  func run() throws {
    guard getuid() == 0 else {
      printError("bench-split emulates boards with cgroup CPU quotas, which need root: run it as root")
      throw ExitCode(1)
    }
    let netemPath = netem ?? ChildProcess.siblingExecutable("hiyari-netem")
    guard access(netemPath, X_OK) == 0 else {
      printError(
        "hiyari-netem not found at \(netemPath): build it (swift build --product hiyari-netem) or pass --netem PATH"
      )
      throw ExitCode(1)
    }
    try makeFolder(out)
    let (graph, identifier) = try options.load()
    let links = try linkProfiles()
    let tls = try tlsOptions.tls()
    do {
      let inputs = try BenchSplitFrame.inputs(for: graph, video: frame, index: frameIndex)
      let uploads = try InputUpload.measure(inputs, of: graph, compressing: !noCompress, repeats: 20)
      for (name, upload) in uploads.sorted(by: { $0.key < $1.key }) {
        let raw = graph.inputs.first { $0.name == name }.map(\.elementCount) ?? 0
        print(
          "frame \(frame)\(frame == BenchSplitFrame.random ? "" : " #\(frameIndex)"): input \(name) crosses as \(upload.bytes) bytes (8-bit codes: \(raw)\(noCompress ? ", not compressed" : ", compressed in \(formatDecimal(upload.encodeSeconds * 1000, places: 2)) ms here"))"
        )
      }

      print("measuring this machine's profile (\(threads) thread(s))...")
      let measured = try Profiler(threads: threads, runs: 30, warmup: 5).profile(graph, model: identifier)
      let share = try ContentionCorrection.cpuShare(of: graph)
      let host = ContentionCorrection.corrected(measured, share: share)
      print(
        "measured \(formatDecimal(measured.totalMilliseconds, places: 2)) ms per frame with \(formatDecimal(share * 100, places: 0))% of the core (the rest taken by other processes): \(formatDecimal(host.totalMilliseconds, places: 2)) ms on the core alone"
      )
      let compute = ComputeDescription.current(machine: host.machine, clockGHz: hostGhz)
      print(
        "this machine: \(host.machine.cpuModel), \(formatDecimal(host.totalMilliseconds, places: 2)) ms per frame; asking the server \(server) for its profile..."
      )
      let cloud = try NetworkSplitMeasurer.cloudProfile(server: server, modelHash: identifier, tls: tls)
      print(
        "server: \(cloud.machine.cpuModel), \(formatDecimal(cloud.totalMilliseconds, places: 2)) ms per frame"
      )
      var devices: [SplitBenchmarkDevice] = []
      for board in try targetBoards() {
        do throws(OffloadError) {
          var device = try SplitBenchmarkDevice.emulating(
            board, measured: host, hostCompute: compute, dilate: serverPid != nil)
          // Compression runs on the board as the model does: scaled by the same ratio.
          let slowdown = device.profile.totalMilliseconds / host.totalMilliseconds
          device.inputEncodeSeconds = uploads.mapValues { $0.encodeSeconds * slowdown }
          devices.append(device)
          print(
            "\(board.name): estimated \(formatDecimal(device.profile.totalMilliseconds, places: 2)) ms per frame, emulated in \(formatDecimal(device.cpus ?? 0, places: 3)) CPUs\(device.timeScale == 1 ? "" : " in time dilated \(formatDecimal(device.timeScale, places: 3))x (server in \(formatDecimal(serverCpus / device.timeScale, places: 3)) CPUs)")"
          )
        } catch {
          guard boards == "all" else { throw error }
          printNotice(
            "\(board.name) skipped: \(error.description)\(serverPid == nil ? " (pass --server-pid to run it in dilated time)" : "")"
          )
        }
      }
      guard !devices.isEmpty else { throw OffloadError("no board can be emulated on this machine") }

      var options = NetworkSplitMeasurerOptions(quotaName: "hiyari-bench-split-\(getpid())")
      options.threads = threads
      options.cutSeconds = cutSeconds
      options.minimumFrames = min(3, frames)
      options.serverPID = serverPid
      options.serverCPUs = serverCpus
      options.compressesInputs = !noCompress
      options.tls = tls
      // Ctrl-C leaves no quota behind (the server would stay throttled); the hiyari-netem
      // processes stop by themselves when this process goes.
      let interrupt = InterruptHandler { [options] in NetworkSplitMeasurer.removeQuotaGroups(options) }
      defer { interrupt.cancel() }
      let measurer = try NetworkSplitMeasurer(
        graph: graph, modelHash: identifier, server: server, links: links,
        emulator: NetemProcesses(executable: netemPath), inputs: inputs, options: options,
        timeScales: Array(Set(devices.map(\.timeScale))).sorted())
      let benchmark = SplitBenchmark(
        graph: graph, cloud: cloud, devices: devices, links: links, frames: frames,
        compressedInputBytes: uploads.mapValues(\.bytes), measuredLimit: candidates)
      var progress = BenchSplitProgress(measurer: measurer)
      let report: SplitBenchmarkReport
      do {
        report = try benchmark.run(&progress)
      } catch {
        try? measurer.finish()
        throw error
      }
      try measurer.finish()
      for calibration in measurer.calibrations {
        print(
          "calibrated \(calibration.device): \(formatDecimal(calibration.estimatedCPUs, places: 3)) -> \(formatDecimal(calibration.cpus, places: 3)) CPUs in \(calibration.rounds) round(s): device-only \(formatDecimal(calibration.measuredMilliseconds, places: 2)) ms against \(formatDecimal(calibration.targetMilliseconds, places: 2)) ms (\(formatDecimal(calibration.ratio, places: 3))x)"
        )
      }
      for (side, records) in [("", measurer.quotaRecords), ("server ", measurer.serverQuotaRecords)] {
        for record in records {
          print(
            "\(side)quota \(record.device): \(formatDecimal(record.cpus, places: 3)) CPUs (period \(record.periodMicroseconds) us), throttled in \(record.statistics.throttledPeriods) of \(record.statistics.periods) periods"
          )
        }
      }
      let paths = try report.write(to: out)
      print("")
      print(report.summaryMarkdown())
      let within = report.cells.filter { $0.choiceWithin(0.1) }.count
      print("choice within 10% of the oracle in \(within) of \(report.cells.count) cells")
      print("wrote \(paths.joined(separator: ", "))")
    } catch let error as OffloadError {
      printError(error.description)
      throw ExitCode(1)
    } catch let error as GraphError {
      printError("\(options.model): \(error.description)")
      throw ExitCode(1)
    } catch let error as TensorError {
      printError("\(options.model): \(error)")
      throw ExitCode(1)
    }
  }

  func linkProfiles() throws -> [LinkProfile] {
    guard let links else { return LinkProfile.all }
    return try links.split(separator: ",").map { name in
      guard let profile = LinkProfile.named(String(name)) else {
        throw ValidationError(
          "--links: unknown link \(name); known: \(LinkProfile.all.map(\.name).joined(separator: ", ")), 3g, lte, wifi"
        )
      }
      return profile
    }
  }

  func targetBoards() throws -> [TargetBoard] {
    if boards == "all" { return TargetBoard.all }
    return try boards.split(separator: ",").map { name in
      guard let board = TargetBoard.named(String(name)) else {
        throw ValidationError(
          "--boards: unknown board \(name); known: all, \(TargetBoard.all.map(\.name).joined(separator: ", "))"
        )
      }
      return board
    }
  }

}
