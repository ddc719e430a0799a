import LinkEmulation
import Offload

/// In-process `LinkRelay`s behind the `LinkEmulator` interface, for when the `hiyari-netem`
/// executable is not built.
struct RelayEmulator: LinkEmulator {
  var relays: [LinkRelay] = []

  mutating func start(_ link: LinkProfile, timeScale: Double, target: String) throws -> Int {
    let relay = try LinkRelay(
      listen: try SocketAddress(parsing: "127.0.0.1:0"), target: try SocketAddress(parsing: target),
      profile: link.dilated(by: timeScale))
    relays.append(relay)
    return Int(relay.address.port)
  }

  mutating func stopAll() {
    for relay in relays { relay.stop() }
    relays = []
  }
}
