import ArgumentParser
import Capture
import FoundationEssentials

/// `hiyari devices`: the V4L2 cameras on this machine and what they offer.
struct Devices: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List V4L2 devices with driver, card, formats, sizes and frame rates.")

  @Option(help: "Describe only these device nodes (default: every /dev/video*).")
  var device: [String] = []

  @Flag(help: "Print JSON instead of text.")
  var json = false

  func run() throws {
    let paths = device.isEmpty ? FrameSources.cameraPaths() : device
    var described: [V4L2DeviceInfo] = []
    var failures: [String] = []
    for path in paths {
      do {
        described.append(try FrameSources.describeCamera(path))
      } catch {
        failures.append(error.description)
      }
    }
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      print(String(decoding: try encoder.encode(described), as: UTF8.self))
    } else {
      if paths.isEmpty { print("no V4L2 devices (/dev/video*) found") }
      for info in described { print(Devices.text(info)) }
    }
    for failure in failures { printError(failure) }
    if !failures.isEmpty && described.isEmpty && !paths.isEmpty { throw ExitCode(1) }
  }

  static func text(_ info: V4L2DeviceInfo) -> String {
    var lines = [
      "\(info.path): \(info.card) (driver \(info.driver), \(info.busInfo))"
        + (info.canCapture
          ? (info.canStream ? " capture, streaming" : " capture, no streaming") : " not a capture device")
    ]
    for format in info.formats {
      let flags = [format.isCompressed ? "compressed" : nil, format.isEmulated ? "emulated by libv4l2" : nil]
        .compactMap { $0 }
      lines.append(
        "  \(FourCC.string(format.fourCC)) \(format.description)"
          + (flags.isEmpty ? "" : " [\(flags.joined(separator: ", "))]"))
      for size in format.sizes {
        let rates = size.intervals.map { formatRate($0.framesPerSecond) }
        lines.append(
          "    \(size.width)x\(size.height)"
            + (rates.isEmpty ? "" : " @ \(rates.joined(separator: ", ")) fps"))
      }
    }
    return lines.joined(separator: "\n")
  }
}
