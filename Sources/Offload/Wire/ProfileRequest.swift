/// The device asks for the server's per-node latency profile of a model.
///
///     request id u64, model hash 32 bytes
public struct ProfileRequest: Sendable, Hashable {
  public var requestID: UInt64
  public var modelHash: String

  public init(requestID: UInt64, modelHash: String) {
    self.requestID = requestID
    self.modelHash = modelHash
  }

  func encode(into writer: inout WireWriter) throws(WireError) {
    writer.integer(requestID)
    try writer.modelHash(modelHash)
  }

  static func decode(_ reader: inout WireReader) throws(WireError) -> ProfileRequest {
    let id = try reader.frameID("request id")
    return ProfileRequest(requestID: id, modelHash: try reader.modelHash())
  }
}
