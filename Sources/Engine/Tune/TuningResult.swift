/// What `PrecisionTuner.tune` returns: the graph to deploy and the profile explaining it.
public struct TuningResult: Sendable {
  /// The kept configuration, quantized and fused (`fuseQuantizedOperators`), ready for
  /// `ModelBundle.write`. Its metadata names the fp32 nodes and the profile's date.
  public var graph: Graph
  public var profile: TuningProfile

  public init(graph: Graph, profile: TuningProfile) {
    self.graph = graph
    self.profile = profile
  }
}
