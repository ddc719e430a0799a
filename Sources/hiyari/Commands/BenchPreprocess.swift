import ArgumentParser

/// `hiyari bench preprocess`: Hiyari's preprocessing against libswscale on the same frames.
struct BenchPreprocess: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "preprocess", abstract: "Preprocessing vs libswscale (not yet written).")

  func run() throws {
    throw ValidationError("not yet written")
  }
}
