import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A small tmpfs mounted for one test, so free space is real and small. Mounting needs root
/// (the tests run as root); a failure to mount is a test failure that says so.
final class SmallFileSystem {
  let folder: ScratchFolder
  var path: String { folder.path }

  init(megabytes: Int) throws {
    folder = try ScratchFolder()
    guard mount("tmpfs", folder.path, "tmpfs", 0, "size=\(megabytes)m,mode=0755") == 0 else {
      throw ToolFailure(
        "cannot mount a \(megabytes) MiB tmpfs on \(folder.path) for the disk-pressure test: "
          + "\(String(cString: strerror(errno))) (it needs root)")
    }
  }

  deinit { umount2(folder.path, Int32(MNT_DETACH)) }
}
