import FoundationEssentials

/// A training checkpoint in safetensors: every parameter under its name, batch-norm running
/// statistics, optimizer state, and string metadata (step, seed, ...). Written durably
/// (temporary file, fsync, rename), so a power cut leaves the previous checkpoint intact.
public enum Checkpoint {
  /// Writes `model`'s parameters and statistics, and `optimizer`'s state when given.
  public static func save(
    _ model: some Trainable, optimizer: (any Optimizer)? = nil, metadata: [String: String] = [:],
    to path: String
  ) throws(TrainingError) {
    var named: [(name: String, tensor: Tensor)] = []
    do throws(TensorError) {
      func add(_ name: String, _ shape: [Int], _ values: [Float]) throws(TensorError) {
        named.append((name, try Variable(shape: shape, value: values).tensor()))
      }
      for parameter in model.parameters {
        try add(parameter.name, parameter.variable.shape, parameter.variable.value)
      }
      for (name, layer) in model.normalizations {
        try add("\(name).running_mean", [layer.channels], layer.runningMean)
        try add("\(name).running_var", [layer.channels], layer.runningVariance)
      }
      for (name, shape, values) in optimizer?.state() ?? [] { try add(name, shape, values) }
    } catch {
      throw TrainingError("checkpoint \(path): \(error)")
    }
    do {
      try DurableFile.write(SafeTensors.encode(named, metadata: metadata), to: path)
    } catch {
      throw TrainingError("checkpoint \(path): \(error)")
    }
  }

  /// Reads a checkpoint into `model` (and `optimizer`), checking that every tensor is present
  /// with the expected shape; returns its metadata.
  @discardableResult
  public static func load(
    _ model: some Trainable, optimizer: (any Optimizer)? = nil, from path: String
  ) throws(TrainingError) -> [String: String] {
    let file: MappedFile
    let parsed: (entries: [SafeTensors.Entry], metadata: [String: String], dataStart: Int)
    do {
      file = try MappedFile(path: path)
      parsed = try SafeTensors.entries(in: UnsafeRawBufferPointer(file.bytes), source: path)
    } catch {
      throw TrainingError("checkpoint \(path): \(error)")
    }
    var tensors: [String: (shape: [Int], values: [Float])] = [:]
    for entry in parsed.entries where entry.elementType == .float32 {
      let start = file.bytes.baseAddress! + parsed.dataStart + entry.range.lowerBound
      let count = entry.range.count / 4
      var values = [Float](repeating: 0, count: count)
      values.withUnsafeMutableBytes {
        $0.copyMemory(from: UnsafeRawBufferPointer(start: start, count: count * 4))
      }
      tensors[entry.name] = (entry.shape, values)
    }
    for parameter in model.parameters {
      guard let tensor = tensors[parameter.name], tensor.shape == parameter.variable.shape else {
        throw TrainingError(
          "checkpoint \(path) has no tensor \(parameter.name) of shape \(parameter.variable.shape)")
      }
      parameter.variable.value = tensor.values
      parameter.variable.zeroGradient()
    }
    for (name, layer) in model.normalizations {
      guard let mean = tensors["\(name).running_mean"], let variance = tensors["\(name).running_var"],
        mean.values.count == layer.channels, variance.values.count == layer.channels
      else { throw TrainingError("checkpoint \(path) has no running statistics for \(name)") }
      layer.runningMean = mean.values
      layer.runningVariance = variance.values
    }
    if let optimizer { try optimizer.restore(tensors.mapValues(\.values)) }
    return parsed.metadata
  }
}
