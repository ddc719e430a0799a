import FoundationEssentials

#if canImport(Glibc)
  import Glibc
#endif

/// A model on the device: a folder holding `model.json` (the graph) and `weights.safetensors`
/// (the constants, memory-mapped at load), named by the SHA-256 of its content.
///
/// The identifier is the SHA-256 of `model.json`, which itself records the SHA-256 of the
/// weights, so it covers both. Loading checks the format version, both hashes, and every
/// reference between the graph and the weights before anything runs; a corrupt or hostile
/// bundle is rejected with a `GraphError` naming the problem.
public struct ModelBundle: Sendable {
  public static let formatName = "hiyari-bundle"
  public static let formatVersion = 1
  public static let graphFile = "model.json"
  public static let weightsFile = "weights.safetensors"
  /// Largest `model.json` accepted.
  public static let maximumGraphBytes = 64 << 20

  public let graph: Graph
  /// SHA-256 (hex) of `model.json`.
  public let identifier: String

  /// What `model.json` holds.
  struct Document: Codable {
    var format: String
    var version: Int
    var inputs: [TensorInfo]
    var outputs: [String]
    var nodes: [Node]
    var constants: [ConstantReference]
    var metadata: [String: String]
    var weightsSHA256: String
  }

  /// A constant tensor's description; its bytes live in the weights file under `name`.
  struct ConstantReference: Codable {
    var name: String
    var elementType: ElementType
    var shape: [Int]
    var quantization: Quantization?
  }

  /// Writes `graph` as a bundle in `folder` (created if needed); returns the identifier.
  @discardableResult
  public static func write(_ graph: Graph, to folder: String) throws(GraphError) -> String {
    let (json, weights) = try encode(graph)
    try makeFolder(folder)
    do {
      // Weights first: a crash between the two leaves the old model.json, whose hash then fails
      // to match the new weights, so a half-written bundle is rejected rather than run.
      try DurableFile.write(weights, to: "\(folder)/\(weightsFile)")
      try DurableFile.write(json, to: "\(folder)/\(graphFile)")
    } catch {
      throw GraphError(error.description)
    }
    return SHA256.hash(json)
  }

  /// The identifier `graph` would have as a bundle (what `write` returns), without writing it:
  /// names a model in records about it, such as a tuning profile.
  public static func identifier(of graph: Graph) throws(GraphError) -> String {
    SHA256.hash(try encode(graph).json)
  }

  /// The bytes of `model.json` and `weights.safetensors` for `graph`.
  static func encode(_ graph: Graph) throws(GraphError) -> (json: [UInt8], weights: [UInt8]) {
    let graph = try graph.validated()
    let names = graph.constants.keys.sorted()
    let weights = SafeTensors.encode(names.map { ($0, graph.constants[$0]!) })
    let document = Document(
      format: formatName, version: formatVersion, inputs: graph.inputs, outputs: graph.outputs,
      nodes: graph.nodes,
      constants: names.map {
        let tensor = graph.constants[$0]!
        return ConstantReference(
          name: $0, elementType: tensor.elementType, shape: tensor.shape, quantization: tensor.quantization)
      },
      metadata: graph.metadata, weightsSHA256: SHA256.hash(weights))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    do {
      return (Array(try encoder.encode(document)), weights)
    } catch {
      throw GraphError("cannot encode the graph: \(error)")
    }
  }

  /// Loads and validates the bundle in `folder`; weights stay memory-mapped.
  public init(folder: String) throws(GraphError) {
    let graphPath = "\(folder)/\(ModelBundle.graphFile)"
    let json = try MappedFile(path: graphPath, maximumBytes: ModelBundle.maximumGraphBytes)
    let document: Document
    do {
      document = try JSONDecoder().decode(Document.self, from: Data(UnsafeRawBufferPointer(json.bytes)))
    } catch {
      throw GraphError("\(graphPath): not a valid Hiyari model description (\(ModelBundle.describe(error)))")
    }
    guard document.format == ModelBundle.formatName else {
      throw GraphError("\(graphPath): format is \(document.format), not \(ModelBundle.formatName)")
    }
    guard document.version == ModelBundle.formatVersion else {
      throw GraphError(
        "\(graphPath): format version \(document.version) is not supported (this build reads \(ModelBundle.formatVersion))"
      )
    }
    var hasher = SHA256()
    hasher.update(UnsafeRawBufferPointer(json.bytes))
    identifier = SHA256.hex(hasher.finalize())
    let weightsPath = "\(folder)/\(ModelBundle.weightsFile)"
    let weights = try MappedFile(path: weightsPath)
    var weightsHasher = SHA256()
    weightsHasher.update(UnsafeRawBufferPointer(weights.bytes))
    guard SHA256.hex(weightsHasher.finalize()) == document.weightsSHA256 else {
      throw GraphError(
        "\(weightsPath): content does not match the SHA-256 recorded in \(ModelBundle.graphFile)")
    }
    let (entries, _, dataStart) = try SafeTensors.entries(
      in: UnsafeRawBufferPointer(weights.bytes), source: weightsPath)
    let byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    var constants: [String: Tensor] = [:]
    for reference in document.constants {
      guard let entry = byName[reference.name] else {
        throw GraphError("\(weightsPath): constant \(reference.name) is missing")
      }
      guard entry.elementType == reference.elementType, entry.shape == reference.shape else {
        throw GraphError(
          "\(weightsPath): constant \(reference.name) is \(entry.elementType) \(entry.shape), the graph says \(reference.elementType) \(reference.shape)"
        )
      }
      if let quantization = reference.quantization {
        try ModelBundle.check(quantization, of: reference)
      }
      constants[reference.name] = Tensor(
        shape: entry.shape, elementType: entry.elementType, quantization: reference.quantization,
        borrowing: weights.bytes.baseAddress! + dataStart + entry.range.lowerBound, owner: weights)
    }
    for input in document.inputs where input.elementType.isQuantized && input.quantization == nil {
      throw GraphError("\(graphPath): quantized input \(input.name) has no scale")
    }
    graph = try Graph(
      inputs: document.inputs, outputs: document.outputs, nodes: document.nodes, constants: constants,
      metadata: document.metadata
    ).validated()
  }

  static func check(_ quantization: Quantization, of reference: ConstantReference) throws(GraphError) {
    let count = quantization.scales.count
    guard count >= 1, count == quantization.zeroPoints.count,
      quantization.scales.allSatisfy({ $0.isFinite && $0 > 0 })
    else {
      throw GraphError("constant \(reference.name) has invalid quantization parameters")
    }
    if let axis = quantization.axis {
      guard axis >= 0, axis < reference.shape.count, reference.shape[axis] == count else {
        throw GraphError(
          "constant \(reference.name) has \(count) scales for axis \(axis) of shape \(reference.shape)")
      }
    } else if count != 1 {
      throw GraphError("constant \(reference.name) has \(count) scales but no axis")
    }
  }

  static func describe(_ error: any Error) -> String {
    if let decoding = error as? DecodingError {
      switch decoding {
      case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
        .valueNotFound(_, let context):
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? context.debugDescription : "at \(path): \(context.debugDescription)"
      @unknown default: return "undecodable"
      }
    }
    return "undecodable"
  }

  static func makeFolder(_ folder: String) throws(GraphError) {
    do {
      try Directories.create(folder)
    } catch {
      throw GraphError("\(folder): \(error.description)")
    }
  }
}
