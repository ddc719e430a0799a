import ArgumentParser
import Engine
import FoundationEssentials
import Offload

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari profile`: per-node latency of a model on this machine (warm medians at a thread
/// count), saved as a `DeviceProfile` for `hiyari plan`; with `--board`, the profile estimated
/// for a target board from this machine's measurement and the board's published compute.
struct ProfileCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "profile",
    abstract: "Per-node latency of a model here (or estimated for a target board), as JSON for `plan`.",
    discussion: """
      Boards: \(TargetBoard.all.map(\.name).joined(separator: ", ")). With --board all, -o names a folder \
      that gets <board>.json for each. An estimate scales this machine's measured node times by \
      the ratio of per-core peaks and is labelled "estimate": true with its basis.
      """)

  @OptionGroup var options: OffloadModelOptions

  @Option(help: "Threads to run with (the times hold for this count only).")
  var threads = 1

  @Option(help: "Timed runs behind each median.")
  var runs = 50

  @Option(help: "Untimed runs first.")
  var warmup = 5

  @Option(name: .shortAndLong, help: "Write the profile JSON here (a folder with --board all).")
  var output: String?

  @Option(help: "Estimate for a target board (or all of them) instead of describing this machine.")
  var board: String?

  @Option(help: "Derive the estimate from this measured profile instead of measuring now.")
  var from: String?

  @Option(help: "This machine's sustained clock in GHz for estimates (default: /proc/cpuinfo's cpu MHz).")
  var hostGhz: Double?

  func validate() throws {
    guard threads >= 1, threads <= 256 else { throw ValidationError("--threads must be in 1...256") }
    guard runs >= 1, runs <= 100_000 else { throw ValidationError("--runs must be in 1...100000") }
    guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more") }
    if let board, board != "all", TargetBoard.named(board) == nil {
      throw ValidationError(
        "--board \(board): unknown; one of all, \(TargetBoard.all.map(\.name).joined(separator: ", "))")
    }
    if board == "all", output == nil { throw ValidationError("--board all needs -o <folder>") }
    if from != nil, board == nil { throw ValidationError("--from derives a board estimate: give --board") }
    if let hostGhz, !(hostGhz > 0 && hostGhz < 10) { throw ValidationError("--host-ghz must be in (0, 10)") }
  }

  func run() throws {
    let (graph, identifier) = try options.load()
    let measured: DeviceProfile
    if let from {
      measured = try Self.read(from)
      guard measured.model == identifier else {
        printError("\(from) is a profile of model \(measured.model), not of \(options.model) (\(identifier))")
        throw ExitCode(1)
      }
    } else {
      do {
        measured = try Profiler(threads: threads, runs: runs, warmup: warmup).profile(
          graph, model: identifier)
      } catch {
        printError("\(options.model): \(error.description)")
        throw ExitCode(1)
      }
    }
    guard let board else {
      Self.printTable(measured, graph: graph)
      if let output { try Self.write(measured, to: output) }
      return
    }
    let host = ComputeDescription.current(machine: measured.machine, clockGHz: hostGhz)
    let boards = board == "all" ? TargetBoard.all : [TargetBoard.named(board)!]
    if board == "all", let output { try makeFolder(output) }
    for target in boards {
      let estimate: DeviceProfile
      do {
        estimate = try BoardEstimate.derive(from: measured, host: host, board: target)
      } catch {
        printError(error.description)
        throw ExitCode(1)
      }
      print("\(target.name): \(estimate.basis ?? "")")
      Self.printTable(estimate, graph: graph)
      if let output {
        try Self.write(estimate, to: board == "all" ? "\(output)/\(target.name).json" : output)
      }
    }
  }

  /// The node table and a `summary:` line.
  static func printTable(_ profile: DeviceProfile, graph: Graph) {
    print("node                                      op                    ms  output bytes")
    for node in graph.nodes {
      let bytes = node.outputs.compactMap { profile.tensorBytes[$0] }.reduce(0, +)
      print(
        "\(pad(node.name, 41)) \(pad(node.op, 16)) \(left(formatDecimal(profile.nodeMilliseconds[node.name] ?? .nan, places: 3), 8))  \(left(String(bytes), 12))"
      )
    }
    print(
      "summary: model=\(profile.model) machine=\"\(profile.machine.cpuModel)\" threads=\(profile.threads) runs=\(profile.runs) nodes=\(profile.nodeMilliseconds.count) total_ms=\(formatDecimal(profile.totalMilliseconds, places: 3)) estimate=\(profile.estimate)\(profile.board.map { " board=\($0)" } ?? "")"
    )
  }

  static func read(_ path: String) throws -> DeviceProfile {
    do {
      let file = try MappedFile(path: path, maximumBytes: 64 << 20)
      return try JSONDecoder().decode(DeviceProfile.self, from: Data(file.bytes))
    } catch let error as GraphError {
      printError(error.description)
      throw ExitCode(1)
    } catch {
      printError("\(path): not a device profile (\(error))")
      throw ExitCode(1)
    }
  }

  static func write(_ profile: DeviceProfile, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
      try DurableFile.write(Array(try encoder.encode(profile)), to: path)
    } catch let error as DurableFile.WriteError {
      printError(error.description)
      throw ExitCode(1)
    }
    print("wrote \(path)")
  }

  static func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
  }

  static func left(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
  }
}
