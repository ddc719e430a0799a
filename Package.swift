// swift-tools-version:6.0
// The module map follows ../shared/DESIGN.md: a module imports only modules listed before it.
import PackageDescription

let package = Package(
  name: "Hiyari",
  products: [
    .executable(name: "hiyari", targets: ["hiyari"]),
    .executable(name: "hiyari-netem", targets: ["hiyari-netem"]),
    .executable(name: "hiyari-fleet", targets: ["hiyari-fleet"]),
    .executable(name: "hiyari-synth", targets: ["hiyari-synth"]),
    .executable(name: "hiyari-train", targets: ["hiyari-train"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-nio", .upToNextMinor(from: "2.101.2")),
    .package(url: "https://github.com/apple/swift-nio-ssl", .upToNextMinor(from: "2.37.6")),
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
    // Detector decoding, tracking, near-miss scoring, events, clips and their evaluation.
    .target(name: "Perception", dependencies: ["Capture", "Engine"]),
    // Per-layer profiles, link estimates, the partition planner, the offload wire protocol and its
    // client, split execution (the device side of offload).
    .target(
      name: "Offload",
      dependencies: [
        "Engine", .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOTLS", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ]),
    // Training: the detector's network, targets, loss and training loop (on Engine's autograd).
    .target(name: "Learning", dependencies: ["Engine"]),
    // The link emulator: a TCP relay with each link profile's rate, delay and jitter (this
    // kernel has no netem), for tests and benchmarks of offload.
    .target(name: "LinkEmulation", dependencies: ["Offload", "Engine"]),
    // The cloud side: the tail server for split execution.
    .target(
      name: "Fleet",
      dependencies: [
        "Engine", "Offload", .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ]),
    // Synthetic dashcam scenes and near-miss scenarios with ground truth (a dev tool's module,
    // never linked into the device binary).
    .target(name: "Synth", dependencies: ["Engine", "Capture"]),
    // The device CLI.
    .executableTarget(
      name: "hiyari",
      dependencies: [
        "Capture", "Engine", "Perception", "Offload", "CFFmpeg", "CKernels",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // The link emulator as a command.
    .executableTarget(
      name: "hiyari-netem",
      dependencies: [
        "LinkEmulation", "Offload", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // The fleet server (never linked into the device binary).
    .executableTarget(
      name: "hiyari-fleet",
      dependencies: [
        "Fleet", "Offload", "Engine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // The synthetic data generator as a command.
    .executableTarget(
      name: "hiyari-synth",
      dependencies: [
        "Synth", "Capture", "Engine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Training, quantizing and evaluating the shipped detector (never linked into the device
    // binary).
    .executableTarget(
      name: "hiyari-train",
      dependencies: [
        "Synth", "Learning", "Perception", "Capture", "Engine",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(name: "CKernelsTests", dependencies: ["CKernels"]),
    .testTarget(name: "EngineTests", dependencies: ["Engine"], exclude: ["Bundle/Corpus", "ONNX/conformance-results.md"]),
    .testTarget(name: "OffloadTests", dependencies: ["Offload", "Engine"]),
    .testTarget(name: "LearningTests", dependencies: ["Learning", "Engine"]),
    .testTarget(
      name: "FleetTests",
      dependencies: [
        "Fleet", "Offload", "Engine", "LinkEmulation", .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ]),
    .testTarget(name: "LinkEmulationTests", dependencies: ["LinkEmulation", "Offload", "Engine"]),
    .testTarget(name: "CaptureTests", dependencies: ["Capture", "CFFmpeg", "CV4L2"]),
    .testTarget(name: "PerceptionTests", dependencies: ["Perception", "Capture", "Engine"]),
    .testTarget(name: "SynthTests", dependencies: ["Synth", "Capture"]),
    .testTarget(
      name: "hiyari-trainTests", dependencies: ["hiyari-train", "Synth", "Learning", "Perception", "Engine"]),
  ]
)
