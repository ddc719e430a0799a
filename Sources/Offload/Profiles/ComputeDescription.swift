import Engine

/// A CPU's peak compute, per core, as a board estimate needs it: what scales float and int8
/// kernels from one machine to another. Peaks, not sustained rates: an estimate from them is a
/// ratio of peaks and ignores memory bandwidth, caches and out-of-order depth, which favour the
/// larger core (so an estimate for a small board tends to be optimistic).
public struct ComputeDescription: Sendable, Hashable, Codable {
  /// Cores the model's threads can use (big cores only on a big.LITTLE chip).
  public var cores: Int
  public var clockGHz: Double
  /// Width of one SIMD register, bits (128 for NEON, 256 for AVX2, 512 for AVX-512).
  public var simdBits: Int
  /// Peak fp32 floating-point operations per cycle per core (an FMA counts 2).
  public var fp32FlopsPerCycle: Double
  /// Whether the core has an int8 dot-product instruction (Arm SDOT/UDOT, x86 VNNI).
  public var int8DotProduct: Bool
  /// Peak int8 multiply-accumulates per cycle per core: with a dot product, 4 per 32-bit lane per
  /// pipe; without, about half that through widening multiplies (x86 vpmaddubsw, Arm SMLAL/UMLAL).
  public var int8MACsPerCycle: Double

  public init(
    cores: Int, clockGHz: Double, simdBits: Int, fp32FlopsPerCycle: Double, int8DotProduct: Bool,
    int8MACsPerCycle: Double
  ) {
    self.cores = cores
    self.clockGHz = clockGHz
    self.simdBits = simdBits
    self.fp32FlopsPerCycle = fp32FlopsPerCycle
    self.int8DotProduct = int8DotProduct
    self.int8MACsPerCycle = int8MACsPerCycle
  }

  /// Peak GFLOP/s fp32 of one core.
  public var fp32GFlopsPerCore: Double { clockGHz * fp32FlopsPerCycle }
  /// Peak int8 GMAC/s of one core.
  public var int8GMACsPerCore: Double { clockGHz * int8MACsPerCycle }

  /// This machine, from its CPU features and the clock /proc/cpuinfo reports ("cpu MHz", which
  /// is the current clock: pass `clockGHz` when it is known better). x86 cores with AVX2 are
  /// taken to have two 256-bit FMA pipes (every Intel core since Haswell and AMD since Zen 2);
  /// AVX-512 with one 512-bit pipe equivalent. Arm cores: two 128-bit pipes (A76 class).
  public static func current(machine: MachineDescription = .current(), clockGHz: Double? = nil)
    -> ComputeDescription
  {
    let features = Set(machine.features)
    let clock = clockGHz ?? cpuinfoGHz() ?? 2.0
    let dot = !features.isDisjoint(with: ["avx512vnni", "avxvnni", "neon-dotprod"])
    if features.contains("avx2") || features.contains("avx512f") {
      let bits = features.contains("avx512f") ? 512 : 256
      // 2 x 256-bit FMA pipes = 2 * 8 lanes * 2 flops; VNNI: 2 * 8 lanes * 4 MACs.
      return ComputeDescription(
        cores: machine.cores, clockGHz: clock, simdBits: bits, fp32FlopsPerCycle: 32, int8DotProduct: dot,
        int8MACsPerCycle: dot ? 64 : 32)
    }
    if features.contains("neon") {
      return ComputeDescription(
        cores: machine.cores, clockGHz: clock, simdBits: 128, fp32FlopsPerCycle: 16, int8DotProduct: dot,
        int8MACsPerCycle: dot ? 32 : 16)
    }
    return ComputeDescription(
      cores: machine.cores, clockGHz: clock, simdBits: 128, fp32FlopsPerCycle: 8, int8DotProduct: false,
      int8MACsPerCycle: 8)
  }

  /// The first "cpu MHz" of /proc/cpuinfo, in GHz.
  static func cpuinfoGHz() -> Double? {
    guard let text = MachineDescription.readText("/proc/cpuinfo") else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("cpu MHz") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let value = line[line.index(after: colon)...].filter { $0 != " " && $0 != "\t" }
      if let mhz = Double(value), mhz > 0 { return mhz / 1000 }
    }
    return nil
  }
}
