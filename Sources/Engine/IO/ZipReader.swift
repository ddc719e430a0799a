/// Reads the members of a zip archive (as numpy's .npz files are) from memory, trusting nothing:
/// every count, offset and size is checked against the file before it is used.
///
/// Supports what Python's zipfile writes: stored and deflated members, Zip64 extra fields and
/// the Zip64 end-of-central-directory record, data descriptors (sizes come from the central
/// directory). Multi-disk archives and encryption are refused.
struct ZipReader {
  /// One member, located and bounds-checked.
  struct Member: Equatable {
    var name: String
    var isDeflated: Bool
    var crc32: UInt32
    var compressedSize: Int
    var uncompressedSize: Int
    /// Where the member's (compressed) data starts in the file.
    var dataOffset: Int
  }

  let file: UnsafeRawBufferPointer
  let source: String
  let members: [Member]

  /// The largest member accepted once inflated: a float64 array of the largest tensor.
  static let maximumMemberBytes = 2 * Tensor.maximumByteCount + NumPyArray.maximumHeaderBytes + 64
  /// Deflate cannot expand data more than about 1032:1, so a larger declared size is a lie.
  static let maximumDeflateRatio = 1032

  init(_ file: UnsafeRawBufferPointer, source: String, maximumMembers: Int) throws(NumPyError) {
    self.file = file
    self.source = source
    let directory = try ZipReader.centralDirectory(file, source: source)
    guard directory.count <= maximumMembers else {
      throw NumPyError("\(source): \(directory.count) members exceeds the limit of \(maximumMembers)")
    }
    // Each central directory entry is at least 46 bytes: a count the directory cannot hold is a lie.
    guard directory.count <= directory.size / 46 else {
      throw NumPyError("\(source): \(directory.count) members cannot fit a \(directory.size)-byte directory")
    }
    var members: [Member] = []
    var position = directory.offset
    let end = directory.offset + directory.size
    for index in 0..<directory.count {
      let member = try ZipReader.entry(file, at: &position, end: end, source: source, index: index)
      members.append(member)
    }
    self.members = members
  }

  /// The member's bytes, inflated if needed, with the CRC-32 checked.
  func contents(of member: Member) throws(NumPyError) -> [UInt8] {
    let data = UnsafeRawBufferPointer(
      rebasing: file[member.dataOffset..<(member.dataOffset + member.compressedSize)])
    let bytes: [UInt8]
    if member.isDeflated {
      switch Zlib.inflateRaw(data, count: member.uncompressedSize) {
      case .success(let inflated): bytes = inflated
      case .failure(let error): throw NumPyError("\(source): member \(member.name): \(error.description)")
      }
    } else {
      bytes = Array(data)
    }
    let crc = bytes.withUnsafeBytes { Zlib.crc32($0) }
    guard crc == member.crc32 else {
      throw NumPyError(
        "\(source): member \(member.name) is corrupt (CRC-32 \(hex(crc)), the directory says \(hex(member.crc32)))"
      )
    }
    return bytes
  }

  // MARK: - Records

  private static let endOfDirectorySignature: UInt32 = 0x0605_4b50
  private static let zip64LocatorSignature: UInt32 = 0x0706_4b50
  private static let zip64EndSignature: UInt32 = 0x0606_4b50
  private static let directoryEntrySignature: UInt32 = 0x0201_4b50
  private static let localHeaderSignature: UInt32 = 0x0403_4b50

  /// Finds the end-of-central-directory record (searching back over a trailing comment) and,
  /// when present, the Zip64 one; returns the member count and the directory's place.
  private static func centralDirectory(_ file: UnsafeRawBufferPointer, source: String) throws(NumPyError) -> (
    count: Int, offset: Int, size: Int
  ) {
    guard file.count >= 22 else { throw NumPyError("\(source): too short for a zip archive") }
    var found: Int?
    var candidate = file.count - 22
    let lowest = max(0, file.count - 22 - 0xFFFF)
    while candidate >= lowest {
      if read32(file, candidate) == endOfDirectorySignature,
        candidate + 22 + Int(read16(file, candidate + 20)) <= file.count
      {
        found = candidate
        break
      }
      candidate -= 1
    }
    guard let end = found else {
      throw NumPyError("\(source): not a zip archive (no end-of-central-directory record)")
    }
    var count = Int(read16(file, end + 10))
    var size = Int(read32(file, end + 12))
    var offset = Int(read32(file, end + 16))
    var directoryEnd = end
    guard read16(file, end + 4) == read16(file, end + 6), read16(file, end + 8) == read16(file, end + 10)
    else {
      throw NumPyError("\(source): multi-disk zip archives are not supported")
    }
    if end >= 20, read32(file, end - 20) == zip64LocatorSignature {
      let recordOffset = read64(file, end - 20 + 8)
      // The Zip64 end record (56 bytes at least) must lie wholly before its locator.
      guard end - 20 >= 56, recordOffset <= UInt64(end - 20 - 56) else {
        throw NumPyError("\(source): the Zip64 end record offset \(recordOffset) lies outside the file")
      }
      let record = Int(recordOffset)
      guard read32(file, record) == zip64EndSignature else {
        throw NumPyError("\(source): the Zip64 locator does not point at a Zip64 end record")
      }
      let count64 = read64(file, record + 32)
      let size64 = read64(file, record + 40)
      let offset64 = read64(file, record + 48)
      guard read64(file, record + 24) == count64 else {
        throw NumPyError("\(source): multi-disk zip archives are not supported")
      }
      guard count64 <= UInt64(file.count), size64 <= UInt64(file.count), offset64 <= UInt64(file.count) else {
        throw NumPyError("\(source): the Zip64 end record declares sizes beyond the file")
      }
      count = Int(count64)
      size = Int(size64)
      offset = Int(offset64)
      directoryEnd = record
    }
    guard offset <= directoryEnd, size <= directoryEnd - offset else {
      throw NumPyError(
        "\(source): the central directory (offset \(offset), \(size) bytes) lies outside the file")
    }
    return (count, offset, size)
  }

