import CKernels

#if canImport(Glibc)
  import Glibc
#endif

/// The machine a measurement was made on: enough to tell whether a tuning profile applies to
/// another board.
public struct MachineDescription: Sendable, Hashable, Codable {
  /// The CPU model ("model name" in /proc/cpuinfo on x86; "Model", "Hardware" or the CPU part
  /// on ARM boards), or "unknown".
  public var cpuModel: String
  /// The processor architecture (uname's machine, e.g. x86_64, aarch64).
  public var architecture: String
  /// Online cores.
  public var cores: Int
  /// The CPU features the int8 kernels dispatch on (`hiyari_cpu_features`).
  public var features: [String]

  public init(cpuModel: String, architecture: String, cores: Int, features: [String]) {
    self.cpuModel = cpuModel
    self.architecture = architecture
    self.cores = cores
    self.features = features
  }

  /// This machine.
  public static func current() -> MachineDescription {
    var names = utsname()
    uname(&names)
    let architecture = withUnsafeBytes(of: &names.machine) {
      String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
    }
    return MachineDescription(
      cpuModel: cpuModel(cpuinfo: readText("/proc/cpuinfo") ?? ""), architecture: architecture,
      cores: max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))), features: featureNames(hiyari_cpu_features()))
  }

  /// The CPU model named in the text of /proc/cpuinfo.
  static func cpuModel(cpuinfo: String) -> String {
    var fields: [String: String] = [:]
    for line in cpuinfo.split(separator: "\n") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let key = line[..<colon].trimmingWhitespace(),
        value = line[line.index(after: colon)...].trimmingWhitespace()
      if fields[key] == nil, !value.isEmpty { fields[key] = value }
    }
    // x86 first; then what ARM kernels print (a board name, or the CPU implementer and part).
    for key in ["model name", "Model", "Hardware", "cpu model"] {
      if let value = fields[key] { return value }
    }
    if let implementer = fields["CPU implementer"], let part = fields["CPU part"] {
      return "implementer \(implementer) part \(part)"
    }
    return "unknown"
  }

  /// The names of the bits of `hiyari_cpu_features`.
  static func featureNames(_ mask: UInt32) -> [String] {
    func bit(_ flag: some BinaryInteger) -> UInt32 { UInt32(truncatingIfNeeded: flag) }
    let names: [(UInt32, String)] = [
      (bit(HIYARI_CPU_SSE41), "sse4.1"), (bit(HIYARI_CPU_AVX2), "avx2"),
      (bit(HIYARI_CPU_FMA), "fma"), (bit(HIYARI_CPU_AVX512F), "avx512f"),
      (bit(HIYARI_CPU_AVX512BW), "avx512bw"), (bit(HIYARI_CPU_AVX512VNNI), "avx512vnni"),
      (bit(HIYARI_CPU_AVXVNNI), "avxvnni"), (bit(HIYARI_CPU_NEON), "neon"),
      (bit(HIYARI_CPU_NEON_DOTPROD), "neon-dotprod"),
    ]
    return names.filter { mask & $0.0 != 0 }.map(\.1)
  }

  /// A small text file such as /proc/cpuinfo, whose size stat reports as 0, read to its end.
  public static func readText(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while bytes.count < 1 << 22 {
      let count = fread(&buffer, 1, buffer.count, file)
      if count <= 0 { break }
      bytes += buffer[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

extension Substring {
  fileprivate func trimmingWhitespace() -> String {
    String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
  }
}
