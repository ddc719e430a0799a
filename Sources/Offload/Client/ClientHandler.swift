import NIOCore
import NIOSSL
import NIOTLS

/// Hands the messages of one connection to its `OffloadClient`.
final class ClientHandler: ChannelInboundHandler {
  typealias InboundIn = WireInbound

  let client: OffloadClient
  /// Over TLS the connection is handed to the client only once the handshake has completed, so
  /// a certificate the device refuses is a failed attempt, not a connection that drops.
  var waitsForHandshake: Bool

  init(client: OffloadClient, waitsForHandshake: Bool = false) {
    self.client = client
    self.waitsForHandshake = waitsForHandshake
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if waitsForHandshake, case .handshakeCompleted = event as? TLSUserEvent {
      waitsForHandshake = false
      client.connected(context.channel)
    }
    context.fireUserInboundEventTriggered(event)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .message(let message, let wireBytes, let receivedAt):
      client.deliver(message, wireBytes: wireBytes, receivedAt: receivedAt)
    case .invalid(let error, let fatal):
      // A reply the client cannot read: fail its request if it names one; after a framing
      // error nothing more can be read from this connection.
      if let id = error.frameID {
        client.fail(id, OffloadClientError(.unexpectedReply, "unreadable reply: \(error)"))
      }
      if fatal { context.close(promise: nil) }
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    if waitsForHandshake {
      waitsForHandshake = false
      client.attemptFailed(OffloadError("the connection closed before the TLS handshake completed"))
      context.fireChannelInactive()
      return
    }
    client.connectionLost(context.channel)
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if waitsForHandshake {
      waitsForHandshake = false
      client.attemptFailed(error)
    }
    context.close(promise: nil)
  }
}
