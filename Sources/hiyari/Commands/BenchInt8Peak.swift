import ArgumentParser

/// `hiyari bench int8-peak`: the machine's int8 multiply-accumulate peak on the best kernel path.
struct BenchInt8Peak: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "int8-peak", abstract: "The int8 multiply-accumulate peak of this CPU's best kernel path.")

  @Option(help: "Threads running the peak loop at once.")
  var threads = 1

  func run() throws {
    guard threads >= 1, threads <= 256 else { throw ValidationError("--threads must be 1...256") }
    let peak = Int8Peak.measure(threads: threads)
    print("int8_peak_gmacs=\(formatDecimal(peak.gmacs, places: 2)) path=\(peak.path) threads=\(threads)")
  }
}
