import FoundationEssentials

/// The server's per-node profile of a model, measured on the server.
///
///     request id u64, the `DeviceProfile` as JSON (the rest)
public struct ProfileReply: Sendable, Hashable {
  public var requestID: UInt64
  public var profile: DeviceProfile

  public init(requestID: UInt64, profile: DeviceProfile) {
    self.requestID = requestID
    self.profile = profile
  }

  func encode(into writer: inout WireWriter) throws(WireError) {
    writer.integer(requestID)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    do {
      writer.raw(Array(try encoder.encode(profile)))
    } catch {
      throw WireError(.internal, "cannot encode the profile: \(error)", frameID: requestID)
    }
  }

  static func decode(_ reader: inout WireReader) throws(WireError) -> ProfileReply {
    let id = try reader.frameID("request id")
    let json = try reader.rest("profile")
    do {
      return ProfileReply(
        requestID: id, profile: try JSONDecoder().decode(DeviceProfile.self, from: Data(json)))
    } catch {
      throw reader.error(.malformed, "the profile is not a valid DeviceProfile JSON document")
    }
  }
}
