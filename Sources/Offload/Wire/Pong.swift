/// The answer to a `Ping`: the size of the ping's payload echoed, and the payload asked for.
///
///     request id u64, received bytes u32, payload (the rest)
public struct Pong: Sendable, Hashable {
  public var requestID: UInt64
  /// The size of the ping's payload as the server received it.
  public var receivedBytes: UInt32
  public var payload: [UInt8]

  public init(requestID: UInt64, receivedBytes: UInt32, payload: [UInt8] = []) {
    self.requestID = requestID
    self.receivedBytes = receivedBytes
    self.payload = payload
  }

  func encode(into writer: inout WireWriter, limits: WireLimits) throws(WireError) {
    guard payload.count <= limits.maximumProbeBytes else {
      throw WireError(.oversized, "a probe exceeds \(limits.maximumProbeBytes) bytes", frameID: requestID)
    }
    writer.integer(requestID)
    writer.integer(receivedBytes)
    writer.raw(payload)
  }

  static func decode(_ reader: inout WireReader, limits: WireLimits) throws(WireError) -> Pong {
    let id = try reader.frameID("request id")
    let received = try reader.integer(UInt32.self, "received bytes")
    guard reader.remaining <= limits.maximumProbeBytes else {
      throw reader.error(.oversized, "a probe exceeds \(limits.maximumProbeBytes) bytes")
    }
    return Pong(requestID: id, receivedBytes: received, payload: try reader.rest("payload"))
  }
}
