import Engine
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct DirectoriesTests {
  @Test func createsMissingParentsAndAcceptsAnExistingFolder() throws {
    var template = Array("/tmp/hiyari-directories-XXXXXX".utf8CString)
    let root = String(
      cString: try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }))
    defer {
      rmdir(root + "/a/b/c")
      rmdir(root + "/a/b")
      rmdir(root + "/a")
      unlink(root + "/file")
      rmdir(root)
    }
    try Directories.create(root + "/a/b/c")
    var status = stat()
    #expect(stat(root + "/a/b/c", &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR)
    try Directories.create(root + "/a/b/c")
    let file = open(root + "/file", O_CREAT | O_WRONLY, 0o644)
    close(file)
    #expect(throws: Directories.CreationError.self) { try Directories.create(root + "/file/sub") }
  }

  @Test func folderOfAPath() {
    #expect(Directories.folder(of: "out/clip.mp4") == "out")
    #expect(Directories.folder(of: "clip.mp4") == ".")
    #expect(Directories.folder(of: "/clip.mp4") == "/")
    #expect(Directories.folder(of: "/a/b/c") == "/a/b")
  }
}
