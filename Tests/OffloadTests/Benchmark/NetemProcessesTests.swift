import Testing

@testable import Offload

@Suite struct NetemProcessesTests {
  @Test func thePortIsReadFromTheRelayingLine() {
    #expect(
      NetemProcesses.port(
        ofRelayingLine: "relaying 127.0.0.1:40123 -> 127.0.0.1:7070 as 5g-floor: up 50.0 Mbit/s") == 40123)
    #expect(NetemProcesses.port(ofRelayingLine: "relaying 127.0.0.1:0 -> 127.0.0.1:7070") == nil)
    #expect(NetemProcesses.port(ofRelayingLine: "listening on 127.0.0.1:40123") == nil)
    #expect(NetemProcesses.port(ofRelayingLine: "relaying 127.0.0.1:x -> y") == nil)
  }

  @Test func aMissingExecutableOrAnUnnamedProfileIsAClearError() throws {
    var missing = NetemProcesses(executable: "/nonexistent/hiyari-netem")
    let link = try #require(LinkProfile.named("wpt-lte"))
    #expect {
      _ = try missing.start(link, timeScale: 1, target: "127.0.0.1:1")
    } throws: {
      ($0 as? OffloadError)?.description.contains("/nonexistent/hiyari-netem is not an executable") == true
    }
    var unnamed = link
    unnamed.name = "custom"
    #expect {
      _ = try missing.start(unnamed, timeScale: 1, target: "127.0.0.1:1")
    } throws: { ($0 as? OffloadError)?.description.contains("only the named link profiles") == true }
  }
}
