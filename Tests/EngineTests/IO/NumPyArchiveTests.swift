import Foundation
import Testing

@testable import Engine

@Suite struct NumPyArchiveTests {
  static func sample() throws -> NumPyArchive {
    try NumPyArchive([
      ("images", NumPyTestSupport.array(.float32, shape: [2, 3, 4])),
      ("codes", NumPyTestSupport.array(.int8, shape: [5])),
      ("mask", NumPyTestSupport.array(.uint8, shape: [])),
      ("ids", NumPyTestSupport.array(.int32, shape: [0, 2])),
    ])
  }

  static func decode(_ bytes: [UInt8]) throws -> NumPyArchive {
    try bytes.withUnsafeBytes { try NumPyArchive(decoding: $0, source: "test.npz") }
  }

  @Test func roundTripsInOrder() throws {
    let archive = try Self.sample()
    let read = try Self.decode(try archive.encoded())
    #expect(read == archive)
    #expect(read.names == ["images", "codes", "mask", "ids"])
    #expect(read["codes"] == archive["codes"] && read["absent"] == nil)
    #expect(try Self.decode(try NumPyArchive().encoded()).arrays.isEmpty)
  }

  @Test func refusesDuplicateAndEmptyNames() throws {
    var archive = try Self.sample()
    NumPyTestSupport.expectError(containing: "already holds") {
      try archive.append(NumPyTestSupport.array(.float32, shape: [1]), named: "codes")
    }
    NumPyTestSupport.expectError(containing: "needs a name") {
      try archive.append(NumPyTestSupport.array(.float32, shape: [1]), named: "")
    }
  }

  // MARK: - numpy as the reference

