import Foundation
import Testing

@testable import Engine

@Suite struct NumPyArrayTests {
  static let shapes: [[Int]] = [[], [0], [7], [2, 3, 4], [1, 1, 1, 1, 1, 1, 1, 2]]

  @Test func roundTripsEveryElementTypeAndShape() throws {
    for type in [NumPyDataType.float32, .int8, .uint8, .int32] {
      for shape in Self.shapes {
        let array = try NumPyTestSupport.array(type, shape: shape)
        let bytes = array.encoded()
        // np.save's layout: version 1.0, the data 64-byte aligned, the header ending in a newline.
        #expect(Array(bytes.prefix(8)) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let dataStart = bytes.count - array.bytes.count
        #expect(dataStart % 64 == 0)
        #expect(bytes[dataStart - 1] == 0x0A)
        let read = try bytes.withUnsafeBytes { try NumPyArray(decoding: $0, source: "memory") }
        #expect(read == array)
        #expect(read.shape == shape)
      }
    }
  }

  @Test func tensorConversionKeepsShapeTypeAndBytes() throws {
    let array = try NumPyTestSupport.array(.int8, shape: [2, 5])
    let quantization = Quantization(scale: 0.25, zeroPoint: 3)
    let tensor = try array.tensor(quantization: quantization)
    #expect(tensor.shape == [2, 5] && tensor.elementType == .int8 && tensor.quantization == quantization)
    #expect(Array(tensor.bytes) == array.bytes)
    #expect(NumPyArray(tensor) == array)
    NumPyTestSupport.expectError(containing: "scale") { _ = try array.tensor() }
    let scalar = try NumPyTestSupport.array(.float32, shape: []).tensor()
    #expect(scalar.shape == [] && scalar.elementCount == 1)
  }

  @Test func checksTheByteCountOfArraysMadeInMemory() {
    NumPyTestSupport.expectError(containing: "needs 24 bytes") {
      _ = try NumPyArray(shape: [2, 3], elementType: .float32, bytes: [0, 0])
    }
  }

  // MARK: - numpy as the reference

