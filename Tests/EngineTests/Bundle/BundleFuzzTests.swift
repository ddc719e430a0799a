import Glibc
import Testing

@testable import Engine

/// Bounded random-mutation fuzzing of the bundle loader: every mutant of a valid bundle must load
/// cleanly or fail with a GraphError, and whatever loads must compile or fail the same way —
/// never crash, never hang. Seeds live in Corpus/ beside this file.
@Suite struct BundleFuzzTests {
  static let corpus: String = {
    let file = #filePath
    return String(file[..<file.lastIndex(of: "/")!]) + "/Corpus"
  }()

  func seeds() throws -> [(graph: [UInt8], weights: [UInt8])] {
    var result: [(graph: [UInt8], weights: [UInt8])] = []
    guard let directory = opendir(Self.corpus) else {
      Issue.record("fuzz corpus folder \(Self.corpus) is missing")
      return []
    }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) {
        String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if !name.hasPrefix(".") { names.append(name) }
    }
    for name in names.sorted() {
      let folder = "\(Self.corpus)/\(name)"
      result.append((try readFile("\(folder)/model.json"), try readFile("\(folder)/weights.safetensors")))
    }
    return result
  }

  @Test func mutantsLoadOrFailCleanly() throws {
    let seeds = try seeds()
    #expect(seeds.count >= 2, "the corpus needs seeds")
    var generator = SplitMix64(seed: 0x4849_5941_5249)
    let folder = ModelBundleTests.folder()
    var outcomes = (loaded: 0, rejected: 0)
    for iteration in 0..<400 {
      let seed = seeds[iteration % seeds.count]
      var graph = seed.graph
      var weights = seed.weights
      if iteration % 2 == 0 { mutate(&graph, &generator) } else { mutate(&weights, &generator) }
      try DurableFile.write(graph, to: "\(folder)/model.json")
      try DurableFile.write(weights, to: "\(folder)/weights.safetensors")
      do {
        let bundle = try ModelBundle(folder: folder)
        _ = try? CompiledModel(graph: bundle.graph)
        outcomes.loaded += 1
      } catch {
        #expect(!error.description.isEmpty)
        outcomes.rejected += 1
      }
      // Safetensors parsing on its own, past the hash check that guards it in a bundle.
      _ = try? weights.withUnsafeBytes { try SafeTensors.entries(in: $0, source: "fuzz") }
    }
    #expect(outcomes.rejected > 0)
  }

  /// One of: flip bits, overwrite a byte with a boundary value, truncate, duplicate a slice,
  /// replace a number with a huge or negative one.
  func mutate(_ bytes: inout [UInt8], _ generator: inout SplitMix64) {
    guard !bytes.isEmpty else { return }
    let position = Int(generator.next() % UInt64(bytes.count))
    switch generator.next() % 5 {
    case 0: bytes[position] ^= UInt8(1 << (generator.next() % 8))
    case 1: bytes[position] = [0, 0x7f, 0x80, 0xff, 0x22, 0x5d][Int(generator.next() % 6)]
    case 2: bytes.removeSubrange(position...)
    case 3:
      let end = min(bytes.count, position + Int(generator.next() % 64))
      bytes.insert(contentsOf: bytes[position..<end], at: position)
    default:
      if let digit = bytes[position...].firstIndex(where: { (0x30...0x39).contains($0) }) {
        let huge = Array(["99999999999", "-1", "4294967296", "0"][Int(generator.next() % 4)].utf8)
        bytes.replaceSubrange(digit...digit, with: huge)
      }
    }
  }
}
