#if canImport(Glibc)
  import Glibc
#endif

/// A helper process of a benchmark (`hiyari-netem`, a `hiyari-fleet serve`): spawned with its
/// standard output on a pipe, so the caller can wait for the line that says it is ready, and
/// stopped with SIGTERM (SIGKILL when it does not exit in time). Benchmark tooling only.
///
/// Its standard input is a pipe only this process holds open (close-on-exec, so no other child
/// inherits it): when this process dies, however abruptly, the child reads end of file there,
/// and a child that watches for it (`hiyari-netem --stop-on-stdin-eof`) stops instead of
/// outliving the benchmark.
public final class ChildProcess {
  public let pid: pid_t
  public let command: [String]
  let output: Int32
  var lifeline: Int32
  var pending: [UInt8] = []
  var exited = false

  /// Spawns `arguments[0]` (a path) with `arguments`, standard output piped here, standard error
  /// inherited; `cpu` pins it to that CPU from its first instruction.
  public init(_ arguments: [String], cpu: Int? = nil) throws(OffloadError) {
    guard let executable = arguments.first, !executable.isEmpty else {
      throw OffloadError("no command to spawn")
    }
    guard access(executable, X_OK) == 0 else {
      throw OffloadError("\(executable) is not an executable file: \(CPUQuota.describe(errno))")
    }
    var pipeFDs: [Int32] = [0, 0]
    guard pipe(&pipeFDs) == 0 else { throw OffloadError("pipe failed: \(CPUQuota.describe(errno))") }
    var inputFDs: [Int32] = [0, 0]
    guard pipe(&inputFDs) == 0 else {
      close(pipeFDs[0])
      close(pipeFDs[1])
      throw OffloadError("pipe failed: \(CPUQuota.describe(errno))")
    }
    for descriptor in pipeFDs + inputFDs { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    // dup2 clears close-on-exec on the copies the child gets; the originals close at exec.
    posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
    posix_spawn_file_actions_adddup2(&actions, inputFDs[0], 0)
    var argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, executable, &actions, nil, &argv, environ)
    close(pipeFDs[1])
    close(inputFDs[0])
    guard status == 0 else {
      close(pipeFDs[0])
      close(inputFDs[1])
      throw OffloadError("cannot start \(executable): \(CPUQuota.describe(status))")
    }
    self.pid = pid
    command = arguments
    output = pipeFDs[0]
    lifeline = inputFDs[1]
    if let cpu {
      do throws(OffloadError) { try CPUAffinity.pin(pid: pid, to: cpu) } catch {
        terminate()
        throw error
      }
    }
  }

  deinit {
    terminate()
    close(output)
    closeInput()
  }

  /// Closes the child's standard input: it reads end of file, as it would if this process died.
  public func closeInput() {
    guard lifeline >= 0 else { return }
    close(lifeline)
    lifeline = -1
  }

  /// Reads its output line by line until a line starts with `prefix` and returns that line;
  /// throws when the process ends or prints nothing for `timeoutSeconds`, or after 1 MiB.
  public func waitForLine(startingWith prefix: String, timeoutSeconds: Double) throws(OffloadError) -> String
  {
    var seen = 0
    while seen < 1 << 20 {
      if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: pending[..<newline], as: UTF8.self)
        pending.removeSubrange(...newline)
        if line.hasPrefix(prefix) { return line }
        continue
      }
      var poller = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
      let ready = poll(&poller, 1, Int32(max(1, min(timeoutSeconds, 3600) * 1000)))
      if ready < 0 && errno == EINTR { continue }
      guard ready == 1 else {
        throw OffloadError("\(command[0]) printed no \"\(prefix)\" line within \(timeoutSeconds) s")
      }
      var chunk = [UInt8](repeating: 0, count: 4096)
      let count = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
      guard count > 0 else {
        throw OffloadError(
          "\(command.joined(separator: " ")) ended before printing \"\(prefix)\"\(exitDescription())")
      }
      seen += count
      pending += chunk[0..<count]
    }
    throw OffloadError("\(command[0]) printed over 1 MiB without a \"\(prefix)\" line")
  }

  /// SIGTERM, then SIGKILL after `graceSeconds`; reaps it. Safe to call twice.
  public func terminate(graceSeconds: Double = 2) {
    guard !exited else { return }
    kill(pid, SIGTERM)
    var status: Int32 = 0
    let steps = Int(graceSeconds * 100)
    for _ in 0..<max(1, steps) {
      if waitpid(pid, &status, WNOHANG) == pid {
        exited = true
        return
      }
      usleep(10_000)
    }
    kill(pid, SIGKILL)
    waitpid(pid, &status, 0)
    exited = true
  }

  /// `name` in the folder of this process's executable (where SwiftPM puts every product).
  public static func siblingExecutable(_ name: String) -> String {
    var path = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &path, path.count - 1)
    guard count > 0 else { return name }
    var folder = String(decoding: path[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    while !folder.isEmpty, folder.removeLast() != "/" {}
    return folder + "/" + name
  }

  /// ", exit status N" when it has exited (reaping it), else "".
  func exitDescription() -> String {
    var status: Int32 = 0
    for _ in 0..<50 {
      if waitpid(pid, &status, WNOHANG) == pid {
        exited = true
        return ", exit status \((status >> 8) & 0xff)"
      }
      usleep(10_000)
    }
    return ""
  }
}
