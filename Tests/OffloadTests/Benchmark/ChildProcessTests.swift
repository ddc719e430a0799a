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
}