  @Test func readsSavezAndSavezCompressed() throws {
    let directory = try PythonONNX.temporaryDirectory("npz-read")
    defer { try? FileManager.default.removeItem(at: directory) }
    let script =
      NumPyTestSupport.pythonPrelude + #"""
        import os
        arrays = dict(x=values('f4', (1, 3, 8, 8)), scores=values('f8', (4,)), labels=values('i8', (2, 2)),
                      flags=values('b1', (6,)), codes=values('i1', ()))
        np.savez(os.path.join(sys.argv[1], 'stored.npz'), **arrays)
        np.savez_compressed(os.path.join(sys.argv[1], 'deflated.npz'), **arrays)
        """#
    _ = try PythonONNX.run(script, [directory.path])
    for file in ["stored.npz", "deflated.npz"] {
      let archive = try NumPyArchive(contentsOf: NumPyTestSupport.path(directory, file))
      #expect(archive.names == ["x", "scores", "labels", "flags", "codes"], "\(file)")
      let expected: [(String, NumPyDataType, [Int])] = [
        ("x", .float32, [1, 3, 8, 8]), ("scores", .float64, [4]), ("labels", .int64, [2, 2]),
        ("flags", .bool, [6]), ("codes", .int8, []),
      ]
      for (name, type, shape) in expected {
        let array = try #require(archive[name])
        #expect(array.shape == shape && array.storedType == type, "\(file) \(name)")
        #expect(
          NumPyTestSupport.doubles(array)
            == (0..<shape.reduce(1, *)).map { NumPyTestSupport.value(type, $0) },
          "\(file) \(name)")
      }
    }
  }

  @Test func numPyReadsOurArchives() throws {
    let directory = try PythonONNX.temporaryDirectory("npz-write")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = NumPyTestSupport.path(directory, "ours.npz")
    try Self.sample().write(to: path)
    try NumPyArchive().write(to: NumPyTestSupport.path(directory, "empty.npz"))
    let script =
      NumPyTestSupport.pythonPrelude + #"""
        import os, zipfile
        codes = dict(images='f4', codes='i1', mask='u1', ids='i4')
        with np.load(sys.argv[1]) as archive:
            for name in archive.files:
                a = archive[name]
                same = a.dtype == np.dtype(codes[name]) and np.array_equal(a, values(codes[name], a.shape))
                print(name, a.shape, 'same' if same else 'DIFFERENT')
        print('crc', zipfile.ZipFile(sys.argv[1]).testzip())
        print('empty', len(np.load(sys.argv[2]).files))
        """#
    let output = try PythonONNX.run(script, [path, NumPyTestSupport.path(directory, "empty.npz")])
    #expect(
      output.split(separator: "\n").map(String.init) == [
        "images (2, 3, 4) same", "codes (5,) same", "mask () same", "ids (0, 2) same", "crc None", "empty 0",
      ], "\(output)")
  }

  /// Python writes the Zip64 end record only past 65,535 members or 4 GiB, so this archive is
  /// made by hand: every size and offset in the central directory moved to Zip64 fields.
  @Test func readsZip64Records() throws {
    let array = try NumPyTestSupport.array(.float32, shape: [3, 2])
    let archive = try Self.zip64Archive(name: "big.npy", data: array.encoded())
    let read = try Self.decode(archive)
    #expect(read.names == ["big"] && read["big"] == array)
  }

  static func zip64Archive(name: String, data: [UInt8]) throws -> [UInt8] {
    func le(_ value: UInt64, _ bytes: Int) -> [UInt8] {
      (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
    let nameBytes = Array(name.utf8)
    let crc = UInt64(data.withUnsafeBytes { Zlib.crc32($0) })
    var file = le(0x0403_4b50, 4) + le(45, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(crc, 4)
    file += le(UInt64(data.count), 4) + le(UInt64(data.count), 4) + le(UInt64(nameBytes.count), 2) + le(0, 2)
    file += nameBytes + data
    let directoryOffset = file.count
    let extra = le(1, 2) + le(24, 2) + le(UInt64(data.count), 8) + le(UInt64(data.count), 8) + le(0, 8)
    var directory = le(0x0201_4b50, 4) + le(45, 2) + le(45, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(crc, 4)
    directory += le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(UInt64(nameBytes.count), 2)
    directory += le(UInt64(extra.count), 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0xFFFF_FFFF, 4)
    directory += nameBytes + extra
    file += directory
    let recordOffset = file.count
    file += le(0x0606_4b50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4) + le(1, 8) + le(1, 8)
    file += le(UInt64(directory.count), 8) + le(UInt64(directoryOffset), 8)
    file += le(0x0706_4b50, 4) + le(0, 4) + le(UInt64(recordOffset), 8) + le(1, 4)
    file += le(0x0605_4b50, 4) + le(0, 2) + le(0, 2) + le(0xFFFF, 2) + le(0xFFFF, 2)
    file += le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(0, 2)
    return file
  }

  // MARK: - Hostile input

  /// Where the central directory starts, from the end record of an archive without a comment.
  static func directoryOffset(_ bytes: [UInt8]) -> Int {
    let end = bytes.count - 22
    return (0..<4).reduce(0) { $0 | Int(bytes[end + 16 + $1]) << (8 * $1) }
  }

  static func patch32(_ bytes: inout [UInt8], at offset: Int, _ value: UInt32) {
    for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
  }

  @Test func refusesCorruptArchives() throws {
    let valid = try Self.sample().encoded()
    let directory = Self.directoryOffset(valid)

    var badCRC = valid
    badCRC[directory - 30] ^= 0x01  // inside the last stored member's data
    NumPyTestSupport.expectError(containing: "CRC-32") { _ = try Self.decode(badCRC) }

    var offsetPastEnd = valid
    Self.patch32(&offsetPastEnd, at: directory + 42, 0x7FFF_0000)
    NumPyTestSupport.expectError(containing: "past the end of the file") {
      _ = try Self.decode(offsetPastEnd)
    }

    var sizePastEnd = valid
    Self.patch32(&sizePastEnd, at: directory + 20, 0x7FFF_0000)
    Self.patch32(&sizePastEnd, at: directory + 24, 0x7FFF_0000)
    NumPyTestSupport.expectError(containing: "past the end of the file") { _ = try Self.decode(sizePastEnd) }

    var tooManyMembers = valid
    tooManyMembers[valid.count - 22 + 8] = 0xFF
    tooManyMembers[valid.count - 22 + 9] = 0xFF
    tooManyMembers[valid.count - 22 + 10] = 0xFF
    tooManyMembers[valid.count - 22 + 11] = 0xFF
    NumPyTestSupport.expectError(containing: "exceeds the limit") { _ = try Self.decode(tooManyMembers) }
    tooManyMembers[valid.count - 22 + 9] = 0x01
    tooManyMembers[valid.count - 22 + 11] = 0x01
    NumPyTestSupport.expectError(containing: "cannot fit") { _ = try Self.decode(tooManyMembers) }

    var directoryOutside = valid
    Self.patch32(&directoryOutside, at: valid.count - 22 + 16, UInt32(valid.count))
    NumPyTestSupport.expectError(containing: "outside the file") { _ = try Self.decode(directoryOutside) }

    var encrypted = valid
    encrypted[directory + 8] |= 1
    NumPyTestSupport.expectError(containing: "encrypted") { _ = try Self.decode(encrypted) }

    var otherMethod = valid
    otherMethod[directory + 10] = 12  // bzip2
    NumPyTestSupport.expectError(containing: "method 12") { _ = try Self.decode(otherMethod) }

    var renamed = valid
    renamed[directory + 46] ^= 0x20  // the central directory's name no longer matches the local one
    NumPyTestSupport.expectError(containing: "different file") { _ = try Self.decode(renamed) }

    let notNumPy = try ZipWriter.archive([("notes.txt", Array("hello".utf8))])
    NumPyTestSupport.expectError(containing: "not a .npy file") { _ = try Self.decode(notNumPy) }

    let badMember = try ZipWriter.archive([("x.npy", Array("hello".utf8))])
    NumPyTestSupport.expectError(containing: "test.npz: x.npy: not a .npy file") {
      _ = try Self.decode(badMember)
    }

    let duplicate = try ZipWriter.archive([
      ("x.npy", NumPyTestSupport.array(.uint8, shape: [1]).encoded()),
      ("x.npy", NumPyTestSupport.array(.uint8, shape: [1]).encoded()),
    ])
    NumPyTestSupport.expectError(containing: "appears twice") { _ = try Self.decode(duplicate) }

    for length in 0..<valid.count {
      NumPyTestSupport.expectError(containing: "test.npz") {
        _ = try Self.decode(Array(valid.prefix(length)))
      }
    }
  }

  @Test func refusesLyingDeflateMembers() throws {
    let directory = try PythonONNX.temporaryDirectory("npz-deflate")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = NumPyTestSupport.path(directory, "c.npz")
    _ = try PythonONNX.run(
      "import sys, numpy as np; np.savez_compressed(sys.argv[1], a=np.arange(1000, dtype=np.float32))", [path]
    )
    let valid = try readFile(path)
    let central = Self.directoryOffset(valid)
    #expect(try Self.decode(valid)["a"]?.shape == [1000])

    var inflated = valid
    Self.patch32(&inflated, at: central + 24, 0x7000_0000)
    NumPyTestSupport.expectError(containing: "more than deflate can produce") {
      _ = try Self.decode(inflated)
    }

    var shorter = valid
    Self.patch32(&shorter, at: central + 24, 4000)
    NumPyTestSupport.expectError(containing: "more than the 4000 declared bytes") {
      _ = try Self.decode(shorter)
    }

    var longer = valid
    Self.patch32(&longer, at: central + 24, 4300)
    NumPyTestSupport.expectError(containing: "ends after") { _ = try Self.decode(longer) }

    var truncated = valid
    Self.patch32(&truncated, at: central + 20, 40)
    NumPyTestSupport.expectError(containing: "truncated") { _ = try Self.decode(truncated) }

    var corrupt = valid
    let nameLength = Int(valid[26]) | Int(valid[27]) << 8
    let extraLength = Int(valid[28]) | Int(valid[29]) << 8
    let dataStart = 30 + nameLength + extraLength
    for index in dataStart..<(dataStart + 8) { corrupt[index] = 0xFF }
    NumPyTestSupport.expectError(containing: "member a.npy") { _ = try Self.decode(corrupt) }
  }

  /// Bounded random mutation of stored, deflated and Zip64 archives.
  @Test func mutantsDecodeOrFailCleanly() throws {
    let directory = try PythonONNX.temporaryDirectory("npz-fuzz")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = NumPyTestSupport.path(directory, "seed.npz")
    _ = try PythonONNX.run(
      "import sys, numpy as np; np.savez_compressed(sys.argv[1], a=np.arange(40, dtype=np.float32), b=np.ones((2, 2), np.int64))",
      [path])
    let seeds = [
      try readFile(path), try Self.sample().encoded(),
      try Self.zip64Archive(name: "z.npy", data: NumPyTestSupport.array(.uint8, shape: [3]).encoded()),
    ]
    let outcomes = NumPyFuzzing.run(seeds: seeds, seed: 0x4e50_5a46_555a) { _ = try Self.decode($0) }
    #expect(outcomes.decoded > 0 && outcomes.rejected > 0)
  }
}
