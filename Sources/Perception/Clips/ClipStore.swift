import Capture
import Engine

#if canImport(Glibc)
  import Glibc
#endif

/// The folder clips are written to, kept under a free-space floor by deleting the oldest clips.
///
/// A clip is a `*.mp4` file in `directory`; a crash can leave a `*.mp4.partial` (see
/// `MP4Writer`), which counts as a clip too unless it is the active one. Never deleted:
/// - the active clip (`activeClip`, set by the recorder while it writes; its partial file too);
/// - a kept clip: one with a sidecar file named `<clip>.keep` beside it (`keep(_:)` makes one; a
///   user or another tool may too, e.g. `touch clip-....mp4.keep`). Removing the sidecar releases it.
///
/// `reclaim()` measures free space with statvfs and deletes the oldest clips (by modification
/// time, then name) until the floor holds, at most `maximumDeletionsPerCall` per call, so a
/// caller on a camera's thread does bounded work; it looks at no more than
/// `maximumEntriesScanned` folder entries.
public final class ClipStore {
  public let directory: String
  /// Free space to keep, in bytes.
  public var freeSpaceFloorBytes: Int64
  public var maximumDeletionsPerCall = 8
  public var maximumEntriesScanned = 100_000
  /// The clip being written (its final path), protected from deletion.
  public var activeClip: String?
  private var sequence = 0

  /// The suffix of a sidecar that keeps a clip.
  public static let keepSuffix = ".keep"
  public static let clipSuffix = ".mp4"

  /// Uses (and creates, if missing) `directory`.
  public init(directory: String, freeSpaceFloorBytes: Int64) throws(ClipStoreError) {
    var folder = directory
    while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
    self.directory = folder
    self.freeSpaceFloorBytes = freeSpaceFloorBytes
    do {
      try Directories.create(folder)
    } catch {
      throw ClipStoreError(path: folder, reason: error.description)
    }
    var status = stat()
    guard stat(folder, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
      throw ClipStoreError(path: folder, reason: "is not a folder")
    }
  }

  /// A new clip's path: `clip-<UTC date and time>-<milliseconds>-<sequence>.mp4`, so names sort by
  /// creation and never collide within this store.
  public func newClipPath() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    var seconds = now.tv_sec
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    let date = "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))"
    let time = "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
    let milliseconds = String(now.tv_nsec / 1_000_000)
    sequence += 1
    let padded = String(repeating: "0", count: 3 - milliseconds.count) + milliseconds
    return "\(directory)/clip-\(date)-\(time)-\(padded)-\(sequence)\(Self.clipSuffix)"
  }

  /// Marks `clip` to keep by writing its `.keep` sidecar (durably).
  public func keep(_ clip: String) throws(ClipStoreError) {
    do {
      try DurableFile.write([UInt8](), to: clip + Self.keepSuffix)
    } catch {
      throw ClipStoreError(path: clip, reason: "cannot mark to keep: \(error.reason)")
    }
  }

  /// Whether `clip` has a `.keep` sidecar.
  public func isKept(_ clip: String) -> Bool { access(clip + Self.keepSuffix, F_OK) == 0 }

  /// Free bytes on the store's file system for an unprivileged writer (statvfs `f_bavail`).
  public func availableBytes() throws(ClipStoreError) -> Int64 {
    var info = statvfs()
    guard statvfs(directory, &info) == 0 else {
      throw ClipStoreError(path: directory, reason: "statvfs failed: \(Self.systemError())")
    }
    return Int64(info.f_bavail) * Int64(info.f_frsize)
  }

  /// Clips that may be deleted, oldest first (kept and active clips excluded).
  public func deletableClips() throws(ClipStoreError) -> [String] {
    guard let folder = opendir(directory) else {
      throw ClipStoreError(path: directory, reason: "cannot list: \(Self.systemError())")
    }
    defer { closedir(folder) }
    var found: [(modified: timespec, name: String)] = []
    var scanned = 0
    let partial = MP4Writer.partialSuffix
    while scanned < maximumEntriesScanned, let entry = readdir(folder) {
      scanned += 1
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      let clip: String
      if name.hasSuffix(Self.clipSuffix) {
        clip = name
      } else if name.hasSuffix(Self.clipSuffix + partial) {
        clip = String(name.dropLast(partial.count))
      } else {
        continue
      }
      let clipPath = "\(directory)/\(clip)"
      if clipPath == activeClip || isKept(clipPath) { continue }
      var status = stat()
      guard lstat("\(directory)/\(name)", &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
      found.append((status.st_mtim, name))
    }
    found.sort {
      ($0.modified.tv_sec, $0.modified.tv_nsec, $0.name) < ($1.modified.tv_sec, $1.modified.tv_nsec, $1.name)
    }
    return found.map { "\(directory)/\($0.name)" }
  }

  /// Deletes the oldest deletable clips until free space is at least the floor, at most
  /// `maximumDeletionsPerCall` of them.
  @discardableResult
  public func reclaim() throws(ClipStoreError) -> ReclaimReport {
    var available = try availableBytes()
    var deleted: [String] = []
    if available < freeSpaceFloorBytes {
      for path in try deletableClips() {
        guard available < freeSpaceFloorBytes, deleted.count < maximumDeletionsPerCall else { break }
        guard unlink(path) == 0 else {
          if errno == ENOENT { continue }
          throw ClipStoreError(path: path, reason: "cannot delete: \(Self.systemError())")
        }
        deleted.append(path)
        available = try availableBytes()
      }
    }
    return ReclaimReport(
      deleted: deleted, availableBytes: available, floorHolds: available >= freeSpaceFloorBytes)
  }

  private static func systemError() -> String { String(cString: strerror(errno)) }
}
