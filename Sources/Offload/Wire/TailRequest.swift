import Engine

/// The device asks the server to run the tail of a cut for one frame.
///
///     frame id u64, model hash 32 bytes (SHA-256), budget u64 (microseconds),
///     cut: count u16, then per name: length u16, UTF-8; then the crossing tensors as one
///     `TensorPacket` (the rest of the message)
///
/// The deadline is a budget relative to the moment the server has the whole request, since the
/// device's and the server's clocks differ.
public struct TailRequest: Sendable {
  public var frameID: UInt64
  /// The SHA-256 (64 hex digits) of the model's bundle.
  public var modelHash: String
  /// The cut, by its crossing tensors' names.
  public var cut: Cut
  /// Microseconds the server has from receiving the request; 0 has already expired.
  public var budgetMicroseconds: UInt64
  /// The crossing tensors' values (8-bit codes with scale and zero point where quantized).
  public var tensors: [(name: String, tensor: Tensor)]
  /// Crossing tensors sent predicted and deflated (a frame's pixel codes): lossless, smaller on
  /// camera frames, at some device time. Decoding needs no list: the packet marks them.
  public var compressing: Set<String>

  public init(
    frameID: UInt64, modelHash: String, cut: Cut, budgetMicroseconds: UInt64,
    tensors: [(name: String, tensor: Tensor)], compressing: Set<String> = []
  ) {
    self.compressing = compressing
    self.frameID = frameID
    self.modelHash = modelHash
    self.cut = cut
    self.budgetMicroseconds = budgetMicroseconds
    self.tensors = tensors
  }

  func encode(into writer: inout WireWriter, limits: WireLimits) throws(WireError) {
    writer.integer(frameID)
    try writer.modelHash(modelHash)
    writer.integer(budgetMicroseconds)
    guard cut.crossing.count <= limits.maximumTensors else {
      throw WireError(
        .oversized, "a cut of \(cut.crossing.count) tensors exceeds the limit of \(limits.maximumTensors)",
        frameID: frameID)
    }
    writer.integer(UInt16(cut.crossing.count))
    for name in cut.crossing {
      try writer.string(name, limit: limits.maximumNameBytes, what: "tensor name \(name)")
    }
    try writer.tensors(tensors, compressing: compressing, frameID: frameID)
  }

  static func decode(_ reader: inout WireReader, limits: WireLimits) throws(WireError) -> TailRequest {
    let frameID = try reader.frameID()
    let hash = try reader.modelHash()
    let budget = try reader.integer(UInt64.self, "budget")
    let count = Int(try reader.integer(UInt16.self, "cut count"))
    guard count <= limits.maximumTensors else {
      throw reader.error(
        .malformed, "a cut of \(count) tensors exceeds the limit of \(limits.maximumTensors)")
    }
    var names: [String] = []
    for _ in 0..<count { names.append(try reader.string(limit: limits.maximumNameBytes, "cut tensor name")) }
    let tensors = try reader.tensors(limits: limits)
    return TailRequest(
      frameID: frameID, modelHash: hash, cut: Cut(crossing: names), budgetMicroseconds: budget,
      tensors: tensors)
  }
}
