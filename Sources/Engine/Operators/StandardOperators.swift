/// Every operator the engine ships, by ONNX name (plus Hiyari's fused int8 operators).
/// Each operator family lives in its own file and contributes one dictionary here.
public enum StandardOperators {
  public static let registry = OperatorRegistry(
    merging: [
      ElementwiseUnary.definitions,
      Convolution.definitions,
      GemmOperators.definitions,
      ElementwiseBinary.definitions,
      Pooling.definitions,
      ShapeOperators.definitions,
      ResizeOperators.definitions,
      SoftmaxOperators.definitions,
      NormalizationOperators.definitions,
      QuantizeOperators.definitions,
      QLinearOperators.definitions,
      QLinearAddOperator.definitions,
      QLinearConcatOperator.definitions,
      QLinearMatMulOperator.definitions,
      QGemmOperator.definitions,
    ])
}
