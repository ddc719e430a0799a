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
      slows this machine to that estimate (a board the estimate puts faster than this machine \
      cannot be emulated: with --boards all it is skipped with a notice). The cloud profile comes \
      from the server. Per cut: one warm-up frame, then up to --frames frames, at least 3, stopped \
      once --cut-seconds of measured frames have passed (a raw frame takes about 2 s over 3G). \
      Frames are camera-like (8-bit pixels), so a cloud-only frame crosses as its raw 8-bit codes \
      and the planner prices it so. Boards: \(TargetBoard.all.map(\.name).joined(separator: ", ")). \
      Links: \(LinkProfile.all.map(\.name).joined(separator: ", ")).
      """)

  @OptionGroup var options: OffloadModelOptions

  @Option(help: "The tail server, HOST:PORT.")
  var server: String

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
    if mkdir(out, 0o755) != 0 && errno != EEXIST {
      printError("\(out): cannot create the folder: \(String(cString: strerror(errno)))")
      throw ExitCode(1)
    }
    let (graph, identifier) = try options.load()
    let links = try linkProfiles()
    do {
      let frame = try SyntheticInputs.pixels(for: graph)

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
      let cloud = try NetworkSplitMeasurer.cloudProfile(server: server, modelHash: identifier)
      print(
        "server: \(cloud.machine.cpuModel), \(formatDecimal(cloud.totalMilliseconds, places: 2)) ms per frame"
      )
      var devices: [SplitBenchmarkDevice] = []
      for board in try targetBoards() {
        do throws(OffloadError) {
          let device = try SplitBenchmarkDevice.emulating(board, measured: host, hostCompute: compute)
          devices.append(device)
          print(
            "\(board.name): estimated \(formatDecimal(device.profile.totalMilliseconds, places: 2)) ms per frame, emulated in \(formatDecimal(device.cpus ?? 0, places: 3)) CPUs"
          )
        } catch {
          guard boards == "all" else { throw error }
          printNotice("\(board.name) skipped: \(error.description)")
        }
      }
      guard !devices.isEmpty else { throw OffloadError("no board can be emulated on this machine") }

      var options = NetworkSplitMeasurerOptions(quotaName: "hiyari-bench-split-\(getpid())")
      options.threads = threads
      options.cutSeconds = cutSeconds
      options.minimumFrames = min(3, frames)
      let measurer = try NetworkSplitMeasurer(
        graph: graph, modelHash: identifier, server: server, links: links,
        emulator: NetemProcesses(executable: netemPath), inputs: frame, options: options)
      let benchmark = SplitBenchmark(
        graph: graph, cloud: cloud, devices: devices, links: links, frames: frames,
        compressedInputBytes: SyntheticInputs.codeBytes(of: graph), measuredLimit: candidates)
      var progress = BenchSplitProgress(measurer: measurer)
      let report: SplitBenchmarkReport
      do {
        report = try benchmark.run(&progress)
      } catch {
        try? measurer.finish()
        throw error
      }
      try measurer.finish()
      for record in measurer.quotaRecords {
        print(
          "quota \(record.device): \(formatDecimal(record.cpus, places: 3)) CPUs (period \(record.periodMicroseconds) us), throttled in \(record.statistics.throttledPeriods) of \(record.statistics.periods) periods"
        )
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
