import Capture
import Foundation
import Testing

@testable import Perception

#if canImport(Glibc)
  import Glibc
#endif

@Suite("Clip store disk-pressure deleter")
struct ClipStoreTests {
  /// Writes `bytes` of data at `path` and dates it `age` seconds in the past.
  static func makeClip(_ path: String, kilobytes: Int, age: Int) throws {
    guard FileManager.default.createFile(atPath: path, contents: Data(count: kilobytes * 1024)) else {
      throw ToolFailure("cannot write \(path)")
    }
    var times = [
      timespec(tv_sec: time(nil) - age, tv_nsec: 0), timespec(tv_sec: time(nil) - age, tv_nsec: 0),
    ]
    guard utimensat(AT_FDCWD, path, &times, 0) == 0 else { throw ToolFailure("cannot date \(path)") }
  }

  /// On a 4 MiB tmpfs filled with eight 448 KiB clips (plus the clip being written and a kept
  /// one among the oldest), a 1.5 MiB floor makes the store delete the oldest deletable clips,
  /// in order, one at a time when limited to one a call, until the floor holds; the kept clip,
  /// the active clip (partial file) and files that are not clips survive.
  @Test func deletesOldestClipsUntilTheFloorHolds() throws {
    let disk = try SmallFileSystem(megabytes: 4)
    let store = try ClipStore(directory: disk.path + "/clips", freeSpaceFloorBytes: 1536 * 1024)
    let names = (0..<8).map { "clip-\($0).mp4" }
    for (index, name) in names.enumerated() {
      try Self.makeClip(store.directory + "/" + name, kilobytes: 448, age: 1000 - index * 10)
    }
    // The oldest clip is kept; the newest one is being written (only its partial file exists).
    try store.keep(store.directory + "/clip-0.mp4")
    let active = store.directory + "/clip-8.mp4"
    try Self.makeClip(active + MP4Writer.partialSuffix, kilobytes: 448, age: 2000)
    store.activeClip = active
    try Self.makeClip(store.directory + "/notes.txt", kilobytes: 4, age: 5000)
    let before = try store.availableBytes()
    #expect(before < store.freeSpaceFloorBytes, "the test must start under the floor (\(before) bytes free)")

    store.maximumDeletionsPerCall = 1
    let first = try store.reclaim()
    #expect(first.deleted == [store.directory + "/clip-1.mp4"])
    #expect(!first.floorHolds)

    store.maximumDeletionsPerCall = 8
    let second = try store.reclaim()
    #expect(second.floorHolds)
    #expect(second.availableBytes >= store.freeSpaceFloorBytes)
    // Only as many as needed, oldest first: each deletion frees 448 KiB.
    let needed = Int((store.freeSpaceFloorBytes - before + 448 * 1024 - 1) / (448 * 1024))
    let expected = (1...needed).map { store.directory + "/clip-\($0).mp4" }
    #expect(first.deleted + second.deleted == expected)
    for path in expected { #expect(access(path, F_OK) != 0) }
    for survivor in ["clip-0.mp4", "clip-0.mp4.keep", "clip-8.mp4.partial", "notes.txt"] {
      #expect(access(store.directory + "/" + survivor, F_OK) == 0, "\(survivor) was deleted")
    }
    for index in (needed + 1)..<8 { #expect(access(store.directory + "/clip-\(index).mp4", F_OK) == 0) }
    #expect(try store.reclaim().deleted.isEmpty)
  }

  /// With only the active and kept clips left, the store deletes nothing and says the floor fails.
  @Test func neverDeletesActiveOrKeptClipsEvenUnderTheFloor() throws {
    let disk = try SmallFileSystem(megabytes: 2)
    let store = try ClipStore(directory: disk.path, freeSpaceFloorBytes: 1900 * 1024)
    try Self.makeClip(disk.path + "/old.mp4", kilobytes: 256, age: 100)
    try store.keep(disk.path + "/old.mp4")
    try Self.makeClip(disk.path + "/now.mp4.partial", kilobytes: 256, age: 200)
    store.activeClip = disk.path + "/now.mp4"
    try Self.makeClip(disk.path + "/crashed.mp4.partial", kilobytes: 256, age: 50)
    let report = try store.reclaim()
    // A partial file no one is writing is a crash's leftover: it goes.
    #expect(report.deleted == [disk.path + "/crashed.mp4.partial"])
    #expect(!report.floorHolds)
    #expect(access(disk.path + "/old.mp4", F_OK) == 0)
    #expect(access(disk.path + "/now.mp4.partial", F_OK) == 0)
  }

  @Test func namesNewClipsUniquelyInOrder() throws {
    let folder = try ScratchFolder()
    let store = try ClipStore(directory: folder.path, freeSpaceFloorBytes: 0)
    let names = (0..<5).map { _ in store.newClipPath() }
    #expect(Set(names).count == 5)
    #expect(names.allSatisfy { $0.hasPrefix(folder.path + "/clip-") && $0.hasSuffix(".mp4") })
    #expect(throws: ClipStoreError.self) { try ClipStore(directory: "/proc/version", freeSpaceFloorBytes: 0) }
  }
}
