import Testing

@testable import Engine

@Suite struct SafeTensorsTests {
  func parse(_ bytes: [UInt8]) throws -> [SafeTensors.Entry] {
    try bytes.withUnsafeBytes { try SafeTensors.entries(in: $0, source: "t").entries }
  }

  /// A file with a hand-written header (as another writer would produce it).
  func file(header: String, data: [UInt8]) -> [UInt8] {
    let headerBytes = Array(header.utf8)
    var bytes: [UInt8] = []
    for shift in stride(from: 0, to: 64, by: 8) {
      bytes.append(UInt8(truncatingIfNeeded: UInt64(headerBytes.count) >> UInt64(shift)))
    }
    return bytes + headerBytes + data
  }

  @Test func readsAFileWrittenByTheSpecsLayout() throws {
    let bytes = file(
      header:
        #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I8","shape":[3],"data_offsets":[8,11]}}"#,
      data: [0, 0, 128, 63, 0, 0, 0, 64, 1, 2, 255])
    let entries = try parse(bytes)
    #expect(entries.map(\.name) == ["a", "b"])
    #expect(entries[0].elementType == .float32 && entries[0].shape == [2] && entries[0].range == 0..<8)
    #expect(entries[1].elementType == .int8 && entries[1].range == 8..<11)
  }

  @Test func writesDataAlignedAndWideTypesFirst() throws {
    let bytes = try Tensor(
      shape: [3], elementType: .uint8, quantization: Quantization(scale: 1, zeroPoint: 0))
    let floats = try Tensor(shape: [2, 2], elementType: .float32)
    let encoded = SafeTensors.encode([("bytes", bytes), ("floats", floats)], metadata: ["k": "v\"q"])
    let (entries, metadata, dataStart) = try encoded.withUnsafeBytes {
      try SafeTensors.entries(in: $0, source: "t")
    }
    #expect(dataStart % 64 == 0)
    #expect(entries.map(\.name) == ["floats", "bytes"])
    #expect(metadata == ["k": "v\"q"])
  }

  @Test func rejectsHostileHeaders() {
    let cases: [(String, [UInt8])] = [
      (
        "range past the data",
        file(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: [0, 0, 0, 0])
      ),
      (
        "size not matching shape",
        file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])
      ),
      (
        "overlap",
        file(
          header:
            #"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#,
          data: [0, 0, 0, 0])
      ),
      (
        "negative dim",
        file(header: #"{"a":{"dtype":"U8","shape":[-4],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])
      ),
      (
        "huge dims",
        file(
          header: #"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#,
          data: [0, 0, 0, 0])
      ),
      (
        "unknown dtype",
        file(
          header: #"{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}"#,
          data: [UInt8](repeating: 0, count: 8))
      ),
      ("not JSON", file(header: "{nope", data: [])),
      ("header length beyond the file", [255, 255, 255, 255, 0, 0, 0, 0, 123]),
      ("too short", [1, 2, 3]),
    ]
    for (label, bytes) in cases {
      #expect(throws: GraphError.self, "\(label)") { try parse(bytes) }
    }
  }
}
