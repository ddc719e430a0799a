#if canImport(Glibc)
  import Glibc
#endif

/// Pins processes to CPUs, so a benchmark's load generator and the server it measures do not
/// share a core. Glibc's `sched_setaffinity` and its `CPU_SET` macros are not visible to Swift
/// here, so this runs util-linux's `taskset`, which every Debian system has.
public enum CPUAffinity {
  /// Where `taskset` is looked for, in order.
  public static let tasksetPaths = ["/usr/bin/taskset", "/bin/taskset"]

  /// Pins every thread of `pid` (and threads it creates later) to `cpu`.
  public static func pin(pid: pid_t, to cpu: Int) throws(OffloadError) {
    guard cpu >= 0, cpu < Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) else {
      throw OffloadError("CPU \(cpu) is not online here (\(sysconf(Int32(_SC_NPROCESSORS_ONLN))) CPUs)")
    }
    guard let taskset = tasksetPaths.first(where: { access($0, X_OK) == 0 }) else {
      throw OffloadError("taskset (util-linux) is not installed: cannot pin processes to CPUs")
    }
    let arguments = [taskset, "--all-tasks", "--pid", "--cpu-list", "\(cpu)", "\(pid)"]
    var argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    // taskset prints the old and new masks: not wanted on the benchmark's output.
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    var child: pid_t = 0
    let status = posix_spawn(&child, taskset, &actions, nil, &argv, environ)
    guard status == 0 else { throw OffloadError("cannot run \(taskset): \(CPUQuota.describe(status))") }
    var exit: Int32 = 0
    while waitpid(child, &exit, 0) < 0 && errno == EINTR {}
    guard exit == 0 else {
      throw OffloadError("\(arguments.joined(separator: " ")) failed with status \((exit >> 8) & 0xff)")
    }
  }

  /// Pins this process to `cpu`.
  public static func pinCurrentProcess(to cpu: Int) throws(OffloadError) { try pin(pid: getpid(), to: cpu) }
}
