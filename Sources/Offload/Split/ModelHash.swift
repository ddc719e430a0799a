import Engine

/// The name both sides of an offload connection give a model: the SHA-256 of its bundle.
public enum ModelHash {
  /// The bundle identifier when the model was loaded from a bundle, else the identifier it would
  /// have as one (an ONNX file imported on the fly): what `loadModel` callers pass here.
  public static func of(graph: Graph, bundleIdentifier: String?) throws(GraphError) -> String {
    if let bundleIdentifier { return bundleIdentifier }
    return try ModelBundle.identifier(of: graph)
  }
}
