import Engine
import Testing

@testable import Offload

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct CPUQuotaTests {
  /// A child process spinning forever: `/bin/sh -c 'while :; do :; done'`.
  static func spawnBusyLoop() throws -> pid_t {
    var pid: pid_t = 0
    let arguments = ["/bin/sh", "-c", "while :; do :; done"]
    var argv = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    let status = posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ)
    guard status == 0 else { throw OffloadError("posix_spawn /bin/sh failed: errno \(status)") }
    return pid
  }

  /// User plus system CPU seconds of `pid` from /proc/PID/stat (fields 14 and 15, in clock ticks).
  static func cpuSeconds(_ pid: pid_t) throws -> Double {
    let text = try #require(MachineDescription.readText("/proc/\(pid)/stat"))
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    let close = try #require(text.lastIndex(of: ")"))
    let fields = text[text.index(after: close)...].split(separator: " ")
    // fields[0] is field 3 (state): utime and stime are fields 14 and 15.
    let ticks = try #require(Double(fields[11])) + (try #require(Double(fields[12])))
    return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
  }

  static func seconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }

  @Test func aBusyChildInAQuarterCPUGroupIsThrottledAndTheGroupIsRemoved() throws {
    #expect(getuid() == 0, "CPU quotas need root: run the tests as root")
    let quota = try CPUQuota(name: "hiyari-test-\(getpid())", cpus: 0.25)
    #expect(MachineDescription.readText(quota.path + "/cpu.cfs_quota_us") == "2500\n")
    #expect(MachineDescription.readText(quota.path + "/cpu.cfs_period_us") == "10000\n")
    let child = try Self.spawnBusyLoop()
    var removed = false
    defer {
      kill(child, SIGKILL)
      var status: Int32 = 0
      waitpid(child, &status, 0)
      if !removed { try? quota.remove() }
    }
    try quota.add(pid: child)
    #expect(try quota.processes() == [child])
    let cpuBefore = try Self.cpuSeconds(child)
    let start = Self.seconds()
    usleep(1_000_000)
    let cpu = try Self.cpuSeconds(child) - cpuBefore
    let wall = Self.seconds() - start
    let statistics = try quota.statistics()
    #expect(statistics.periods > 0)
    #expect(statistics.throttledPeriods > 0, "\(statistics)")
    #expect(statistics.throttledNanoseconds > 0)
    // A quarter of a CPU: the loose bound leaves room for tick accounting on a shared machine.
    #expect(cpu / wall < 0.6, "busy child used \(cpu) s of CPU in \(wall) s")
    #expect(cpu > 0, "the child ran at all")

    kill(child, SIGKILL)
    var status: Int32 = 0
    waitpid(child, &status, 0)
    try quota.remove()
    removed = true
    #expect(access(quota.path, F_OK) != 0, "the group's folder is gone")
    try quota.remove()  // a second removal is a no-op
  }

  @Test func removeMovesAMemberBackBeforeDeletingTheGroup() throws {
    let quota = try CPUQuota(name: "hiyari-test-move-\(getpid())", cpus: 1)
    let child = try Self.spawnBusyLoop()
    defer {
      kill(child, SIGKILL)
      var status: Int32 = 0
      waitpid(child, &status, 0)
    }
    try quota.add(pid: child)
    try quota.remove()
    #expect(access(quota.path, F_OK) != 0)
    let rootMembers = try #require(MachineDescription.readText(CPUQuota.defaultRoot + "/cgroup.procs"))
    #expect(rootMembers.split(separator: "\n").contains("\(child)"), "the child is back in the root group")
  }

  @Test func clearErrorsForAMissingControllerAndBadArguments() throws {
    let folder = "/tmp/hiyari-cpuquota-\(getpid())"
    mkdir(folder, 0o755)
    defer { rmdir(folder) }
    #expect {
      _ = try CPUQuota(name: "x", cpus: 0.5, root: folder)
    } throws: {
      ($0 as? OffloadError)?.description.contains("no cgroup v1 cpu controller at \(folder)") == true
    }
    #expect(throws: OffloadError.self) { _ = try CPUQuota(name: "a/b", cpus: 0.5) }
    #expect(throws: OffloadError.self) { _ = try CPUQuota(name: "x", cpus: 0.01, periodMicroseconds: 10_000) }
    #expect(throws: OffloadError.self) { _ = try CPUQuota(name: "x", cpus: .nan) }
  }

  @Test func quotaForABoardIsThreadsTimesTheLatencyRatio() throws {
    let graph = try TestGraphs.diamond()
    let names = graph.nodes.map(\.name)
    var host = try SplitExecutionTests.profile(
      graph, milliseconds: Dictionary(uniqueKeysWithValues: names.map { ($0, 1.0) }))
    var board = try SplitExecutionTests.profile(
      graph, milliseconds: Dictionary(uniqueKeysWithValues: names.map { ($0, 4.0) }))
    board.estimate = true
    #expect(try CPUQuota.cpus(toEmulate: board, measured: host) == 0.25)
    host.threads = 2
    #expect(try CPUQuota.cpus(toEmulate: board, measured: host) == 0.5)
    // A board faster than this machine cannot be emulated by a quota.
    #expect(throws: OffloadError.self) { _ = try CPUQuota.cpus(toEmulate: host, measured: board) }

    // Through the board estimate: the ratio of this machine's total to the derived one.
    host.threads = 1
    let hostCompute = ComputeDescription(
      cores: 2, clockGHz: 3.5, simdBits: 512, fp32FlopsPerCycle: 32, int8DotProduct: true,
      int8MACsPerCycle: 64)
    let rpi4 = try #require(TargetBoard.named("rpi4"))
    let derived = try BoardEstimate.derive(from: host, host: hostCompute, board: rpi4)
    let cpus = try CPUQuota.cpus(toEmulate: rpi4, measured: host, hostCompute: hostCompute)
    #expect(abs(cpus - host.totalMilliseconds / derived.totalMilliseconds) < 1e-12)
    #expect(cpus > 0 && cpus < 1)
  }

  /// A board faster than this machine is refused without dilation and emulated in dilated time
  /// with it: the quota is `dilatedShare` of the host's threads, and the time scale makes the
  /// dilated board's frame take exactly what that quota gives.
  @Test func aFasterBoardRunsInDilatedTime() throws {
    let graph = try TestGraphs.diamond()
    let names = graph.nodes.map(\.name)
    let host = try SplitExecutionTests.profile(
      graph, milliseconds: Dictionary(uniqueKeysWithValues: names.map { ($0, 10.0) }))
    // A host whose compute is small next to every board: all of them estimate faster.
    let slowHost = ComputeDescription(
      cores: 1, clockGHz: 1.0, simdBits: 128, fp32FlopsPerCycle: 2, int8DotProduct: false, int8MACsPerCycle: 2
    )
    let rpi5 = try #require(TargetBoard.named("rpi5"))
    #expect(throws: OffloadError.self) {
      _ = try SplitBenchmarkDevice.emulating(rpi5, measured: host, hostCompute: slowHost)
    }
    let device = try SplitBenchmarkDevice.emulating(rpi5, measured: host, hostCompute: slowHost, dilate: true)
    let cpus = try #require(device.cpus)
    #expect(cpus == SplitBenchmarkDevice.dilatedShare)
    #expect(device.timeScale > 1)
    // The host's frame over the quota's CPUs is the board's frame, dilated.
    #expect(
      abs(host.totalMilliseconds / cpus - device.profile.totalMilliseconds * device.timeScale) < 1e-9)
    // A slower board needs no dilation.
    let rpi4 = try #require(TargetBoard.named("rpi4"))
    let fastHost = ComputeDescription(
      cores: 2, clockGHz: 3.5, simdBits: 512, fp32FlopsPerCycle: 32, int8DotProduct: true,
      int8MACsPerCycle: 64)
    let slow = try SplitBenchmarkDevice.emulating(rpi4, measured: host, hostCompute: fastHost, dilate: true)
    #expect(slow.timeScale == 1 && (slow.cpus ?? 1) < 1)
  }
}
