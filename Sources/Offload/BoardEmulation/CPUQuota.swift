import Engine

#if canImport(Glibc)
  import Glibc
#endif

/// A cgroup v1 CPU bandwidth group (`cpu.cfs_quota_us` over `cpu.cfs_period_us`) that makes
/// this machine run processes as slowly as a smaller board: `hiyari bench-split` puts the
/// device side in one. Benchmark tooling, never on the inference path. Needs root and the v1
/// `cpu` controller mounted at `root` (cgroup v2's `cpu.max` is a different interface and is
/// not what this machine offers; see shared/notes/machine.md).
///
/// A short period (10 ms by default rather than the kernel's 100 ms) keeps a frame of a few tens
/// of milliseconds from seeing all its throttling in one stall: the slowdown is spread evenly.
public struct CPUQuota: Sendable {
  /// Where the v1 `cpu` controller is mounted here.
  public static let defaultRoot = "/sys/fs/cgroup/cpu"

  /// The group's folder.
  public let path: String
  /// CPUs the group may use per period (0.25 = a quarter of one CPU, 2 = two whole CPUs).
  public let cpus: Double
  public let periodMicroseconds: Int
  private let root: String

  /// Creates (or reuses) group `name` under `root` limited to `cpus` CPUs per period.
  public init(
    name: String, cpus: Double, periodMicroseconds: Int = 10_000, root: String = CPUQuota.defaultRoot
  ) throws(OffloadError) {
    guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
      throw OffloadError("cgroup name \"\(name)\" must be one path component")
    }
    // The kernel accepts periods of 1 ms to 1 s and quotas of at least 1 ms.
    guard (1_000...1_000_000).contains(periodMicroseconds) else {
      throw OffloadError("CPU quota period \(periodMicroseconds) us is outside 1000...1000000")
    }
    guard cpus.isFinite, cpus * Double(periodMicroseconds) >= 1_000, cpus <= 1_024 else {
      throw OffloadError(
        "CPU quota of \(cpus) CPUs is out of range: at least 1 ms per \(periodMicroseconds) us period")
    }
    guard access(root + "/cpu.cfs_quota_us", F_OK) == 0 else {
      throw OffloadError(
        "no cgroup v1 cpu controller at \(root) (no cpu.cfs_quota_us there); CPU quotas need it mounted (cgroup v2's cpu.max is not supported)"
      )
    }
    path = root + "/" + name
    self.root = root
    self.cpus = cpus
    self.periodMicroseconds = periodMicroseconds
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
      let code = errno
      throw OffloadError(
        "cannot create cgroup \(path): \(Self.describe(code))\(code == EACCES || code == EPERM ? " (CPU quotas need root)" : "")"
      )
    }
    // The quota is written after the period: the kernel checks quota/period against the parent.
    try Self.write("\(periodMicroseconds)", to: path + "/cpu.cfs_period_us")
    try Self.write("\(Int((cpus * Double(periodMicroseconds)).rounded()))", to: path + "/cpu.cfs_quota_us")
  }

  /// The group already at `path` under `root`, as found (its quota is not read or changed):
  /// for removing a group left behind.
  init(existingAt path: String, root: String) {
    self.path = path
    self.root = root
    cpus = 0
    periodMicroseconds = 0
  }

  /// Moves process `pid` (all its threads) into the group.
  public func add(pid: Int32) throws(OffloadError) {
    guard pid > 0 else { throw OffloadError("cannot move pid \(pid) into a cgroup") }
    try Self.write("\(pid)", to: path + "/cgroup.procs")
  }

  /// Moves this process (all its threads) into the group.
  public func addCurrentProcess() throws(OffloadError) { try add(pid: getpid()) }

  /// The processes in the group now.
  public func processes() throws(OffloadError) -> [Int32] {
    try Self.read(path + "/cgroup.procs").split(separator: "\n").compactMap { Int32($0) }
  }

  /// The group's throttling counters so far.
  public func statistics() throws(OffloadError) -> CPUQuotaStatistics {
    var values: [String: Int] = [:]
    for line in try Self.read(path + "/cpu.stat").split(separator: "\n") {
      let parts = line.split(separator: " ")
      if parts.count == 2, let value = Int(parts[1]) { values[String(parts[0])] = value }
    }
    guard let periods = values["nr_periods"], let throttled = values["nr_throttled"] else {
      throw OffloadError("\(path)/cpu.stat lacks nr_periods or nr_throttled")
    }
    return CPUQuotaStatistics(
      periods: periods, throttledPeriods: throttled, throttledNanoseconds: values["throttled_time"] ?? 0)
  }

  /// Moves every process in the group back to the root group and removes the group. Call it
  /// when done: a group outlives the process that made it.
  public func remove() throws(OffloadError) {
    guard access(path, F_OK) == 0 else { return }
    for pid in try processes() {
      do throws(OffloadError) {
        try Self.write("\(pid)", to: root + "/cgroup.procs")
      } catch {
        // A process that exited between the listing and the move is no longer in the way.
        if kill(pid, 0) == 0 { throw error }
      }
    }
    if rmdir(path) != 0 && errno != ENOENT {
      throw OffloadError("cannot remove cgroup \(path): \(Self.describe(errno))")
    }
  }

  /// CPUs to give the device side so that this machine runs `board` as slowly as that board:
  /// `host` is this machine's measured profile of the model at `host.threads` threads, `board`
  /// the board's (measured or estimated, e.g. by `BoardEstimate.derive`). With t threads taking
  /// time T here, and the work CPU-bound, t * T CPU-seconds spread over `cpus` CPUs take
  /// t * T / cpus; so cpus = t * T_host / T_board. The bench runs the device side at
  /// `host.threads` threads inside the quota.
  public static func cpus(toEmulate board: DeviceProfile, measured host: DeviceProfile) throws(OffloadError)
    -> Double
  {
    guard board.model == host.model else {
      throw OffloadError("the board profile is of model \(board.model), this machine's of \(host.model)")
    }
    guard !host.estimate else {
      throw OffloadError("this machine's profile must be measured, not an estimate")
    }
    guard host.totalMilliseconds > 0, board.totalMilliseconds > 0,
      host.totalMilliseconds.isFinite, board.totalMilliseconds.isFinite
    else {
      throw OffloadError(
        "profile totals must be positive (host \(host.totalMilliseconds) ms, board \(board.totalMilliseconds) ms)"
      )
    }
    let cpus = Double(host.threads) * host.totalMilliseconds / board.totalMilliseconds
    guard cpus <= Double(host.threads) else {
      throw OffloadError(
        "\(board.board ?? "the board") (\(board.totalMilliseconds) ms) is faster than this machine (\(host.totalMilliseconds) ms at \(host.threads) thread(s)): a quota can only slow it down"
      )
    }
    return cpus
  }

  /// `cpus(toEmulate:measured:)` for a target board, estimated from `host` and this machine's
  /// compute `hostCompute`.
  public static func cpus(
    toEmulate board: TargetBoard, measured host: DeviceProfile, hostCompute: ComputeDescription
  ) throws(OffloadError) -> Double {
    try cpus(toEmulate: BoardEstimate.derive(from: host, host: hostCompute, board: board), measured: host)
  }

  static func write(_ text: String, to file: String) throws(OffloadError) {
    let descriptor = open(file, O_WRONLY)
    guard descriptor >= 0 else { throw OffloadError("cannot open \(file): \(describe(errno))") }
    defer { close(descriptor) }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    guard written == bytes.count else {
      throw OffloadError("writing \"\(text)\" to \(file) failed: \(describe(errno))")
    }
  }

  static func read(_ file: String) throws(OffloadError) -> String {
    guard let text = MachineDescription.readText(file) else {
      throw OffloadError("cannot read \(file): \(describe(errno))")
    }
    return text
  }

  static func describe(_ code: Int32) -> String {
    "\(String(cString: strerror(code))) (errno \(code))"
  }
}
