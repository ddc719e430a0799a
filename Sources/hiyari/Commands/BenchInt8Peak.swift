import ArgumentParser
import CKernels

/// `hiyari bench int8-peak`: the machine's int8 multiply-accumulate peak on the best kernel path.
struct BenchInt8Peak: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "int8-peak", abstract: "The int8 multiply-accumulate peak of this CPU's best kernel path.")

  @Option(help: "Threads running the peak loop at once.")
  var threads = 1

  @Flag(help: "Every path this CPU has, not only the best.")
  var allPaths = false

  func run() throws {
    guard threads >= 1, threads <= 256 else { throw ValidationError("--threads must be 1...256") }
    let paths: [(id: Int32, name: String)?] =
      allPaths ? Int8Peak.paths.filter { hiyari_int8_peak($0.id, 1) > 0 } : [nil]
    for path in paths {
      let peak = Int8Peak.measure(threads: threads, path: path)
      print("int8_peak_gmacs=\(formatDecimal(peak.gmacs, places: 2)) path=\(peak.path) threads=\(threads)")
    }
  }
}
