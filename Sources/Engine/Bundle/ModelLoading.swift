#if canImport(Glibc)
  import Glibc
#endif

/// Loads a model for tools: a bundle folder (see `ModelBundle`), or a .onnx file imported on the
/// fly with `inputShapes` for its symbolic dimensions. Returns the validated graph and, for a
/// bundle, its identifier.
public func loadModel(path: String, inputShapes: [String: [Int]] = [:]) throws(GraphError) -> (
  graph: Graph, bundleIdentifier: String?
) {
  var status = stat()
  guard stat(path, &status) == 0 else {
    throw GraphError("\(path): cannot open: \(String(cString: strerror(errno)))")
  }
  if (status.st_mode & S_IFMT) == S_IFDIR {
    guard inputShapes.isEmpty else {
      throw GraphError("\(path): a bundle's input shapes are fixed; input shapes apply to .onnx models only")
    }
    let bundle = try ModelBundle(folder: path)
    return (bundle.graph, bundle.identifier)
  }
  guard path.hasSuffix(".onnx") else {
    throw GraphError("\(path): a model is a bundle folder or a .onnx file")
  }
  return (try importONNX(path: path, inputShapes: inputShapes), nil)
}
