import ArgumentParser
import Engine

/// Creates the output folder `path` and its missing parents (like `mkdir -p`), or says why not
/// and exits with 1.
func makeFolder(_ path: String) throws {
  do {
    try Directories.create(path)
  } catch {
    printError("\(path): \(error.description)")
    throw ExitCode(1)
  }
}
