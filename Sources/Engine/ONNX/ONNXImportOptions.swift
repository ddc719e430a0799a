/// What the ONNX importer does beyond a literal translation. Every rewrite is on by default except
/// folding DequantizeLinear of constant weights, which would hide int8 weights from the QDQ fusion.
public struct ONNXImportOptions: Sendable {
  /// Rewrite operators of opsets before 13/18 into the form the engine implements.
  public var normalizeOldOpsets = true
  /// Remove Identity and (inference) Dropout nodes.
  public var removeIdentities = true
  /// Evaluate nodes whose inputs are all constants (and Shape of static shapes) at import.
  public var foldConstants = true
  /// Also fold DequantizeLinear of constant int8 weights into float32 weights.
  public var foldConstantDequantize = false
  /// Fold BatchNormalization into the Conv before it.
  public var foldBatchNormalization = true
  /// Fuse Sigmoid+Mul into SiLU, and Relu/Clip/LeakyRelu/HardSwish/Sigmoid/SiLU into the Conv before.
  public var fuseActivations = true
  /// Turn DequantizeLinear -> Conv/Add/... -> QuantizeLinear patterns into int8 kernels.
  public var fuseQuantization = true
  /// Constant folding leaves a node alone if its outputs would take more than this many bytes.
  public var maximumFoldedBytes = 64 << 20
  /// Constant folding stops once it has made this many bytes of constants in all.
  public var maximumFoldedTotalBytes = 1 << 30
  /// Graph inputs bound to fixed values: each becomes a constant and is no longer an input. For a
  /// model that takes at run time what the engine needs fixed (a target shape, Resize scales,
  /// Clip bounds, a score threshold), or to specialise a model.
  public var constantInputs: [String: Tensor] = [:]
  /// The operators constant folding may evaluate (and whose shape rules it uses).
  public var registry: OperatorRegistry = StandardOperators.registry

  public init() {}

  /// A literal translation: no rewrite at all.
  public static var literal: ONNXImportOptions {
    var options = ONNXImportOptions()
    options.normalizeOldOpsets = false
    options.removeIdentities = false
    options.foldConstants = false
    options.foldBatchNormalization = false
    options.fuseActivations = false
    options.fuseQuantization = false
    return options
  }
}
