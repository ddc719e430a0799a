/// Every operator the engine ships, by ONNX name (plus Hiyari's fused int8 operators).
public enum StandardOperators {
  public static let registry = OperatorRegistry(
    ElementwiseUnary.definitions)
}
