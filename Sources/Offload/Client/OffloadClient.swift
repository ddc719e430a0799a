import Engine
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// The device's side of the offload connection: one persistent TCP connection to a tail server,
/// pipelined (any number of requests in flight, replies matched by id, in whatever order they
/// come), with a deadline per request and automatic reconnection with bounded exponential
/// back-off after the connection drops.
///
/// A request made while no connection is up fails at once with `.notConnected` rather than
/// waiting: the device has its own way to finish a frame (`SplitExecutor` runs the tail
/// locally), so waiting on a dead link only adds latency. Every reply's round trip is handed to
/// `OffloadClientConfiguration.onTransfer` as a `TransferSample`.
///
/// Ids: tail requests use the caller's frame id; profile and ping requests take ids from 2^63 up,
/// so frame ids below that never collide with them.
public final class OffloadClient: Sendable {
  public let configuration: OffloadClientConfiguration
  let group: any EventLoopGroup
  let state = Mutex(ClientState())

  /// Creates the client and starts connecting in the background (see `connect`).
  public init(
    _ configuration: OffloadClientConfiguration,
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) {
    self.configuration = configuration
    self.group = group
    state.withLock { $0.backoffSeconds = configuration.reconnectMinimumSeconds }
    startAttempt(after: 0)
  }

  deinit { state.withLock { $0.channel }?.close(promise: nil) }

  /// Whether a connection is up now.
  public var isConnected: Bool { state.withLock { $0.channel != nil } }

  /// Waits until a connection is up, at most `timeoutSeconds`.
  public func connect(timeoutSeconds: Double = 5) async throws(OffloadClientError) {
    let token = state.withLock { state -> UInt64 in
      state.nextToken += 1
      return state.nextToken
    }
    let result: Result<Void, OffloadClientError> = await withCheckedContinuation { continuation in
      let immediate: Result<Void, OffloadClientError>? = state.withLock { state in
        if state.closed { return .failure(OffloadClientError(.closed, "the client is closed")) }
        if state.channel != nil { return .success(()) }
        state.connectWaiters[token] = continuation
        return nil
      }
      if let immediate { return continuation.resume(returning: immediate) }
      group.next().scheduleTask(in: Self.timeAmount(timeoutSeconds)) {
        let waiter = self.state.withLock { $0.connectWaiters.removeValue(forKey: token) }
        let lastError = self.state.withLock { $0.lastConnectionError }
        waiter?.resume(
          returning: .failure(
            OffloadClientError(
              .notConnected,
              "no connection to \(self.configuration.host):\(self.configuration.port) within \(timeoutSeconds) s"
                + (lastError.map { " (last attempt: \($0))" } ?? "")
            )))
      }
    }
    try result.get()
  }

  /// Runs the tail of `request.cut` on the server for one frame. `timeoutSeconds` is the local
  /// deadline; the request carries the same budget to the server (`request.budgetMicroseconds`
  /// is overwritten with it).
  public func runTail(_ request: TailRequest, timeoutSeconds: Double) async throws(OffloadClientError)
    -> TailResponse
  {
    var request = request
    request.budgetMicroseconds = UInt64(max(0, timeoutSeconds) * 1e6)
    let received = try await send(.tailRequest(request), id: request.frameID, timeoutSeconds: timeoutSeconds)
    guard case .tailReply(let reply) = received.message else {
      throw OffloadClientError(
        .unexpectedReply, "a \(received.message.type) answered tail request \(request.frameID)",
        bytesUp: received.transfer.bytesUp)
    }
    return TailResponse(outputs: reply.outputs, transfer: received.transfer)
  }

  /// The server's per-node profile of the model `modelHash` (measured there, possibly cached).
  public func profile(modelHash: String, timeoutSeconds: Double) async throws(OffloadClientError)
    -> DeviceProfile
  {
    let id = nextRequestID()
    let received = try await send(
      .profileRequest(ProfileRequest(requestID: id, modelHash: modelHash)), id: id,
      timeoutSeconds: timeoutSeconds)
    guard case .profileReply(let reply) = received.message else {
      throw OffloadClientError(.unexpectedReply, "a \(received.message.type) answered a profile request")
    }
    return reply.profile
  }

  /// An active probe: `payloadBytes` up, `replyBytes` back. Returns the round trip (also handed
  /// to the transfer observer).
  public func ping(payloadBytes: Int = 0, replyBytes: Int = 0, timeoutSeconds: Double)
    async throws(OffloadClientError) -> TransferSample
  {
    let id = nextRequestID()
    let ping = Ping(
      requestID: id, replyBytes: UInt32(clamping: replyBytes),
      payload: [UInt8](repeating: 0, count: max(0, payloadBytes)))
    let received = try await send(.ping(ping), id: id, timeoutSeconds: timeoutSeconds)
    guard case .pong = received.message else {
      throw OffloadClientError(.unexpectedReply, "a \(received.message.type) answered a ping")
    }
    return received.transfer
  }

