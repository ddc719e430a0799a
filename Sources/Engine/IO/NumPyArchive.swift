/// Named arrays in NumPy's .npz format: a zip archive of .npy members, one per array, named
/// `<name>.npy` (names here are without the suffix, as `np.load` shows them).
///
/// Reading accepts what `np.savez` and `np.savez_compressed` write (stored and deflated members,
/// Zip64 records) and treats the file as hostile: the member count, every offset and size, and
/// each member's CRC-32 are checked, and each member is a .npy file read as `NumPyArray` reads
/// one. Writing makes stored members with CRC-32, as `np.savez` does, atomically.
public struct NumPyArchive: Sendable, Equatable {
  /// The arrays in archive order.
  public private(set) var arrays: [(name: String, array: NumPyArray)]

  /// Most members accepted in one archive.
  public static let maximumMembers = 10_000

  /// An archive of `arrays`; names must be unique and non-empty.
  public init(_ arrays: [(name: String, array: NumPyArray)] = []) throws(NumPyError) {
    self.arrays = []
    for (name, array) in arrays { try append(array, named: name) }
  }

  /// The names of the arrays, in archive order.
  public var names: [String] { arrays.map(\.name) }

  /// The array called `name`, if any.
  public subscript(name: String) -> NumPyArray? { arrays.first { $0.name == name }?.array }

  /// Adds an array; fails when the name is empty or already taken.
  public mutating func append(_ array: NumPyArray, named name: String) throws(NumPyError) {
    guard !name.isEmpty else { throw NumPyError("an array in an archive needs a name") }
    guard self[name] == nil else { throw NumPyError("the archive already holds an array named \(name)") }
    guard arrays.count < NumPyArchive.maximumMembers else {
      throw NumPyError("an archive holds at most \(NumPyArchive.maximumMembers) arrays")
    }
    arrays.append((name, array))
  }

  public static func == (left: NumPyArchive, right: NumPyArchive) -> Bool {
    left.arrays.count == right.arrays.count
      && zip(left.arrays, right.arrays).allSatisfy { $0.name == $1.name && $0.array == $1.array }
  }

  // MARK: - Reading

  /// Reads the .npz file at `path`.
  public init(contentsOf path: String) throws(NumPyError) {
    let file: MappedFile
    do {
      file = try MappedFile(path: path, maximumBytes: 1 << 34)
    } catch {
      throw NumPyError(error.description)
    }
    try self.init(decoding: UnsafeRawBufferPointer(file.bytes), source: path)
  }

  /// Parses the bytes of a .npz file; `source` names it in errors.
  public init(decoding file: UnsafeRawBufferPointer, source: String) throws(NumPyError) {
    let reader = try ZipReader(file, source: source, maximumMembers: NumPyArchive.maximumMembers)
    self.arrays = []
    for member in reader.members {
      guard member.name.hasSuffix(".npy"), member.name.count > 4 else {
        throw NumPyError("\(source): member \(member.name) is not a .npy file")
      }
      let name = String(member.name.dropLast(4))
      guard self[name] == nil else { throw NumPyError("\(source): member \(member.name) appears twice") }
      let bytes = try reader.contents(of: member)
      let array: Result<NumPyArray, NumPyError> = bytes.withUnsafeBytes { buffer in
        Result { () throws(NumPyError) in
          try NumPyArray(decoding: buffer, source: "\(source): \(member.name)")
        }
      }
      arrays.append((name, try array.get()))
    }
  }

  // MARK: - Writing

  /// The bytes of a .npz file holding these arrays (stored members, as `np.savez` writes).
  public func encoded() throws(NumPyError) -> [UInt8] {
    try ZipWriter.archive(arrays.map { ("\($0.name).npy", $0.array.encoded()) })
  }

  /// Writes the archive at `path`, atomically (see `DurableFile`).
  public func write(to path: String) throws(NumPyError) {
    let bytes = try encoded()
    do {
      try DurableFile.write(bytes, to: path)
    } catch {
      throw NumPyError(error.description)
    }
  }
}
