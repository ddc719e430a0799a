import Testing

@testable import Offload

@Suite struct ChildProcessTests {
  @Test func aChildThatEndsBeforeItsLineIsAnErrorWithItsStatus() throws {
    let child = try ChildProcess(["/bin/sh", "-c", "echo starting; exit 3"])
    #expect {
      _ = try child.waitForLine(startingWith: "relaying ", timeoutSeconds: 10)
    } throws: { ($0 as? OffloadError)?.description.contains("exit status 3") == true }
    let ready = try ChildProcess(["/bin/sh", "-c", "echo one; echo 'relaying 127.0.0.1:5 -> x'; sleep 30"])
    #expect(
      try ready.waitForLine(startingWith: "relaying ", timeoutSeconds: 10) == "relaying 127.0.0.1:5 -> x")
    ready.terminate()
  }

  /// The child's standard input is held open by this process alone: closing it (or this process
  /// dying) gives the child end of file, which is how helpers avoid outliving a benchmark.
  @Test func theChildSeesEndOfFileWhenItsInputCloses() throws {
    let child = try ChildProcess([
      "/bin/sh", "-c", "echo reading; cat >/dev/null; echo input-closed; sleep 30",
    ])
    _ = try child.waitForLine(startingWith: "reading", timeoutSeconds: 30)
    // A second child does not inherit the first one's pipe (close-on-exec), so it cannot keep it open.
    let sibling = try ChildProcess(["/bin/sh", "-c", "echo up; sleep 30"])
    _ = try sibling.waitForLine(startingWith: "up", timeoutSeconds: 30)
    child.closeInput()
    #expect(try child.waitForLine(startingWith: "input-closed", timeoutSeconds: 30) == "input-closed")
    child.terminate()
    sibling.terminate()
  }
}
