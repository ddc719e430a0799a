import Glibc
import Testing

@testable import Engine

@Suite struct ModelBundleTests {
  static func folder() -> String {
    var template = Array("/tmp/hiyari-bundle-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
  }

  /// y = clip(x + neg(w)) with a float weight and an int8 quantized constant (unused by nodes but
  /// carried), so the round trip covers both element sizes and quantization metadata.
  static func sampleGraph() throws -> Graph {
    let weight = try Tensor(shape: [1, 4], elementType: .float32)
    weight.withMutableElements(as: Float.self) { for i in 0..<4 { $0[i] = Float(i) - 1.5 } }
    let codes = try Tensor(
      shape: [3], elementType: .int8, quantization: Quantization(scale: 0.5, zeroPoint: 0))
    codes.withMutableElements(as: Int8.self) {
      $0[0] = -7; $0[1] = 0; $0[2] = 9
    }
    return Graph(
      inputs: [TensorInfo(name: "x", elementType: .float32, shape: [1, 4])], outputs: ["y"],
      nodes: [
        Node(name: "negate", op: "Neg", inputs: ["w"], outputs: ["nw"]),
        Node(name: "relu", op: "Relu", inputs: ["x"], outputs: ["y"]),
      ],
      constants: ["w": weight, "codes": codes], metadata: ["producer": "test"])
  }

  @Test func roundTripsGraphWeightsAndQuantization() throws {
    let folder = Self.folder()
    let graph = try Self.sampleGraph()
    let identifier = try ModelBundle.write(graph, to: folder)
    let loaded = try ModelBundle(folder: folder)
    #expect(loaded.identifier == identifier)
    #expect(identifier.count == 64)
    #expect(try loaded.graph.nodes == graph.validated().nodes)
    #expect(loaded.graph.inputs == graph.inputs && loaded.graph.outputs == graph.outputs)
    #expect(loaded.graph.metadata == ["producer": "test"])
    #expect(
      loaded.graph.constants["w"]!.withElements(as: Float.self) { Array($0) } == [-1.5, -0.5, 0.5, 1.5])
    #expect(loaded.graph.constants["codes"]!.withElements(as: Int8.self) { Array($0) } == [-7, 0, 9])
    #expect(loaded.graph.constants["codes"]!.quantization == Quantization(scale: 0.5, zeroPoint: 0))
    // Weights are mapped 4-byte aligned for their element type.
    #expect(Int(bitPattern: loaded.graph.constants["w"]!.bytes.baseAddress!) % 4 == 0)
    // The same content gives the same name.
    #expect(try ModelBundle.write(graph, to: Self.folder()) == identifier)
  }

  @Test func aChangedWeightByteIsRejected() throws {
    let folder = Self.folder()
    try ModelBundle.write(try Self.sampleGraph(), to: folder)
    let path = "\(folder)/\(ModelBundle.weightsFile)"
    var bytes = try readFile(path)
    bytes[bytes.count - 1] ^= 0x40
    try DurableFile.write(bytes, to: path)
    #expect {
      _ = try ModelBundle(folder: folder)
    } throws: { error in
      (error as! GraphError).description.hasSuffix(
        "content does not match the SHA-256 recorded in model.json")
    }
  }

  @Test func writingCreatesMissingParentsAndNamesWhatStopsIt() throws {
    let base = Self.folder()
    let nested = "\(base)/a/b/bundle"
    let identifier = try ModelBundle.write(try Self.sampleGraph(), to: nested)
    #expect(try ModelBundle(folder: nested).identifier == identifier)
    // A regular file where a parent folder should be: the error names the path and the reason.
    try DurableFile.write(Array("x".utf8), to: "\(base)/file")
    #expect {
      _ = try ModelBundle.write(try Self.sampleGraph(), to: "\(base)/file/bundle")
    } throws: { error in
      let text = (error as! GraphError).description
      return text.contains("\(base)/file") && text.contains("Not a directory")
    }
  }

  @Test func aMissingOrForeignBundleIsAClearError() throws {
    #expect(throws: GraphError.self) { _ = try ModelBundle(folder: "/nonexistent-hiyari-bundle") }
    let folder = Self.folder()
    try DurableFile.write(Array("{\"format\":\"other\"}".utf8), to: "\(folder)/model.json")
    #expect {
      _ = try ModelBundle(folder: folder)
    } throws: { error in
      (error as! GraphError).description.contains("not a valid Hiyari model description")
    }
  }
}

func readFile(_ path: String) throws -> [UInt8] {
  let mapped = try MappedFile(path: path)
  return Array(UnsafeRawBufferPointer(mapped.bytes))
}
