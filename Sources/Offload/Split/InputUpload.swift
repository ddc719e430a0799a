import Engine

/// What a graph input costs to send when it crosses: the bytes of its packet entry (the pixel
/// codes, predicted and deflated when compressing, else raw) and the device's seconds to make
/// them. Measured on a real frame, since the size depends on the picture: a planner prices
/// cloud-only with it (`PartitionProblem(compressedInputBytes:inputEncodeSeconds:)`).
public struct InputUpload: Sendable, Hashable {
  public var bytes: Int
  public var encodeSeconds: Double

  public init(bytes: Int, encodeSeconds: Double) {
    self.bytes = bytes
    self.encodeSeconds = encodeSeconds
  }

  /// The upload of `tensor` as graph input `name`, encoded the way `SplitExecutor` sends it;
  /// `encodeSeconds` is the fastest of `repeats` encodings. `bytes` leaves out the packet's
  /// header, as the planner's sizes of the other tensors do.
  public static func measure(_ tensor: Tensor, name: String, compressing: Bool, repeats: Int = 3)
    throws(GraphError) -> InputUpload
  {
    let codes = PixelCodes.codes(of: tensor) ?? tensor
    let header = try TensorPacket.encode([(name, codes)]).count - codes.byteCount
    var best = Double.infinity
    var bytes = 0
    for _ in 0..<max(1, repeats) {
      let start = MonotonicClock.nanoseconds()
      let packet = try TensorPacket.encode([(name, codes)], compressing: compressing ? [name] : [])
      best = min(best, Double(MonotonicClock.nanoseconds() &- start) / 1e9)
      bytes = packet.count - header
    }
    return InputUpload(bytes: max(1, bytes), encodeSeconds: compressing ? best : 0)
  }

  /// `measure` for every input of `inputs` that `graph` declares.
  public static func measure(_ inputs: [String: Tensor], of graph: Graph, compressing: Bool, repeats: Int = 3)
    throws(GraphError) -> [String: InputUpload]
  {
    var uploads: [String: InputUpload] = [:]
    for input in graph.inputs {
      guard let tensor = inputs[input.name] else { throw GraphError("missing input \(input.name)") }
      uploads[input.name] = try measure(tensor, name: input.name, compressing: compressing, repeats: repeats)
    }
    return uploads
  }
}
