import Engine
import NIOCore
import NIOPosix
import NIOSSL
import Offload
import Synchronization

/// The cloud side of split execution: serves the tails of a set of models over the offload
/// protocol (see `WireCodec`), many devices at once, each connection independent.
///
/// Per tail request it checks that the model is served, that the cut is a valid cut of it, that
/// every crossing tensor's name, shape, type and quantization match, and that the deadline has
/// not passed; then a worker thread (never a network thread) runs the tail and the outputs go
/// back. A refused message gets an `ErrorReply` and the connection goes on, except after a
/// framing error (oversized or cut-off frame), when the connection is closed after the reply.
/// Requests beyond `queueLimit` (all connections) or `connectionLimit` (one) are answered
/// `.overloaded`.
public final class TailServer: Sendable {
  public let configuration: TailServerConfiguration
  let models: [String: ServedModel]
  let group: any EventLoopGroup
  let workers: NIOThreadPool
  let queued = Atomic<Int>(0)
  let state = Mutex(ServerState())

  /// A server for `models` (keyed by their hash); call `start` to listen.
  public init(
    models: [ServedModel], configuration: TailServerConfiguration = TailServerConfiguration(),
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) {
    self.configuration = configuration
    self.models = Dictionary(models.map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
    self.group = group
    workers = NIOThreadPool(numberOfThreads: configuration.threads)
    workers.start()
  }

  /// Listens on `host:port` (port 0: the kernel chooses) and returns the bound address.
  @discardableResult
  public func start(host: String, port: Int) async throws -> SocketAddress {
    let limits = configuration.limits
    let tls = configuration.tls
    let channel = try await ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
      .childChannelOption(.allowRemoteHalfClosure, value: true)
      .childChannelInitializer { channel in
        self.track(channel)
        return channel.eventLoop.makeCompletedFuture {
          if let tls {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.context))
          }
          try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(WireFrameDecoder(limits: limits)))
          try channel.pipeline.syncOperations.addHandler(ServerHandler(server: self))
        }
      }
      .bind(host: host, port: port).get()
    state.withLock { $0.listener = channel }
    guard let address = channel.localAddress else {
      throw OffloadError("the server's socket has no local address")
    }
    return address
  }

  /// Stops listening, closes every connection and stops the workers.
  public func stop() async {
    let (listener, connections) = state.withLock { state in
      defer {
        state.listener = nil
        state.connections = [:]
        state.stopped = true
      }
      return (state.listener, Array(state.connections.values))
    }
    try? await listener?.close()
    for connection in connections { try? await connection.close() }
    try? await workers.shutdownGracefully()
  }

  func track(_ channel: any Channel) {
    let id = ObjectIdentifier(channel)
    let stopped = state.withLock { state in
      if !state.stopped { state.connections[id] = channel }
      return state.stopped
    }
    if stopped { channel.close(promise: nil) }
    channel.closeFuture.whenComplete { _ in self.state.withLock { _ = $0.connections.removeValue(forKey: id) }
    }
  }

  /// Takes a place in the shared queue, or returns false when it is full.
  func admit() -> Bool {
    while true {
      let current = queued.load(ordering: .relaxed)
      guard current < configuration.queueLimit else { return false }
      if queued.compareExchange(expected: current, desired: current + 1, ordering: .relaxed).exchanged {
        return true
      }
    }
  }

  func leave() { queued.subtract(1, ordering: .relaxed) }

  /// Runs `request`'s tail on the calling (worker) thread; returns the reply's frame.
  func serve(_ request: TailRequest, model: ServedModel, receivedAt: UInt64) -> [UInt8] {
    do throws(WireError) {
      let budget = request.budgetMicroseconds
      if elapsedMicroseconds(since: receivedAt) >= budget {
        throw WireError(
          .deadlineExpired, "the budget of \(budget) µs passed while the request was queued",
          frameID: request.frameID)
      }
      let cut = try model.tailCut(request.cut, frameID: request.frameID)
      let (inputs, omitted) = try cut.inputs(from: request.tensors, frameID: request.frameID)
      let outputs: [(name: String, tensor: Tensor)]
      do {
        let tail = try cut.checkOut()
        defer { cut.checkIn(tail) }
        try tail.model.setInputs(inputs)
        tail.model.run()
        outputs = try tail.model.outputTensors().filter { !omitted.contains($0.name) }
      } catch {
        throw WireError(.internal, "the tail failed: \(error.description)", frameID: request.frameID)
      }
      let seconds = Double(elapsedMicroseconds(since: receivedAt)) / 1e6
      return try WireCodec.encode(
        .tailReply(TailReply(frameID: request.frameID, serverSeconds: seconds, outputs: outputs)),
        limits: configuration.limits)
    } catch {
      return errorFrame(error)
    }
  }

  /// Measures (or recalls) `model`'s profile on the calling (worker) thread.
  func serve(_ request: ProfileRequest, model: ServedModel) -> [UInt8] {
    do throws(WireError) {
      let profile: DeviceProfile
      do {
        profile = try model.measuredProfile(runs: configuration.profileRuns)
      } catch {
        throw WireError(.internal, "profiling failed: \(error.description)", frameID: request.requestID)
      }
      return try WireCodec.encode(
        .profileReply(ProfileReply(requestID: request.requestID, profile: profile)),
        limits: configuration.limits)
    } catch {
      return errorFrame(error)
    }
  }

  /// The frame of an `ErrorReply` for `error`.
  func errorFrame(_ error: WireError) -> [UInt8] {
    // An error reply's text is cut to fit, so it always encodes.
    (try? WireCodec.encode(.errorReply(ErrorReply(error)), limits: configuration.limits)) ?? []
  }

  func elapsedMicroseconds(since start: UInt64) -> UInt64 { (MonotonicClock.nanoseconds() &- start) / 1000 }
}

/// What a `TailServer` guards with its mutex.
struct ServerState {
  var listener: (any Channel)?
  var connections: [ObjectIdentifier: any Channel] = [:]
  var stopped = false
}
