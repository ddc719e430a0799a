import ArgumentParser

/// `hiyari bench`: benchmarks that report ratios against a peer measured in the same run.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Benchmarks against a peer measured in the same run.",
    subcommands: [
      BenchPreprocess.self, BenchDecode.self, BenchMemory.self, BenchModel.self, BenchInt8Peak.self,
    ])
}
