import Engine
import Fleet
import NIOCore
import Offload
import Synchronization

/// A tail server on loopback with the test models, and clients for it.
struct Loopback {
  let server: TailServer
  let port: Int
  let int8: ServedModel
  let float: ServedModel

  static func start(threads: Int = 2, configure: (inout TailServerConfiguration) -> Void = { _ in })
    async throws
    -> Loopback
  {
    let int8 = try ServedModel(
      graph: try TestModels.int8(), hash: try ModelBundle.identifier(of: try TestModels.int8()))
    let float = try ServedModel(
      graph: try TestModels.float(), hash: try ModelBundle.identifier(of: try TestModels.float()))
    var configuration = TailServerConfiguration(threads: threads)
    configure(&configuration)
    let server = TailServer(models: [int8, float], configuration: configuration)
    let address = try await server.start(host: "127.0.0.1", port: 0)
    guard let port = address.port else { throw OffloadError("the server has no port") }
    return Loopback(server: server, port: port, int8: int8, float: float)
  }

  /// A connected client to `port` (the server's, or a relay's in front of it).
  static func client(port: Int, samples: SampleLog? = nil) async throws -> OffloadClient {
    var configuration = OffloadClientConfiguration(host: "127.0.0.1", port: port) { sample in
      samples?.samples.withLock { $0.append(sample) }
    }
    configuration.reconnectMaximumSeconds = 0.2
    let client = OffloadClient(configuration)
    try await client.connect(timeoutSeconds: 10)
    return client
  }

  /// A valid tail request for `model` at `cut` with the head's real outputs for `seed`.
  static func request(
    _ model: ServedModel, cut: Cut, frameID: UInt64, seed: UInt64 = 1, budget: UInt64 = 10_000_000
  )
    throws -> TailRequest
  {
    let head = try CompiledModel.part(.head, of: model.graph, cut: cut)
    let crossing = try head.run(TestModels.input(seed: seed))
    return TailRequest(
      frameID: frameID, modelHash: model.hash, cut: cut, budgetMicroseconds: budget,
      tensors: cut.crossing.map { ($0, crossing[$0]!) })
  }
}

/// The transfer samples a client handed its observer.
final class SampleLog: Sendable {
  let samples = Mutex<[TransferSample]>([])
  var all: [TransferSample] { samples.withLock { $0 } }
}
