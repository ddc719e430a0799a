import ArgumentParser
import Engine
import FoundationEssentials

/// Calibration samples read one file at a time, so a large calibration set is never all in
/// memory. A read error ends the sequence; `check()` then reports it.
///
/// What a file holds (`path` is one file or a folder of them, read in name order):
/// - `.npy`: the input of a single-input model, one sample; or a stack of samples along a new
///   leading axis (shape `[S] + input shape`).
/// - `.npz` whose members are named after the model's inputs: one sample, or `S` samples when
///   every member is a stack of `S` along a new leading axis.
/// - `.npz` of a single-input model whose members have other names: each member is one sample
///   (or a stack), as `np.savez(path, *images)` writes.
/// An array whose shape equals the input's is one sample even when it could also read as a stack
/// (an input of shape [1, 3, H, W] and an array [1, 3, H, W]).
final class CalibrationFiles: Sequence {
  let files: [String]
  let inputs: [TensorInfo]
  private(set) var failure: String?

  init(path: String, inputs: [TensorInfo]) throws {
    self.inputs = inputs
    var isFolder = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw ValidationError("\(path): no such file or folder")
    }
    if isFolder {
      let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
      files = names.filter { $0.hasSuffix(".npy") || $0.hasSuffix(".npz") }.map { "\(path)/\($0)" }
    } else {
      guard path.hasSuffix(".npy") || path.hasSuffix(".npz") else {
        throw ValidationError("\(path): calibration samples are .npy or .npz files, or a folder of them")
      }
      files = [path]
    }
    guard !files.isEmpty else { throw ValidationError("\(path): no .npy or .npz calibration samples") }
    if inputs.count > 1, files.contains(where: { $0.hasSuffix(".npy") }) {
      throw ValidationError(
        "\(path): the model has \(inputs.count) inputs (\(inputs.map(\.name).joined(separator: ", "))); give each sample as an .npz with a member per input"
      )
    }
  }

  func makeIterator() -> AnyIterator<[String: Tensor]> {
    var remaining = files[...]
    var pending: [[String: Tensor]] = []
    return AnyIterator { [self] in
      while failure == nil {
        if !pending.isEmpty { return pending.removeFirst() }
        guard let file = remaining.popFirst() else { return nil }
        do {
          pending = try read(file)
        } catch {
          failure = "\(file): \(error)"
        }
      }
      return nil
    }
  }

  /// Every sample, in memory (for tools that run the set many times).
  func all() throws -> [[String: Tensor]] {
    let samples = Array(self)
    try check()
    return samples
  }

  func check() throws {
    if let failure { throw ValidationError(failure) }
  }

  /// `body`'s result, or the read error that cut its samples short (which explains an error
  /// `body` then threw, such as "needs at least one sample").
  func checked<Result>(_ body: (CalibrationFiles) throws -> Result) throws -> Result {
    let result: Result
    do {
      result = try body(self)
    } catch {
      try check()
      throw error
    }
    try check()
    return result
  }

  /// The samples one file holds: each a value per graph input.
  func read(_ file: String) throws -> [[String: Tensor]] {
    if file.hasSuffix(".npy") {
      return try Self.samples(input: inputs[0], array: NumPyArray(contentsOf: file)).map {
        [inputs[0].name: $0]
      }
    }
    let archive = try NumPyArchive(contentsOf: file)
    let inputNames = Set(inputs.map(\.name))
    if archive.names.contains(where: inputNames.contains) {
      // Members by input name: every input once, all with the same sample count.
      var perInput: [String: [Tensor]] = [:]
      for info in inputs {
        guard let array = archive[info.name] else {
          throw ValidationError(
            "no member \(info.name) for input \(info.name) (\(info.elementType) \(info.shape))")
        }
        perInput[info.name] = try Self.samples(input: info, array: array)
      }
      let extra = archive.names.filter { !inputNames.contains($0) }
      guard extra.isEmpty else {
        throw ValidationError(
          "members \(extra.joined(separator: ", ")) are not inputs of the model (its inputs: \(inputs.map(\.name).joined(separator: ", ")))"
        )
      }
      let counts = Set(perInput.values.map(\.count))
      guard counts.count == 1, let count = counts.first else {
        throw ValidationError("the members hold different numbers of samples: \(counts.sorted())")
      }
      return (0..<count).map { index in perInput.mapValues { $0[index] } }
    }
    guard inputs.count == 1 else {
      throw ValidationError(
        "no member is named after an input of the model (\(inputs.map(\.name).joined(separator: ", ")))")
    }
    var samples: [[String: Tensor]] = []
    for (name, array) in archive.arrays {
      do {
        samples += try Self.samples(input: inputs[0], array: array).map { [inputs[0].name: $0] }
      } catch {
        throw ValidationError("member \(name): \(error)")
      }
    }
    return samples
  }

  /// `array` as samples of `input`: itself when the shapes match, else the slices along a new
  /// leading axis.
  static func samples(input: TensorInfo, array: NumPyArray) throws -> [Tensor] {
    guard array.elementType == input.elementType else {
      throw ValidationError(
        "holds \(array.elementType) (stored as \(array.storedType.rawValue)); input \(input.name) is \(input.elementType)"
      )
    }
    if array.shape == input.shape { return [try array.tensor(quantization: input.quantization)] }
    guard array.shape.count == input.shape.count + 1, Array(array.shape.dropFirst()) == input.shape,
      array.shape[0] > 0
    else {
      throw ValidationError(
        "shape \(array.shape) is neither input \(input.name)'s \(input.shape) nor a stack of them [S, \(input.shape.map(String.init).joined(separator: ", "))]"
      )
    }
    let sampleBytes = input.byteCount
    return try (0..<array.shape[0]).map { index in
      let slice = Array(array.bytes[index * sampleBytes..<(index + 1) * sampleBytes])
      return try NumPyArray(shape: input.shape, elementType: input.elementType, bytes: slice)
        .tensor(quantization: input.quantization)
    }
  }
}