  /// np.save of every supported dtype, C order, versions 1.0, 2.0 and 3.0, and 0-d arrays.
  @Test func readsFilesNumPyWrote() throws {
    let directory = try PythonONNX.temporaryDirectory("npy-read")
    defer { try? FileManager.default.removeItem(at: directory) }
    let script =
      NumPyTestSupport.pythonPrelude + #"""
        import os
        out = sys.argv[1]
        for code in ['f4', 'f8', 'i1', 'u1', 'i4', 'i8', 'b1']:
            np.save(os.path.join(out, code + '.npy'), values(code, (2, 3, 4)))
            np.save(os.path.join(out, code + '-scalar.npy'), values(code, ()))
            for version in [(2, 0), (3, 0)]:
                with open(os.path.join(out, '%s-v%d.npy' % (code, version[0])), 'wb') as f:
                    np.lib.format.write_array(f, values(code, (5,)), version=version)
        """#
    _ = try PythonONNX.run(script, [directory.path])
    for type in NumPyDataType.allCases {
      let code = String(type.rawValue.dropFirst())
      for (file, shape) in [
        ("\(code).npy", [2, 3, 4]), ("\(code)-scalar.npy", []), ("\(code)-v2.npy", [5]),
        ("\(code)-v3.npy", [5]),
      ] {
        let array = try NumPyArray(contentsOf: NumPyTestSupport.path(directory, file))
        #expect(array.shape == shape, "\(file)")
        #expect(array.storedType == type, "\(file)")
        #expect(array.elementType == type.elementType, "\(file)")
        let expected = (0..<shape.reduce(1, *)).map { NumPyTestSupport.value(type, $0) }
        #expect(NumPyTestSupport.doubles(array) == expected, "\(file)")
      }
    }
  }

  @Test func refusesWhatTheEngineCannotHold() throws {
    let directory = try PythonONNX.temporaryDirectory("npy-refuse")
    defer { try? FileManager.default.removeItem(at: directory) }
    let script = #"""
      import sys, os, numpy as np
      out = sys.argv[1]
      np.save(os.path.join(out, 'fortran.npy'), np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
      np.save(os.path.join(out, 'big-endian.npy'), np.arange(4, dtype='>f4'))
      np.save(os.path.join(out, 'object.npy'), np.array([1, 'a'], dtype=object), allow_pickle=True)
      np.save(os.path.join(out, 'int64-range.npy'), np.array([1, 2**40], dtype=np.int64))
      np.save(os.path.join(out, 'float16.npy'), np.zeros(3, dtype=np.float16))
      np.save(os.path.join(out, 'structured.npy'), np.zeros(2, dtype=[('a', '<f4')]))
      """#
    _ = try PythonONNX.run(script, [directory.path])
    let cases = [
      ("fortran.npy", "Fortran"), ("big-endian.npy", "big-endian"), ("object.npy", "object"),
      ("int64-range.npy", "element 1 is 1099511627776"), ("float16.npy", "'<f2' is not supported"),
      ("structured.npy", "structured"),
    ]
    for (file, reason) in cases {
      NumPyTestSupport.expectError(containing: reason) {
        _ = try NumPyArray(contentsOf: NumPyTestSupport.path(directory, file))
      }
    }
  }

  /// Our files, loaded by np.load: dtype, shape and every value as numpy sees them.
  @Test func numPyReadsOurFiles() throws {
    let directory = try PythonONNX.temporaryDirectory("npy-write")
    defer { try? FileManager.default.removeItem(at: directory) }
    var files: [String] = []
    for type in [NumPyDataType.float32, .int8, .uint8, .int32] {
      for (index, shape) in [[2, 3, 4], [], [0, 3]].enumerated() {
        let name = "\(type.rawValue.dropFirst())-\(index).npy"
        try NumPyTestSupport.array(type, shape: shape).write(to: NumPyTestSupport.path(directory, name))
        files.append(name)
      }
    }
    let script =
      NumPyTestSupport.pythonPrelude + #"""
        import os
        for name in sys.argv[2:]:
            a = np.load(os.path.join(sys.argv[1], name), allow_pickle=False)
            code = name.split('-')[0]
            same = a.dtype == np.dtype(code) and a.flags.c_contiguous and np.array_equal(a, values(code, a.shape))
            print(name, a.dtype.str, a.shape, 'same' if same else 'DIFFERENT')
        """#
    let output = try PythonONNX.run(script, [directory.path] + files)
    let lines = output.split(separator: "\n").map(String.init)
    #expect(lines.count == files.count)
    for line in lines { #expect(line.hasSuffix("same"), "\(line)") }
    #expect(lines.contains("i4-0.npy <i4 (2, 3, 4) same"))
    #expect(lines.contains("u1-1.npy |u1 () same"))
    #expect(lines.contains("f4-2.npy <f4 (0, 3) same"))
  }

  // MARK: - Hostile input

  /// A .npy file whose header dict is `dictionary`, padded as numpy pads it, then `payload` bytes.
  static func file(_ dictionary: String, payload: Int) -> [UInt8] {
    var header = Array(dictionary.utf8)
    while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
    header.append(0x0A)
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)]
      + header
      + [UInt8](repeating: 0, count: payload)
  }

  static func decode(_ bytes: [UInt8]) throws(NumPyError) -> NumPyArray {
    let result: Result<NumPyArray, NumPyError> = bytes.withUnsafeBytes { buffer in
      Result { () throws(NumPyError) in try NumPyArray(decoding: buffer, source: "test.npy") }
    }
    return try result.get()
  }

  @Test func acceptsNumPysSpellingsOfTheHeader() throws {
    let spellings = [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      "{\"descr\":\"<f4\",\"fortran_order\":False,\"shape\":(2,3)}",
      "{ 'shape' : ( 2 , 3 , ) , 'fortran_order' : False , 'descr' : '<f4' }",
      "\t{'descr': '<f4',\n 'fortran_order': False,\n 'shape': (2, 3)}",
    ]
    for spelling in spellings {
      let array = try Self.decode(Self.file(spelling, payload: 24))
      #expect(array.shape == [2, 3] && array.elementType == .float32, "\(spelling)")
    }
  }

  @Test func refusesMalformedHeaders() {
    let cases: [(String, Int, String)] = [
      ("{'descr': '<f4', 'fortran_order': False}", 4, "'shape' is missing"),
      ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", 4, "unexpected key"),
      ("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", 4, "appears twice"),
      ("{'descr': '<f4', 'fortran_order': False, 'shape': (3)}", 12, "trailing comma"),
      ("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", 4, "non-negative integer"),
      ("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", 4, "expected a string, True, False"),
      ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk", 4, "after the dict"),
      ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,,)}", 4, "non-negative integer"),
      ("{'descr': '<f4\\x', 'fortran_order': False, 'shape': (1,)}", 4, "string"),
      ("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1)}", 4, "dimensions"),
      ("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", 4, "too large"),
      ("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000)}", 4, "byte tensor limit"),
      ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", 4, "needs 8 data bytes; the file has 4"),
      ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", 5, "needs 4 data bytes; the file has 5"),
      ("{'descr': 'f4', 'fortran_order': False, 'shape': (1,)}", 4, "array-protocol"),
      ("{'descr': '|f4', 'fortran_order': False, 'shape': (1,)}", 4, "byte order"),
      ("['descr', '<f4']", 4, "expected '{'"),
      ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", 4, "expected ',' or '}'"),
    ]
    for (dictionary, payload, reason) in cases {
      NumPyTestSupport.expectError(containing: reason) {
        _ = try Self.decode(Self.file(dictionary, payload: payload))
      }
    }
  }

  @Test func refusesBadPreamblesAndEveryTruncation() throws {
    let valid = try NumPyTestSupport.array(.int32, shape: [3, 2]).encoded()
    var wrongMagic = valid
    wrongMagic[1] = 0x41
    NumPyTestSupport.expectError(containing: "magic") { _ = try Self.decode(wrongMagic) }
    var version = valid
    version[6] = 4
    NumPyTestSupport.expectError(containing: "version 4.0") { _ = try Self.decode(version) }
    var longHeader = valid
    longHeader[8] = 0xFF
    longHeader[9] = 0xFF
    NumPyTestSupport.expectError(containing: "limit") { _ = try Self.decode(longHeader) }
    var pastEnd = valid
    pastEnd[8] = 0x10
    pastEnd[9] = 0x27  // 10,000 bytes: within the limit, past the end of the file
    NumPyTestSupport.expectError(containing: "truncated") { _ = try Self.decode(pastEnd) }
    for length in 0..<valid.count {
      NumPyTestSupport.expectError(containing: "test.npy") {
        _ = try Self.decode(Array(valid.prefix(length)))
      }
    }
  }

  /// Bounded random mutation of valid files: every mutant decodes or fails with a NumPyError.
  @Test func mutantsDecodeOrFailCleanly() throws {
    let seeds = try [
      NumPyTestSupport.array(.float32, shape: [2, 3]).encoded(),
      NumPyTestSupport.array(.uint8, shape: [4]).encoded(),
      Self.file("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 1), }", payload: 16),
      Self.file("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", payload: 8),
    ]
    let outcomes = NumPyFuzzing.run(seeds: seeds, seed: 0x4e50_5946_555a) { bytes in
      let array = try Self.decode(bytes)
      #expect(array.bytes.count == array.elementCount * array.elementType.byteCount)
    }
    #expect(outcomes.decoded > 0 && outcomes.rejected > 0)
  }
}
