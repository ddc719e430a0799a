/// The form of `graph` that runs fastest on this engine: what `PostTrainingQuantizer.quantize`
/// writes (QDQ: DequantizeLinear -> float operator -> QuantizeLinear, which computes int8 values
/// in float) becomes the int8 kernels (QLinearConv, QLinearMatMul, QGemm, QLinearAdd, int8
/// Concat/Reshape/...), and whatever stays float gets the import-time fusions (Sigmoid+Mul into
/// SiLU, a Conv's following activation into the Conv), as a float model imported from ONNX does.
///
/// Activations are fused first: a float Conv kept out of quantization (`keepFloat`) then runs
/// with its Relu in one pass, and a `Conv -> Relu -> QuantizeLinear` the quantizer left becomes
/// `Conv(activation: Relu) -> QuantizeLinear`, which the QDQ fusion takes whole. A float graph
/// comes back with only the activation fusions. The graph is validated before and after;
/// nodes and constants left unread (the DequantizeLinear of fused weights) are removed.
public func fuseQuantizedOperators(_ graph: Graph, registry: OperatorRegistry = StandardOperators.registry)
  throws(GraphError) -> Graph
{
  var fused = try graph.validated()
  SiLUFusion.apply(&fused)
  ConvActivationFusion.apply(&fused)
  try QDQFusion.apply(&fused, registry: registry)
  DeadCodeElimination.apply(&fused)
  return try fused.validated()
}
