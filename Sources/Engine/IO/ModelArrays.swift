/// Binds arrays in .npy and .npz files to a model's inputs, and writes its outputs, for tools
/// that run a model on files (`hiyari model run`, tests against ONNX Runtime).
public enum ModelArrays {
  /// Reads the arrays `arguments` name and binds each to one of `inputs`:
  /// - `name=file.npy` binds to the input called `name`;
  /// - `file.npz` binds each member to the input of the same name;
  /// - `file.npy` binds to the model's only input.
  ///
  /// Every input must be bound exactly once, with its exact shape and element type (float64 and
  /// int64 files are accepted where they convert to the input's type); int8/uint8 inputs take
  /// the input's quantization. Errors name the file, the input and what differs.
  public static func bindInputs(_ arguments: [String], to inputs: [TensorInfo]) throws(NumPyError) -> [String:
    Tensor]
  {
    let byName = Dictionary(inputs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    let inputList = inputs.map(\.name).joined(separator: ", ")
    var bound: [String: Tensor] = [:]
    var sources: [String: String] = [:]
    func bind(_ array: NumPyArray, to name: String, from source: String) throws(NumPyError) {
      guard let info = byName[name] else {
        throw NumPyError("\(source): \(name) is not an input of the model (its inputs: \(inputList))")
      }
      if let previous = sources[name] {
        throw NumPyError("input \(name) is given twice (\(previous) and \(source))")
      }
      guard array.elementType == info.elementType, array.shape == info.shape else {
        let converted =
          array.storedType != NumPyDataType(array.elementType)
          ? " (read as \(array.elementType) from \(array.storedType.rawValue))" : ""
        throw NumPyError(
          "input \(name) is \(info.elementType) \(info.shape); \(source) holds \(array.elementType) \(array.shape)\(converted)"
        )
      }
      bound[name] = try array.tensor(quantization: info.quantization)
      sources[name] = source
    }
    for argument in arguments {
      if let equals = argument.firstIndex(of: "="), byName[String(argument[..<equals])] != nil {
        let name = String(argument[..<equals])
        let path = String(argument[argument.index(after: equals)...])
        try bind(try NumPyArray(contentsOf: path), to: name, from: path)
      } else if argument.hasSuffix(".npz") {
        for (name, array) in try NumPyArchive(contentsOf: argument).arrays {
          try bind(array, to: name, from: "\(argument): \(name)")
        }
      } else {
        guard inputs.count == 1 else {
          throw NumPyError(
            "\(argument): the model has \(inputs.count) inputs (\(inputList)); name the one it is for with name=\(argument), or pass a .npz"
          )
        }
        try bind(try NumPyArray(contentsOf: argument), to: inputs[0].name, from: argument)
      }
    }
    for info in inputs where bound[info.name] == nil {
      throw NumPyError("no array given for input \(info.name) (\(info.elementType) \(info.shape))")
    }
    return bound
  }

  /// Writes `outputs` to `path`: a .npy file when there is exactly one output, or a .npz file
  /// holding every output under its name.
  public static func writeOutputs(_ outputs: [(name: String, tensor: Tensor)], to path: String)
    throws(NumPyError)
  {
    if path.hasSuffix(".npz") {
      try NumPyArchive(outputs.map { ($0.name, NumPyArray($0.tensor)) }).write(to: path)
    } else if path.hasSuffix(".npy") {
      guard outputs.count == 1 else {
        throw NumPyError(
          "\(path): the model has \(outputs.count) outputs (\(outputs.map(\.name).joined(separator: ", "))); a .npy file holds one, write a .npz"
        )
      }
      try NumPyArray(outputs[0].tensor).write(to: path)
    } else {
      throw NumPyError("\(path): the output file must end in .npy or .npz")
    }
  }
}
