// swift-tools-version:6.0
// The module map follows ../shared/DESIGN.md: a module imports only modules listed before it.
import PackageDescription

let package = Package(
  name: "Hiyari",
  products: [
    .executable(name: "hiyari", targets: ["hiyari"]),
    .executable(name: "hiyari-netem", targets: ["hiyari-netem"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    // System libraries and tiny C shims.
    .systemLibrary(
      name: "CV4L2", pkgConfig: "libv4l2", providers: [.apt(["libv4l-dev"])]),
    .systemLibrary(
      name: "CFFmpeg", pkgConfig: "libavformat",
      providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev"])]),
    .systemLibrary(
      name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // C SIMD micro-kernels with run-time CPU dispatch.
    .target(
      name: "CKernels",
      cSettings: [.unsafeFlags(["-O3"])]),
    // Tensors, the graph runtime, model and array files.
    .target(
      name: "Engine",
      dependencies: ["CKernels", "COpenBLAS", "CZlib"]),
    // Frame sources and preprocessing.
    .target(name: "Capture", dependencies: ["CV4L2", "CFFmpeg", "CKernels", "Engine"]),
    // Per-layer profiles, link estimates and the partition planner (device side of offload).
    .target(name: "Offload", dependencies: ["Engine"]),
    // Training: the detector's network, targets, loss and training loop (on Engine's autograd).
    .target(name: "Learning", dependencies: ["Engine"]),
    // The link emulator: a TCP relay with each link profile's rate, delay and jitter (this
    // kernel has no netem), for tests and benchmarks of offload.
    .target(name: "LinkEmulation", dependencies: ["Offload"]),
    // The device CLI.
    .executableTarget(
      name: "hiyari",
      dependencies: [
        "Capture", "Engine", "Offload", "CFFmpeg", "CKernels",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // The link emulator as a command.
    .executableTarget(
      name: "hiyari-netem",
      dependencies: [
        "LinkEmulation", "Offload", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(name: "CKernelsTests", dependencies: ["CKernels"]),
    .testTarget(name: "EngineTests", dependencies: ["Engine"], exclude: ["Bundle/Corpus", "ONNX/conformance-results.md"]),
    .testTarget(name: "OffloadTests", dependencies: ["Offload", "Engine"]),
    .testTarget(name: "LearningTests", dependencies: ["Learning", "Engine"]),
    .testTarget(name: "LinkEmulationTests", dependencies: ["LinkEmulation", "Offload"]),
    .testTarget(name: "CaptureTests", dependencies: ["Capture", "CFFmpeg", "CV4L2"]),
  ]
)
