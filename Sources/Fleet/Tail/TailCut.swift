import Engine
import Offload
import Synchronization

/// A validated cut of a served model: the tail's input descriptions, and compiled tails for the
/// workers (one per worker running it at a time, at most `maximumIdle` kept).
final class TailCut: Sendable {
  let cut: Cut
  /// What every crossing tensor must be, by name.
  let inputs: [String: TensorInfo]
  /// Crossing tensors that are graph outputs the tail only passes through (the head computed
  /// them): a device need not send them, and the reply leaves out those it did not send.
  let passThrough: Set<String>
  /// Zeros standing in for pass-through tensors a request left out (the tail copies them to
  /// outputs the reply drops).
  let placeholders: [String: Tensor]
  let graph: Graph
  let maximumIdle: Int
  let idle: Mutex<[CompiledTail]>

  /// Validates `cut` against `graph` and compiles its first tail; an invalid cut is a `.badCut`.
  init(graph: Graph, cut: Cut, maximumIdle: Int, frameID: UInt64) throws(WireError) {
    guard Set(cut.crossing).count == cut.crossing.count else {
      throw WireError(.badCut, "the cut names a tensor twice", frameID: frameID)
    }
    let first: CompiledModel
    do {
      _ = try cut.partition(graph)
      first = try CompiledModel.part(.tail, of: graph, cut: cut, threadCount: 1)
    } catch {
      throw WireError(.badCut, "not a cut of this model: \(error.description)", frameID: frameID)
    }
    self.cut = cut
    self.graph = graph
    self.maximumIdle = maximumIdle
    inputs = Dictionary(first.graph.inputs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    passThrough = Self.passThrough(of: cut, tail: first.graph, outputs: graph.outputs)
    var placeholders: [String: Tensor] = [:]
    for name in passThrough {
      guard let info = inputs[name] else { continue }
      do {
        placeholders[name] = try Tensor(
          shape: info.shape, elementType: info.elementType, quantization: info.quantization)
      } catch {
        throw WireError(.badCut, "tensor \(name) cannot be held: \(error)", frameID: frameID)
      }
    }
    self.placeholders = placeholders
    idle = Mutex([CompiledTail(first)])
  }

  /// The crossing tensors of `cut` that are among `outputs` and that no node of `tail` reads.
  static func passThrough(of cut: Cut, tail: Graph, outputs: [String]) -> Set<String> {
    let read = Set(tail.nodes.flatMap(\.inputs))
    let graphOutputs = Set(outputs)
    return Set(cut.crossing.filter { graphOutputs.contains($0) && !read.contains($0) })
  }

  /// Takes an idle compiled tail, or compiles another.
  func checkOut() throws(GraphError) -> CompiledTail {
    if let tail = idle.withLock({ $0.popLast() }) { return tail }
    return CompiledTail(try CompiledModel.part(.tail, of: graph, cut: cut, threadCount: 1))
  }

  func checkIn(_ tail: CompiledTail) {
    idle.withLock { if $0.count < maximumIdle { $0.append(tail) } }
  }

  /// The tail's inputs from the request's tensors, each checked against its description: name,
  /// shape, type and quantization; a float32 input may come as per-tensor 8-bit codes (pixels,
  /// see `PixelCodes`), dequantized here. Pass-through tensors left out are `omitted` (zeros
  /// stand in for them): the reply must not carry those outputs.
  func inputs(from tensors: [(name: String, tensor: Tensor)], frameID: UInt64) throws(WireError)
    -> (inputs: [String: Tensor], omitted: Set<String>)
  {
    var result: [String: Tensor] = [:]
    for (name, tensor) in tensors {
      guard let info = inputs[name] else {
        throw WireError(
          .badTensor, "tensor \(name) is not one of the cut's crossing tensors", frameID: frameID)
      }
      guard tensor.shape == info.shape else {
        throw WireError(
          .badTensor, "tensor \(name) has shape \(tensor.shape); the model's is \(info.shape)",
          frameID: frameID)
      }
      if tensor.elementType == info.elementType {
        guard !info.elementType.isQuantized || tensor.quantization == info.quantization else {
          throw WireError(
            .badTensor,
            "tensor \(name) has quantization \(String(describing: tensor.quantization)); the model's is \(String(describing: info.quantization))",
            frameID: frameID)
        }
        result[name] = tensor
      } else if info.elementType == .float32, let values = PixelCodes.dequantized(tensor) {
        result[name] = values
      } else {
        throw WireError(
          .badTensor, "tensor \(name) is \(tensor.elementType); the model's is \(info.elementType)",
          frameID: frameID)
      }
    }
    var omitted: Set<String> = []
    for name in cut.crossing where result[name] == nil {
      guard let placeholder = placeholders[name] else {
        throw WireError(.badTensor, "crossing tensor \(name) is missing", frameID: frameID)
      }
      result[name] = placeholder
      omitted.insert(name)
    }
    return (result, omitted)
  }
}
