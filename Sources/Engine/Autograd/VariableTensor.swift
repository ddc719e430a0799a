/// Conversion between autograd values and Engine tensors (graph constants, runtime inputs).
extension Variable {
  /// A float32 tensor holding a copy of the value.
  public func tensor() throws(TensorError) -> Tensor {
    let tensor = try Tensor(shape: shape, elementType: .float32)
    tensor.withMutableElements(as: Float.self) { target in
      value.withUnsafeBufferPointer { target.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
    }
    return tensor
  }

  /// A constant (no gradient) holding a float32 tensor's values.
  public convenience init(_ tensor: Tensor) {
    precondition(tensor.elementType == .float32, "autograd values are float32")
    self.init(shape: tensor.shape, value: tensor.withElements(as: Float.self) { Array($0) })
  }
}
