/// One relayed connection: the device's socket, the socket to the target, and a direction each
/// way. Owned by the event loop's thread.
final class RelayConnection {
  let id: Int
  let peer: SocketAddress
  let client: Int32
  let server: Int32
  let opened: Double
  /// The connect to the target has completed; until then bytes from the device queue up.
  var connected = false
  /// Device to server, at the uplink rate.
  var up: LinkDirection
  /// Server to device, at the downlink rate.
  var down: LinkDirection
  /// A write would block: wait for POLLOUT on that side.
  var serverBlocked = false
  var clientBlocked = false
  /// Set when a socket failed: the loop resets the connection on its next pass.
  var closeReason: String?

  init(
    id: Int, peer: SocketAddress, client: Int32, server: Int32, opened: Double, up: LinkDirection,
    down: LinkDirection
  ) {
    self.id = id
    self.peer = peer
    self.client = client
    self.server = server
    self.opened = opened
    self.up = up
    self.down = down
  }

  /// Both directions have passed their FIN on: nothing more can flow.
  var finished: Bool { up.shutdownSent && down.shutdownSent }
}
