import Foundation
import Testing

@testable import Engine

@Suite struct ModelArraysTests {
  static let image = TensorInfo(name: "image", elementType: .float32, shape: [1, 3, 2, 2])
  static let codes = TensorInfo(
    name: "codes", elementType: .int8, shape: [4], quantization: Quantization(scale: 0.5, zeroPoint: 1))

  /// Writes the files the cases use into a fresh folder.
  static func files() throws -> URL {
    let directory = try PythonONNX.temporaryDirectory("model-arrays")
    let image = try NumPyTestSupport.array(.float32, shape: [1, 3, 2, 2])
    try image.write(to: NumPyTestSupport.path(directory, "image.npy"))
    try NumPyTestSupport.array(.int8, shape: [4]).write(to: NumPyTestSupport.path(directory, "codes.npy"))
    try NumPyTestSupport.array(.int32, shape: [1, 3, 2, 2]).write(
      to: NumPyTestSupport.path(directory, "ints.npy"))
    try NumPyArchive([("image", image), ("codes", NumPyTestSupport.array(.int8, shape: [4]))])
      .write(to: NumPyTestSupport.path(directory, "both.npz"))
    try NumPyArchive([("other", image)]).write(to: NumPyTestSupport.path(directory, "other.npz"))
    return directory
  }

  @Test func bindsByPositionNameAndArchive() throws {
    let directory = try Self.files()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = { NumPyTestSupport.path(directory, $0) }
    let single = try ModelArrays.bindInputs([path("image.npy")], to: [Self.image])
    #expect(single["image"]?.shape == [1, 3, 2, 2])
    #expect(
      Array(single["image"]!.bytes) == (try NumPyTestSupport.array(.float32, shape: [1, 3, 2, 2])).bytes)
    let named = try ModelArrays.bindInputs(
      ["codes=\(path("codes.npy"))", "image=\(path("image.npy"))"], to: [Self.image, Self.codes])
    #expect(named["codes"]?.quantization == Self.codes.quantization)
    let archive = try ModelArrays.bindInputs([path("both.npz")], to: [Self.image, Self.codes])
    #expect(Set(archive.keys) == ["image", "codes"])
    #expect(Array(archive["codes"]!.bytes) == Array(named["codes"]!.bytes))
  }

  @Test func explainsWhatDoesNotFit() throws {
    let directory = try Self.files()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = { NumPyTestSupport.path(directory, $0) }
    let both = [Self.image, Self.codes]
    NumPyTestSupport.expectError(containing: "the model has 2 inputs (image, codes)") {
      _ = try ModelArrays.bindInputs([path("image.npy")], to: both)
    }
    NumPyTestSupport.expectError(containing: "no array given for input codes (int8 [4])") {
      _ = try ModelArrays.bindInputs(["image=\(path("image.npy"))"], to: both)
    }
    NumPyTestSupport.expectError(containing: "input image is given twice") {
      _ = try ModelArrays.bindInputs([path("both.npz"), "image=\(path("image.npy"))"], to: both)
    }
    NumPyTestSupport.expectError(containing: "other is not an input of the model (its inputs: image)") {
      _ = try ModelArrays.bindInputs([path("other.npz")], to: [Self.image])
    }
    NumPyTestSupport.expectError(
      containing: "input image is float32 [1, 3, 2, 2]; \(path("ints.npy")) holds int32"
    ) {
      _ = try ModelArrays.bindInputs([path("ints.npy")], to: [Self.image])
    }
    NumPyTestSupport.expectError(containing: "holds int8 [4]") {
      _ = try ModelArrays.bindInputs(["image=\(path("codes.npy"))"], to: both)
    }
  }

  @Test func writesOneOutputAsNpyAndAnyAsNpz() throws {
    let directory = try PythonONNX.temporaryDirectory("model-outputs")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = { NumPyTestSupport.path(directory, $0) }
    let first = try NumPyTestSupport.array(.float32, shape: [2, 2]).tensor()
    let second = try NumPyTestSupport.array(.int32, shape: [3]).tensor()
    try ModelArrays.writeOutputs([("y", first)], to: path("y.npy"))
    #expect(try NumPyArray(contentsOf: path("y.npy")) == NumPyArray(first))
    try ModelArrays.writeOutputs([("y", first), ("n", second)], to: path("all.npz"))
    let archive = try NumPyArchive(contentsOf: path("all.npz"))
    #expect(archive.names == ["y", "n"] && archive["n"] == NumPyArray(second))
    NumPyTestSupport.expectError(containing: "the model has 2 outputs (y, n); a .npy file holds one") {
      try ModelArrays.writeOutputs([("y", first), ("n", second)], to: path("two.npy"))
    }
    NumPyTestSupport.expectError(containing: "must end in .npy or .npz") {
      try ModelArrays.writeOutputs([("y", first)], to: path("y.bin"))
    }
  }
}
