import Engine

#if canImport(Glibc)
  import Glibc
#endif

/// On a shared machine a measured profile counts the time other processes held the core: with
/// a build running next to it, a 8 ms model measures 16 ms. A CPU quota, though, gives the device
/// side a share of a whole core, which it gets whatever else runs (while the quota is below what
/// is left). So `hiyari bench-split` scales this machine's profile by CPU time over wall time,
/// measured over whole runs of the model at one thread: the profile of the core as the quota
/// sees it, from which the board estimates and their quotas are derived.
public enum ContentionCorrection {
  /// This process's CPU seconds over wall seconds for `runs` runs of `graph` at one thread
  /// (1 on an idle core, lower when the core is shared).
  public static func cpuShare(of graph: Graph, runs: Int = 30) throws(GraphError) -> Double {
    let model = try CompiledModel(graph: graph, threadCount: 1)
    Profiler.fillInputs(model)
    model.run()
    let wallStart = MonotonicClock.nanoseconds()
    let cpuStart = processCPUNanoseconds()
    for _ in 0..<max(1, runs) { model.run() }
    let cpu = Double(processCPUNanoseconds() &- cpuStart)
    let wall = Double(MonotonicClock.nanoseconds() &- wallStart)
    return wall > 0 ? min(1, max(0.05, cpu / wall)) : 1
  }

  /// `profile` with every time scaled by `share` (its basis says so).
  public static func corrected(_ profile: DeviceProfile, share: Double) -> DeviceProfile {
    var corrected = profile
    corrected.nodeMilliseconds = profile.nodeMilliseconds.mapValues { $0 * share }
    corrected.totalMilliseconds = profile.totalMilliseconds * share
    return corrected
  }

  static func processCPUNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
  }
}
