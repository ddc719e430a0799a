import NIOCore

/// Hands the messages of one connection to its `OffloadClient`.
final class ClientHandler: ChannelInboundHandler {
  typealias InboundIn = WireInbound

  let client: OffloadClient

  init(client: OffloadClient) { self.client = client }

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
    client.connectionLost(context.channel)
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    context.close(promise: nil)
  }
}