  /// Closes the connection and stops reconnecting; requests in flight fail with `.closed`.
  public func close() async {
    let (channel, pending, waiters) = state.withLock { state in
      state.closed = true
      defer {
        state.channel = nil
        state.pending = [:]
        state.connectWaiters = [:]
      }
      return (state.channel, state.pending, state.connectWaiters)
    }
    let error = OffloadClientError(.closed, "the client was closed")
    for entry in pending.values { entry.continuation.resume(returning: .failure(error)) }
    for waiter in waiters.values { waiter.resume(returning: .failure(error)) }
    try? await channel?.close()
  }

  // MARK: Requests

  func nextRequestID() -> UInt64 {
    state.withLock { state in
      state.nextRequestID += 1
      return state.nextRequestID
    }
  }

  /// Sends `message` and waits for the reply with the same id, at most `timeoutSeconds`.
  func send(_ message: WireMessage, id: UInt64, timeoutSeconds: Double) async throws(OffloadClientError)
    -> ClientReceived
  {
    let frame: [UInt8]
    do {
      frame = try WireCodec.encode(message, limits: configuration.limits)
    } catch {
      throw OffloadClientError(.unencodable, error.description)
    }
    let token = state.withLock { state -> UInt64 in
      state.nextToken += 1
      return state.nextToken
    }
    let result = await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<ClientResult, Never>) in
        let sentAt = MonotonicClock.nanoseconds()
        let outcome: Result<any Channel, OffloadClientError> = state.withLock { state in
          if state.closed { return .failure(OffloadClientError(.closed, "the client is closed")) }
          guard let channel = state.channel else {
            return .failure(
              OffloadClientError(
                .notConnected, "no connection to \(configuration.host):\(configuration.port)"))
          }
          guard state.pending[id] == nil else {
            return .failure(OffloadClientError(.duplicateID, "request \(id) is already in flight"))
          }
          state.pending[id] = PendingRequest(
            continuation: continuation, token: token, sentAt: sentAt, bytesUp: frame.count)
          return .success(channel)
        }
        let channel: any Channel
        switch outcome {
        case .failure(let error): return continuation.resume(returning: .failure(error))
        case .success(let value): channel = value
        }
        channel.eventLoop.scheduleTask(in: Self.timeAmount(timeoutSeconds)) {
          self.fail(
            id, token: token,
            OffloadClientError(.deadlineExceeded, "no reply to request \(id) within \(timeoutSeconds) s"))
        }
        channel.writeAndFlush(channel.allocator.buffer(bytes: frame)).whenFailure { error in
          self.fail(
            id, token: token, OffloadClientError(.connectionLost, "sending request \(id) failed: \(error)"))
        }
      }
    } onCancel: {
      fail(id, token: token, OffloadClientError(.deadlineExceeded, "request \(id) was cancelled"))
    }
    return try result.get()
  }

  /// Ends request `id` with `error` if it is still the same request (`token`) and in flight.
  func fail(_ id: UInt64, token: UInt64? = nil, _ error: OffloadClientError) {
    let pending: PendingRequest? = state.withLock { state in
      guard let entry = state.pending[id], token == nil || entry.token == token else { return nil }
      state.pending[id] = nil
      return entry
    }
    guard let pending else { return }
    var error = error
    error.bytesUp = pending.bytesUp
    pending.continuation.resume(returning: .failure(error))
  }

  /// A message from the server: the reply to a request in flight, or a late one (dropped).
  func deliver(_ message: WireMessage, wireBytes: Int, receivedAt: UInt64) {
    guard let id = message.id else { return }
    let pending: PendingRequest? = state.withLock { state in
      guard let entry = state.pending.removeValue(forKey: id) else { return nil }
      state.backoffSeconds = configuration.reconnectMinimumSeconds
      return entry
    }
    guard let pending else { return }
    if case .errorReply(let refusal) = message {
      pending.continuation.resume(
        returning: .failure(
          OffloadClientError(
            .refused, refusal.error.description, refusal: refusal.error, bytesUp: pending.bytesUp)))
      return
    }
    let serverSeconds: Double
    if case .tailReply(let reply) = message { serverSeconds = reply.serverSeconds } else { serverSeconds = 0 }
    let sample = TransferSample(
      bytesUp: pending.bytesUp, bytesDown: wireBytes,
      roundTripSeconds: Double(receivedAt &- pending.sentAt) / 1e9, serverSeconds: serverSeconds,
      sentAt: Double(pending.sentAt) / 1e9)
    switch message {
    case .tailReply, .pong: configuration.onTransfer?(sample)
    default: break
    }
    pending.continuation.resume(returning: .success(ClientReceived(message: message, transfer: sample)))
  }

  // MARK: Connection

  /// The connection `channel` ended: fail what was in flight on it and reconnect.
  func connectionLost(_ channel: any Channel) {
    let pending: [PendingRequest]? = state.withLock { state in
      guard let current = state.channel, current === channel else { return nil }
      state.channel = nil
      defer { state.pending = [:] }
      return Array(state.pending.values)
    }
    guard let pending else { return }
    for entry in pending {
      entry.continuation.resume(
        returning: .failure(
          OffloadClientError(
            .connectionLost, "the connection to \(configuration.host):\(configuration.port) dropped",
            bytesUp: entry.bytesUp)))
    }
    scheduleReconnect()
  }

  func scheduleReconnect() {
    let delay: Double? = state.withLock { state in
      guard !state.closed, !state.connecting, state.channel == nil else { return nil }
      let delay = state.backoffSeconds
      state.backoffSeconds = min(state.backoffSeconds * 2, configuration.reconnectMaximumSeconds)
      return delay
    }
    if let delay { startAttempt(after: delay) }
  }

  func startAttempt(after delay: Double) {
    let go = state.withLock { state -> Bool in
      guard !state.closed, !state.connecting, state.channel == nil else { return false }
      state.connecting = true
      return true
    }
    guard go else { return }
    group.next().scheduleTask(in: Self.timeAmount(delay)) { self.attempt() }
  }

  func attempt() {
    let limits = configuration.limits
    let tls = configuration.tls
    let host = configuration.host
    let bootstrap = ClientBootstrap(group: group)
      .connectTimeout(Self.timeAmount(configuration.connectTimeoutSeconds))
      .channelOption(.tcpOption(.tcp_nodelay), value: 1)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          if let tls {
            let serverHostname = tls.hostnameToVerify(connectingTo: host)
            try channel.pipeline.syncOperations.addHandler(
              NIOSSLClientHandler(context: tls.context, serverHostname: serverHostname))
          }
          try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(WireFrameDecoder(limits: limits)))
          try channel.pipeline.syncOperations.addHandler(
            ClientHandler(client: self, waitsForHandshake: tls != nil))
        }
      }
    bootstrap.connect(host: host, port: configuration.port).whenComplete { result in
      switch result {
      // Over TLS the connection counts only once the handshake is done (ClientHandler).
      case .success(let channel): if tls == nil { self.connected(channel) }
      case .failure(let error): self.attemptFailed(error)
      }
    }
  }

  /// A connection attempt that came to nothing (refused, timed out, or a TLS handshake that
  /// failed): remembered for the caller's error message, and retried after the back-off.
  func attemptFailed(_ error: any Error) {
    state.withLock { state in
      state.connecting = false
      state.lastConnectionError = "\(error)"
    }
    scheduleReconnect()
  }

  func connected(_ channel: any Channel) {
    let waiters: [CheckedContinuation<Result<Void, OffloadClientError>, Never>]? = state.withLock { state in
      state.connecting = false
      guard !state.closed else { return nil }
      state.channel = channel
      defer { state.connectWaiters = [:] }
      return Array(state.connectWaiters.values)
    }
    guard let waiters else {
      channel.close(promise: nil)
      return
    }
    // A link that resets every new connection (a cut) may have closed this one already, before
    // it was current: then its inactivity was ignored, so handle it here.
    if !channel.isActive { connectionLost(channel) }
    for waiter in waiters { waiter.resume(returning: .success(())) }
  }

  static func timeAmount(_ seconds: Double) -> TimeAmount {
    .nanoseconds(Int64(max(0, min(seconds, 1e6)) * 1e9))
  }
}

typealias ClientResult = Result<ClientReceived, OffloadClientError>

/// A reply and its round trip.
struct ClientReceived: Sendable {
  var message: WireMessage
  var transfer: TransferSample
}

/// A request in flight.
struct PendingRequest {
  var continuation: CheckedContinuation<ClientResult, Never>
  /// Tells this request from a later one with the same id (for its deadline timer).
  var token: UInt64
  var sentAt: UInt64
  var bytesUp: Int
}

/// What an `OffloadClient` guards with its mutex.
struct ClientState {
  var channel: (any Channel)?
  var connecting = false
  var closed = false
  var pending: [UInt64: PendingRequest] = [:]
  var connectWaiters: [UInt64: CheckedContinuation<Result<Void, OffloadClientError>, Never>] = [:]
  var backoffSeconds = 0.05
  var nextToken: UInt64 = 0
  var nextRequestID: UInt64 = 1 << 63
  /// Why the last connection attempt failed, for the error a caller sees.
  var lastConnectionError: String?
}
