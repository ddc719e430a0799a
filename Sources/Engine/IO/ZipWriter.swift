/// Writes a zip archive of stored (uncompressed) members with their CRC-32, as `np.savez` does.
///
/// Timestamps are fixed at 1980-01-01 00:00, the earliest zip can say, so the same arrays always
/// make the same bytes. Archives needing Zip64 (4 GiB or more) are refused.
enum ZipWriter {
  static func archive(_ members: [(name: String, data: [UInt8])]) throws(NumPyError) -> [UInt8] {
    var output: [UInt8] = []
    var directory: [UInt8] = []
    for (name, data) in members {
      let nameBytes = Array(name.utf8)
      guard nameBytes.count <= 0xFFFF else {
        throw NumPyError("member name \(name.prefix(40))... is too long")
      }
      let offset = output.count
      guard data.count < 0xFFFF_FFFF, offset < 0xFFFF_FFFF, offset + data.count < 0xFFFF_FFFF else {
        throw NumPyError("the archive would reach 4 GiB, which needs Zip64; write the arrays separately")
      }
      let crc = data.withUnsafeBytes { Zlib.crc32($0) }
      // Bit 11: the name is UTF-8 (Python's zipfile sets it only for non-ASCII names).
      let flags: UInt16 = nameBytes.allSatisfy { $0 < 0x80 } ? 0 : 0x0800
      var common: [UInt8] = []
      append16(&common, flags)
      append16(&common, 0)  // stored
      append16(&common, 0)  // time 00:00:00
      append16(&common, (0 << 9) | (1 << 5) | 1)  // date 1980-01-01
      append32(&common, crc)
      append32(&common, UInt32(data.count))
      append32(&common, UInt32(data.count))
      append16(&common, UInt16(nameBytes.count))
      append16(&common, 0)  // extra length

      append32(&output, 0x0403_4b50)
      append16(&output, 20)  // version needed: 2.0
      output += common
      output += nameBytes
      output += data

      append32(&directory, 0x0201_4b50)
      append16(&directory, 3 << 8 | 20)  // made by: Unix, 2.0
      append16(&directory, 20)
      directory += common
      append16(&directory, 0)  // comment length
      append16(&directory, 0)  // disk
      append16(&directory, 0)  // internal attributes
      append32(&directory, 0o600 << 16)  // external attributes: a regular file, rw-------
      append32(&directory, UInt32(offset))
      directory += nameBytes
    }
    let directoryOffset = output.count
    guard members.count <= 0xFFFF, directoryOffset + directory.count < 0xFFFF_FFFF else {
      throw NumPyError("the archive would reach 4 GiB or 65,535 members, which needs Zip64")
    }
    output += directory
    append32(&output, 0x0605_4b50)
    append16(&output, 0)
    append16(&output, 0)
    append16(&output, UInt16(members.count))
    append16(&output, UInt16(members.count))
    append32(&output, UInt32(directory.count))
    append32(&output, UInt32(directoryOffset))
    append16(&output, 0)  // comment length
    return output
  }

  private static func append16(_ bytes: inout [UInt8], _ value: UInt16) {
    bytes.append(UInt8(truncatingIfNeeded: value))
    bytes.append(UInt8(truncatingIfNeeded: value >> 8))
  }

  private static func append32(_ bytes: inout [UInt8], _ value: UInt32) {
    append16(&bytes, UInt16(truncatingIfNeeded: value))
    append16(&bytes, UInt16(truncatingIfNeeded: value >> 16))
  }
}
