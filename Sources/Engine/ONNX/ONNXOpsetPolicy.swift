/// Which default-domain opsets the importer accepts.
///
/// Opsets 7 through 21 are accepted as they are: the engine's operators implement those
/// definitions (and the importer normalises the few whose meaning changed within that range,
/// see `OpsetNormalization`). A newer opset, up to the newest the generated table
/// `ONNXOperatorVersions` knows, is accepted when every operator the model uses is defined at that
/// opset as it was at opset 21 apart from the element types it admits: opset 22, for example,
/// only added bfloat16 to Conv, MaxPool and AveragePool. A version that only added optional
/// attributes (QuantizeLinear 23 added `precision`, Cast 24 `round_mode`) is accepted for a node
/// that sets none of them. An operator introduced after 21, or whose inputs, outputs or existing
/// attributes changed, makes the model refused, naming it.
enum ONNXOpsetPolicy {
  static let oldestOpset = 7
  static var baseOpset: Int { ONNXOperatorVersions.baseOpset }
  static var newestOpset: Int { ONNXOperatorVersions.newestOpset }

  static func isDefaultDomain(_ domain: String) -> Bool { domain.isEmpty || domain == "ai.onnx" }

  /// The model's default-domain opset, checked against the accepted range and the operators used.
  static func opset(of model: Onnx_ModelProto) throws(GraphError) -> Int {
    let imports = model.opsetImport.filter { isDefaultDomain($0.domain) }
    let version: Int64
    if let entry = imports.last {
      version = entry.version
    } else if model.opsetImport.isEmpty && model.irVersion < 3 {
      version = 1  // IR version 1 and 2 models had no opset_import: opset 1 is implied
    } else {
      throw GraphError("the model imports no opset of the default ONNX domain (ai.onnx)")
    }
    guard version >= Int64(oldestOpset) else {
      throw GraphError(
        "the model uses ONNX opset \(version); Hiyari imports opsets \(oldestOpset) to \(baseOpset): "
          + "convert it with onnx.version_converter.convert_version(model, \(baseOpset))")
    }
    guard version <= Int64(newestOpset) else {
      throw GraphError(
        "the model uses ONNX opset \(version), newer than any Hiyari knows (\(newestOpset)); "
          + "export it at opset \(baseOpset) or lower")
    }
    let opset = Int(version)
    if opset > baseOpset {
      for node in model.graph.node where isDefaultDomain(node.domain) {
        for change in ONNXOperatorVersions.signatureChanges[node.opType] ?? [] where change.version <= opset {
          guard let added = change.addedAttributes else {
            throw GraphError(
              "the model uses ONNX opset \(opset), at which \(node.opType) is defined by its version \(change.version), "
                + "introduced or changed after opset \(baseOpset) (the newest Hiyari imports as is): export it at opset \(baseOpset) or lower"
            )
          }
          if let used = node.attribute.first(where: { added.contains($0.name) }) {
            throw GraphError(
              "node \(node.name) (\(node.opType)) sets \(used.name), which version \(change.version) of \(node.opType) added after opset "
                + "\(baseOpset) (the newest Hiyari imports as is): export the model at opset \(baseOpset) or lower"
            )
          }
        }
      }
    }
    return opset
  }
}
