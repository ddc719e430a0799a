import Foundation

@testable import Engine

/// The detector-like model of scripts/make-detector-model.py (float ONNX, two int8 QDQ versions
/// written by onnxruntime's quantizer) with ONNX Runtime's outputs on its test images. Generated
/// on first use into the temporary directory, keyed by the script's content, with the venv's
/// Python (HIYARI_PYTHON overrides it); a missing Python or package is an error, not a skip.
struct DetectorFixture {
  struct Manifest: Decodable {
    struct Input: Decodable {
      var name: String
      var shape: [Int]
    }
    var input: Input
    var outputs: [String: [Int]]
    var samples: Int
    var macs: Int
    var variants: [String: String]
    var onnxruntime: String
  }

  let directory: URL
  let manifest: Manifest

  static let script = ONNXConformanceTests.repositoryRoot.appendingPathComponent(
    "scripts/make-detector-model.py")

  /// The fixture, generated once per script version (about 5 s) and shared by every test.
  static func load() throws -> DetectorFixture { try shared.get() }

  private static let shared = Result { try generate() }

  private static func generate() throws -> DetectorFixture {
    let source = try Data(contentsOf: script)
    let key = String(SHA256.hash(Array(source)).prefix(12))
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hiyari-detector-\(key)")
    let manifestURL = directory.appendingPathComponent("manifest.json")
    if !FileManager.default.fileExists(atPath: manifestURL.path) {
      let staging = directory.path + ".partial-\(getpid())"
      let answer = try ONNXConformanceTests.runProcess(PythonONNX.python, [script.path, staging])
      guard answer.status == 0 else {
        throw PythonONNX.Unavailable(
          description:
            "scripts/make-detector-model.py failed (it needs /opt/hiyari-venv with onnx and onnxruntime: scripts/python-env): \(answer.output)"
        )
      }
      try? FileManager.default.removeItem(at: directory)
      try FileManager.default.moveItem(atPath: staging, toPath: directory.path)
    }
    let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifestURL))
    return DetectorFixture(directory: directory, manifest: manifest)
  }

  func modelPath(_ variant: String) -> String {
    directory.appendingPathComponent(manifest.variants[variant]!).path
  }

  /// Test image `index` as the model's input tensor.
  func input(_ index: Int) throws -> Tensor {
    try Self.floats(
      directory.appendingPathComponent("inputs/sample-\(index).npy"), shape: manifest.input.shape)
  }

  /// ONNX Runtime's output `name` for `variant` on test image `index`.
  func reference(_ variant: String, sample index: Int, output name: String) throws -> Tensor {
    try Self.floats(
      directory.appendingPathComponent("reference/\(variant)/sample-\(index)/\(name).npy"),
      shape: manifest.outputs[name]!)
  }

  /// A float32 array the script saved with np.save, checked against the shape the manifest gives.
  static func floats(_ url: URL, shape: [Int]) throws -> Tensor {
    let array = try NumPyArray(contentsOf: url.path)
    guard array.shape == shape, array.elementType == .float32 else {
      throw PythonONNX.Unavailable(
        description: "\(url.path) is \(array.elementType) \(array.shape), expected float32 \(shape)")
    }
    return try array.tensor(quantization: nil)
  }

}