  /// Parses the central directory entry at `position` and the local header it points at.
  private static func entry(
    _ file: UnsafeRawBufferPointer, at position: inout Int, end: Int, source: String, index: Int
  ) throws(NumPyError) -> Member {
    let start = position
    guard end - start >= 46, read32(file, start) == directoryEntrySignature else {
      throw NumPyError("\(source): central directory entry \(index) is malformed")
    }
    let flags = read16(file, start + 8)
    let method = read16(file, start + 10)
    let crc = read32(file, start + 16)
    var compressed = UInt64(read32(file, start + 20))
    var uncompressed = UInt64(read32(file, start + 24))
    let nameLength = Int(read16(file, start + 28))
    let extraLength = Int(read16(file, start + 30))
    let commentLength = Int(read16(file, start + 32))
    var localOffset = UInt64(read32(file, start + 42))
    position = start + 46 + nameLength + extraLength + commentLength
    guard position <= end else {
      throw NumPyError("\(source): central directory entry \(index) runs past the directory")
    }
    let nameBytes = Array(file[(start + 46)..<(start + 46 + nameLength)])
    let name = String(decoding: nameBytes, as: UTF8.self)
    let label = "\(source): member \(name)"
    guard flags & 1 == 0 else { throw NumPyError("\(label) is encrypted") }
    guard method == 0 || method == 8 else {
      throw NumPyError("\(label) uses compression method \(method) (only stored and deflated are supported)")
    }
    // Zip64 extra field: the 64-bit values of exactly the fields whose 32-bit slots are all ones.
    var extra = start + 46 + nameLength
    let extraEnd = extra + extraLength
    while extraEnd - extra >= 4 {
      let id = read16(file, extra)
      let length = Int(read16(file, extra + 2))
      guard length <= extraEnd - extra - 4 else { throw NumPyError("\(label) has a malformed extra field") }
      if id == 1 {
        var field = extra + 4
        let fieldEnd = field + length
        for slot in [0, 1, 2] {
          let value = slot == 0 ? uncompressed : slot == 1 ? compressed : localOffset
          guard value == 0xFFFF_FFFF else { continue }
          guard fieldEnd - field >= 8 else { throw NumPyError("\(label) has a truncated Zip64 extra field") }
          let wide = read64(file, field)
          field += 8
          switch slot {
          case 0: uncompressed = wide
          case 1: compressed = wide
          default: localOffset = wide
          }
        }
      }
      extra += 4 + length
    }
    guard file.count >= 30, localOffset <= UInt64(file.count - 30), compressed <= UInt64(file.count) else {
      throw NumPyError("\(label): its offset or size lies past the end of the file")
    }
    guard uncompressed <= UInt64(maximumMemberBytes) else {
      throw NumPyError("\(label): \(uncompressed) bytes exceeds the \(maximumMemberBytes)-byte member limit")
    }
    let local = Int(localOffset)
    guard read32(file, local) == localHeaderSignature else {
      throw NumPyError("\(label): no local header at offset \(local)")
    }
    let localNameLength = Int(read16(file, local + 26))
    let localExtraLength = Int(read16(file, local + 28))
    let dataOffset = local + 30 + localNameLength + localExtraLength
    guard dataOffset <= file.count, Int(compressed) <= file.count - dataOffset else {
      throw NumPyError("\(label): its data runs past the end of the file")
    }
    guard file[(local + 30)..<(local + 30 + localNameLength)].elementsEqual(nameBytes) else {
      throw NumPyError("\(label): the local header names a different file")
    }
    if method == 0 {
      guard compressed == uncompressed else {
        throw NumPyError("\(label) is stored but its sizes differ (\(compressed) and \(uncompressed))")
      }
    } else {
      guard uncompressed <= compressed * UInt64(maximumDeflateRatio) + 1024 else {
        throw NumPyError(
          "\(label) declares \(uncompressed) bytes from \(compressed) compressed, more than deflate can produce"
        )
      }
    }
    return Member(
      name: name, isDeflated: method == 8, crc32: crc, compressedSize: Int(compressed),
      uncompressedSize: Int(uncompressed), dataOffset: dataOffset)
  }

  private static func read16(_ file: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
    UInt16(file[offset]) | UInt16(file[offset + 1]) << 8
  }

  private static func read32(_ file: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
    UInt32(read16(file, offset)) | UInt32(read16(file, offset + 2)) << 16
  }

  private static func read64(_ file: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
    UInt64(read32(file, offset)) | UInt64(read32(file, offset + 4)) << 32
  }

  private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
  }
}
