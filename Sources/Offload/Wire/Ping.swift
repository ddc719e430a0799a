/// An active link probe: `payload` bytes up, and a `Pong` of `replyBytes` bytes asked back.
///
///     request id u64, reply bytes u32, payload (the rest)
public struct Ping: Sendable, Hashable {
  public var requestID: UInt64
  /// The size of the pong's payload, for a downlink probe (the server caps it at its limit).
  public var replyBytes: UInt32
  public var payload: [UInt8]

  public init(requestID: UInt64, replyBytes: UInt32 = 0, payload: [UInt8] = []) {
    self.requestID = requestID
    self.replyBytes = replyBytes
    self.payload = payload
  }

  func encode(into writer: inout WireWriter, limits: WireLimits) throws(WireError) {
    guard payload.count <= limits.maximumProbeBytes, Int(replyBytes) <= limits.maximumProbeBytes else {
      throw WireError(.oversized, "a probe exceeds \(limits.maximumProbeBytes) bytes", frameID: requestID)
    }
    writer.integer(requestID)
    writer.integer(replyBytes)
    writer.raw(payload)
  }

  static func decode(_ reader: inout WireReader, limits: WireLimits) throws(WireError) -> Ping {
    let id = try reader.frameID("request id")
    let reply = try reader.integer(UInt32.self, "reply bytes")
    guard reader.remaining <= limits.maximumProbeBytes, Int(reply) <= limits.maximumProbeBytes else {
      throw reader.error(.oversized, "a probe exceeds \(limits.maximumProbeBytes) bytes")
    }
    return Ping(requestID: id, replyBytes: reply, payload: try reader.rest("payload"))
  }
}
