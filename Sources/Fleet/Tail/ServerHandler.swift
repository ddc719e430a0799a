import NIOCore
import Offload

/// One connection of a `TailServer`: answers pings and refusals on the network thread, hands
/// tails and profiles to the workers, writes their replies back in whatever order they finish.
final class ServerHandler: ChannelInboundHandler {
  typealias InboundIn = WireInbound
  typealias OutboundOut = ByteBuffer

  let server: TailServer
  /// Requests of this connection queued or running.
  var inFlight = 0
  /// The peer has finished sending (half-close): close once every reply is written.
  var inputClosed = false

  init(server: TailServer) { self.server = server }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .invalid(let error, let fatal):
      reply(context: context, server.errorFrame(error), closeAfter: fatal)
    case .message(let message, _, let receivedAt):
      handle(message, receivedAt: receivedAt, context: context)
    }
  }

  func handle(_ message: WireMessage, receivedAt: UInt64, context: ChannelHandlerContext) {
    switch message {
    case .tailRequest(let request):
      guard let model = server.models[request.modelHash] else {
        return refuse(
          .unknownModel, "model \(request.modelHash) is not served here", request.frameID, context)
      }
      guard request.budgetMicroseconds > 0 else {
        return refuse(.deadlineExpired, "the request arrived with no budget left", request.frameID, context)
      }
      let server = self.server
      dispatch(request.frameID, context: context) {
        server.serve(request, model: model, receivedAt: receivedAt)
      }
    case .profileRequest(let request):
      guard let model = server.models[request.modelHash] else {
        return refuse(
          .unknownModel, "model \(request.modelHash) is not served here", request.requestID, context)
      }
      let server = self.server
      dispatch(request.requestID, context: context) { server.serve(request, model: model) }
    case .ping(let ping):
      let size = min(Int(ping.replyBytes), server.configuration.limits.maximumProbeBytes)
      let pong = Pong(
        requestID: ping.requestID, receivedBytes: UInt32(ping.payload.count),
        payload: [UInt8](repeating: 0, count: size))
      reply(context: context, (try? WireCodec.encode(.pong(pong), limits: server.configuration.limits)) ?? [])
    case .tailReply, .errorReply, .profileReply, .pong:
      refuse(.malformed, "a server does not take \(message.type) messages", message.id, context)
    }
  }

  /// Runs `work` on a worker unless this connection or the server is at its limit.
  func dispatch(_ id: UInt64, context: ChannelHandlerContext, _ work: @escaping @Sendable () -> [UInt8]) {
    guard inFlight < server.configuration.connectionLimit else {
      return refuse(
        .overloaded, "this connection has \(inFlight) requests in flight, the limit", id, context)
    }
    guard server.admit() else {
      return refuse(.overloaded, "the server's queue is full", id, context)
    }
    inFlight += 1
    let server = self.server
    let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
    server.workers.runIfActive(eventLoop: context.eventLoop, work).whenComplete { result in
      server.leave()
      let (handler, context) = bound.value
      handler.inFlight -= 1
      let frame: [UInt8]
      switch result {
      case .success(let bytes): frame = bytes
      case .failure(let error):
        frame = server.errorFrame(WireError(.internal, "the server is stopping: \(error)", frameID: id))
      }
      handler.reply(context: context, frame)
    }
  }

  func refuse(_ code: WireErrorCode, _ text: String, _ id: UInt64?, _ context: ChannelHandlerContext) {
    reply(context: context, server.errorFrame(WireError(code, text, frameID: id)))
  }

  func reply(context: ChannelHandlerContext, _ frame: [UInt8], closeAfter: Bool = false) {
    guard context.channel.isActive else { return }
    let write = context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: frame)))
    if closeAfter || (inputClosed && inFlight == 0) {
      let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
      write.whenComplete { _ in bound.value.close(promise: nil) }
    }
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let event = event as? ChannelEvent, event == .inputClosed {
      inputClosed = true
      if inFlight == 0 { context.close(promise: nil) }
      return
    }
    context.fireUserInboundEventTriggered(event)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    context.close(promise: nil)
  }
}
