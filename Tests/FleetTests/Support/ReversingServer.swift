import Engine
import NIOCore
import NIOPosix
import Offload

/// A scripted tail server for the client's matching logic: it holds tail requests until it has
/// `batch` of them, then answers them in reverse order (running the real tail), so replies come
/// back out of order.
final class ReversingHandler: ChannelInboundHandler {
  typealias InboundIn = WireInbound
  typealias OutboundOut = ByteBuffer

  let graph: Graph
  let batch: Int
  var held: [TailRequest] = []

  init(graph: Graph, batch: Int) {
    self.graph = graph
    self.batch = batch
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard case .message(.tailRequest(let request), _, _) = unwrapInboundIn(data) else { return }
    held.append(request)
    guard held.count == batch else { return }
    for request in held.reversed() {
      let tail = try! CompiledModel.part(.tail, of: graph, cut: request.cut)
      let outputs = try! tail.run(
        Dictionary(uniqueKeysWithValues: request.tensors.map { ($0.name, $0.tensor) }))
      let reply = TailReply(
        frameID: request.frameID, serverSeconds: 0, outputs: graph.outputs.map { ($0, outputs[$0]!) })
      let frame = try! WireCodec.encode(.tailReply(reply))
      context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: frame)), promise: nil)
    }
    held = []
  }
}

enum ReversingServer {
  /// Listens on loopback; returns the channel (close it to stop) and the port.
  static func start(graph: Graph, batch: Int) async throws -> (channel: any Channel, port: Int) {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WireFrameDecoder()))
          try channel.pipeline.syncOperations.addHandler(ReversingHandler(graph: graph, batch: batch))
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    guard let port = channel.localAddress?.port else { throw OffloadError("no port") }
    return (channel, port)
  }
}
