import ArgumentParser
import Engine
import Offload

/// `hiyari plan`: the cut of a model between this device and the cloud that minimises expected
/// latency on a link, from a device profile and a cloud profile. Prints every candidate cut when
/// the graph has few (else the chain prefixes and the min-cut choice) and the choice.
struct PlanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Choose where to split a model between the device and the cloud for a link.",
    discussion: """
      Links: \(LinkProfile.all.map(\.name).joined(separator: ", ")) (aliases 3g, lte, wifi: the \
      Neurosurgeon uplinks). --uplink-mbps, --downlink-mbps and --rtt-ms override the named link's \
      figures, or describe a link without --link when all three are given. Total = device time of \
      the head + upload of each crossing tensor once + one RTT + cloud time of the tail + download \
      of the outputs the cloud computes.
      """)

  @OptionGroup var options: OffloadModelOptions

  @Option(help: "The device's profile (hiyari profile -o, or a board estimate).")
  var deviceProfile: String

  @Option(help: "The cloud's profile of the same model.")
  var cloudProfile: String

  @Option(help: "A named link profile.")
  var link: String?

  @Option(help: "Uplink rate, Mbit/s.")
  var uplinkMbps: Double?

  @Option(help: "Downlink rate, Mbit/s.")
  var downlinkMbps: Double?

  @Option(help: "Round-trip time, ms.")
  var rttMs: Double?

  @Option(help: "The most activation memory the head may use on the device, MB (10^6 bytes).")
  var memoryCapMb: Double?

  @Option(help: "The most bytes one frame may send up, kB (10^3 bytes).")
  var uplinkBudgetKb: Double?

  @Option(
    help: ArgumentHelp(
      "Upload size of the model input when it crosses, kB (a compressed frame, e.g. a JPEG); name=kB for one of several inputs.",
      valueName: "kB|name=kB"))
  var compressedInputKb: [String] = []

  @Option(help: "List every cut when the graph has at most this many, else chain prefixes and the min-cut.")
  var maximumCandidates = 64

  func validate() throws {
    if link == nil, uplinkMbps == nil || downlinkMbps == nil || rttMs == nil {
      throw ValidationError("give --link, or all of --uplink-mbps, --downlink-mbps and --rtt-ms")
    }
    if let link, LinkProfile.named(link) == nil {
      throw ValidationError(
        "--link \(link): unknown; one of \(LinkProfile.all.map(\.name).joined(separator: ", ")), 3g, lte, wifi"
      )
    }
    for (name, value) in [
      ("--uplink-mbps", uplinkMbps), ("--downlink-mbps", downlinkMbps), ("--rtt-ms", rttMs),
    ] {
      if let value, !(value >= 0 && value.isFinite) { throw ValidationError("\(name) must be a number >= 0") }
    }
    for (name, value) in [("--memory-cap-mb", memoryCapMb), ("--uplink-budget-kb", uplinkBudgetKb)] {
      if let value, !(value >= 0 && value < 1e9) { throw ValidationError("\(name) must be a number >= 0") }
    }
    guard maximumCandidates >= 1, maximumCandidates <= 1 << 16 else {
      throw ValidationError("--maximum-candidates must be in 1...65536")
    }
  }

  func run() throws {
    let (graph, identifier) = try options.load()
    let device = try ProfileCommand.read(deviceProfile)
    let cloud = try ProfileCommand.read(cloudProfile)
    for (path, profile) in [(deviceProfile, device), (cloudProfile, cloud)] where profile.model != identifier
    {
      printError("\(path) is a profile of model \(profile.model), not of \(options.model) (\(identifier))")
      throw ExitCode(1)
    }
    let named = link.flatMap(LinkProfile.named)
    var estimate =
      named?.estimate ?? LinkEstimate(uplinkBitsPerSecond: 0, downlinkBitsPerSecond: 0, roundTripSeconds: 0)
    if let uplinkMbps { estimate.uplinkBitsPerSecond = uplinkMbps * 1e6 }
    if let downlinkMbps { estimate.downlinkBitsPerSecond = downlinkMbps * 1e6 }
    if let rttMs { estimate.roundTripSeconds = rttMs / 1000 }
    let constraints = PlanConstraints(
      deviceMemoryBytes: memoryCapMb.map { Int($0 * 1e6) }, uplinkBytes: uplinkBudgetKb.map { Int($0 * 1e3) })

    let problem: PartitionProblem
    let chosen: Plan
    do {
      problem = try PartitionProblem(
        graph: graph, device: device, cloud: cloud, compressedInputBytes: try compressedInputs(graph))
      chosen = try PartitionPlanner().plan(problem, link: estimate, constraints: constraints)
    } catch let error as OffloadError {
      printError(error.description)
      throw ExitCode(1)
    }

    print(
      "model \(options.model) (\(identifier)), \(graph.nodes.count) nodes; device: \(describe(device)); cloud: \(describe(cloud))"
    )
    print(
      "link \(named?.name ?? "custom"): up \(formatDecimal(estimate.uplinkBitsPerSecond / 1e6, places: 3)) Mbit/s, down \(formatDecimal(estimate.downlinkBitsPerSecond / 1e6, places: 3)) Mbit/s, RTT \(formatDecimal(estimate.roundTripSeconds * 1000, places: 1)) ms\(named.map { " (\($0.source))" } ?? "")"
    )
    let rows: [(String, Plan)]
    if let heads = CutEnumeration.heads(of: problem, limit: maximumCandidates) {
      print("every cut (\(heads.count)), by head size:")
      let plans = heads.map { problem.evaluate(head: $0, link: estimate) }
      rows = plans.indices.sorted { (plans[$0].headNodes.count, $0) < (plans[$1].headNodes.count, $1) }
        .map { (plans[$0].label, plans[$0]) }
    } else {
      print(
        "chain prefixes (\(graph.nodes.count + 1) of more than \(maximumCandidates) cuts) and the min-cut:")
      rows =
        problem.prefixHeads.enumerated().map { count, head in
          let plan = problem.evaluate(head: head, link: estimate)
          return (
            count == 0
              ? "cloud-only" : count == graph.nodes.count ? "device-only" : "after \(plan.headNodes.last!)",
            plan
          )
        } + [("min-cut: " + chosen.label, chosen)]
    }
    printTable(rows, chosen: chosen, constraints: constraints)
    let best = rows.map(\.1).filter { $0.satisfies(constraints) }
    let deviceOnly = problem.evaluate(
      head: [Bool](repeating: true, count: problem.nodes.count), link: estimate)
    let cloudOnly = problem.evaluate(
      head: [Bool](repeating: false, count: problem.nodes.count), link: estimate)
    let prefixBest = problem.prefixHeads.map { problem.evaluate(head: $0, link: estimate) }
      .filter { $0.satisfies(constraints) }.map(\.totalMilliseconds).min()
    print(
      "choice (\(chosen.method?.rawValue ?? "-")): \(chosen.label); \(chosen.headNodes.count) of \(graph.nodes.count) nodes on the device; uploads \(chosen.uploaded.map { "\($0.name) (\($0.bytes) B)" }.joined(separator: ", ").ifEmpty("nothing"))"
    )
    print(
      "summary: total_ms=\(ms(chosen.totalMilliseconds)) device_ms=\(ms(chosen.deviceMilliseconds)) transfer_ms=\(ms(chosen.transferMilliseconds)) cloud_ms=\(ms(chosen.cloudMilliseconds)) uplink_bytes=\(chosen.uplinkBytes) head_arena_bytes=\(chosen.headArenaBytes) device_only_ms=\(ms(deviceOnly.totalMilliseconds)) cloud_only_ms=\(ms(cloudOnly.totalMilliseconds)) best_prefix_ms=\(prefixBest.map(ms) ?? "-") speedup_over_best_single_side=\(formatDecimal(min(deviceOnly.totalMilliseconds, cloudOnly.totalMilliseconds) / chosen.totalMilliseconds, places: 2)) feasible_rows=\(best.count)"
    )
  }

  private func describe(_ profile: DeviceProfile) -> String {
    let what =
      profile.estimate ? "estimate for \(profile.board ?? "?")" : "measured on \(profile.machine.cpuModel)"
    return "\(what), \(profile.threads) thread(s), \(ms(profile.totalMilliseconds)) ms"
  }

  private func printTable(_ rows: [(String, Plan)], chosen: Plan, constraints: PlanConstraints) {
    let header = [
      "cut", "head", "device ms", "up bytes", "transfer ms", "cloud ms", "total ms", "head arena", "",
    ]
    let cells = rows.map { label, plan in
      var note: [String] = []
      if plan.headMask == chosen.headMask { note.append("<- chosen") }
      if let cap = constraints.deviceMemoryBytes, plan.headArenaBytes > cap { note.append("over memory cap") }
      if let budget = constraints.uplinkBytes, plan.uplinkBytes > budget { note.append("over uplink budget") }
      return [
        label, String(plan.headNodes.count), ms(plan.deviceMilliseconds), String(plan.uplinkBytes),
        ms(plan.transferMilliseconds), ms(plan.cloudMilliseconds), ms(plan.totalMilliseconds),
        String(plan.headArenaBytes), note.joined(separator: ", "),
      ]
    }
    let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max() ?? 0 }
    for row in [header] + cells {
      let line = row.enumerated().map { column, cell in
        let pad = String(repeating: " ", count: widths[column] - cell.count)
        return column == 0 || column == row.count - 1 ? cell + pad : pad + cell
      }.joined(separator: "  ")
      print(String(line.reversed().drop { $0 == " " }.reversed()))
    }
  }

  /// `--compressed-input-kb` as bytes by input name.
  private func compressedInputs(_ graph: Graph) throws -> [String: Int] {
    var result: [String: Int] = [:]
    for text in compressedInputKb {
      let parts = text.split(separator: "=", maxSplits: 1)
      let name = parts.count == 2 ? String(parts[0]) : graph.inputs.count == 1 ? graph.inputs[0].name : ""
      guard graph.inputs.contains(where: { $0.name == name }) else {
        throw ValidationError(
          "--compressed-input-kb \(text): name one of the inputs (\(graph.inputs.map(\.name).joined(separator: ", ")))"
        )
      }
      guard let kilobytes = Double(parts.last!), kilobytes >= 0, kilobytes < 1e9 else {
        throw ValidationError("--compressed-input-kb \(text): a size in kB")
      }
      result[name] = Int(kilobytes * 1000)
    }
    return result
  }

  private func ms(_ value: Double) -> String { formatDecimal(value, places: 2) }
}

extension String {
  fileprivate func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
