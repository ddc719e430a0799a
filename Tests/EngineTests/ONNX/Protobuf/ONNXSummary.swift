@testable import Engine

/// The text summary of ONNX messages that `PythonONNX.summarizer` writes from Python's
/// decoding, written here from ours: equal lines mean both decoded the same values.
enum ONNXSummary {
  static func hex(_ value: some FixedWidthInteger, digits: Int) -> String {
    let text = String(value, radix: 16)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
  }

  static func fbits(_ value: Float) -> String { hex(value.bitPattern, digits: 8) }
  static func dbits(_ value: Double) -> String { hex(value.bitPattern, digits: 16) }
  static func hex(_ bytes: [UInt8]) -> String { bytes.map { hex($0, digits: 2) }.joined() }
  static func optional(_ present: Bool, _ text: @autoclosure () -> String) -> String {
    present ? text() : "-"
  }
  static func entries(_ entries: [Onnx_StringStringEntryProto]) -> String {
    entries.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
  }
  static func list<T>(_ values: [T], _ separator: String = ",", _ format: (T) -> String) -> String {
    values.map(format).joined(separator: separator)
  }

  static func tensor(_ t: Onnx_TensorProto) -> String {
    [
      t.name, optional(t.hasDataType, "\(t.dataType)"), "dims=" + list(t.dims) { "\($0)" },
      "raw=" + optional(t.hasRawData, "\(t.rawData.count)"),
      "f=\(list(Array(t.floatData.prefix(8)), ",", fbits))/\(t.floatData.count)",
      "i32=\(list(Array(t.int32Data.prefix(8))) { "\($0)" })/\(t.int32Data.count)",
      "i64=\(list(Array(t.int64Data.prefix(8))) { "\($0)" })/\(t.int64Data.count)",
      "d=\(list(Array(t.doubleData.prefix(8)), ",", dbits))/\(t.doubleData.count)",
      "u64=\(list(Array(t.uint64Data.prefix(8))) { "\($0)" })/\(t.uint64Data.count)",
      "str=" + list(t.stringData, ",", hex),
      "loc=" + optional(t.hasDataLocation, "\(t.dataLocation.rawValue)"), "ext=" + entries(t.externalData),
      "seg=" + optional(t.hasSegment, "\(t.segment.begin):\(t.segment.end)"),
      "doc=\(t.docString.utf8.count)", "meta=" + entries(t.metadataProps),
    ].joined(separator: " ")
  }

  static func sparse(_ s: Onnx_SparseTensorProto) -> String {
    "<\(optional(s.hasValues, tensor(s.values)))|\(optional(s.hasIndices, tensor(s.indices)))|\(list(s.dims) { "\($0)" })>"
  }

  static func dimension(_ d: Onnx_TensorShapeProto.Dimension) -> String {
    let text: String
    switch d.value {
    case .dimValue(let value)?: text = "\(value)"
    case .dimParam(let parameter)?: text = "$" + parameter
    case nil: text = "?"
    }
    return text + (d.hasDenotation ? "@" + d.denotation : "")
  }

  static func shape(_ s: Onnx_TensorShapeProto) -> String { "[" + list(s.dim, ",", dimension) + "]" }

  static func type(_ t: Onnx_TypeProto) -> String {
    let text: String
    switch t.value {
    case .tensorType(let x)?:
      text = "T(\(optional(x.hasElemType, "\(x.elemType)")):\(x.hasShape ? shape(x.shape) : "?"))"
    case .sparseTensorType(let x)?:
      text = "S(\(optional(x.hasElemType, "\(x.elemType)")):\(x.hasShape ? shape(x.shape) : "?"))"
    case .sequenceType(let x)?: text = "seq(\(optional(x.hasElemType, type(x.elemType))))"
    case .mapType(let x)?:
      text = "map(\(optional(x.hasKeyType, "\(x.keyType)")),\(optional(x.hasValueType, type(x.valueType))))"
    case .optionalType(let x)?: text = "opt(\(optional(x.hasElemType, type(x.elemType))))"
    case .opaqueType(let x)?: text = "opaque(\(x.domain).\(x.name))"
    case nil: text = "none"
    }
    return text + (t.hasDenotation ? "@" + t.denotation : "")
  }

  static func value(_ v: Onnx_ValueInfoProto) -> String {
    "\(v.name):\(optional(v.hasType, type(v.type))) doc=\(v.docString.utf8.count) meta=\(entries(v.metadataProps))"
  }

  static func attribute(_ a: Onnx_AttributeProto) -> String {
    var out = [a.name, optional(a.hasType, "\(a.type.rawValue)")]
    if a.hasRefAttrName { out.append("ref=" + a.refAttrName) }
    if a.hasDocString { out.append("doc=\(a.docString.utf8.count)") }
    if a.hasF { out.append("f=" + fbits(a.f)) }
    if a.hasI { out.append("i=\(a.i)") }
    if a.hasS { out.append("s=" + hex(a.s)) }
    if a.hasT { out.append("t=<" + tensor(a.t) + ">") }
    if a.hasG { out.append("g=" + a.g.name) }
    if a.hasSparseTensor { out.append("sp=" + sparse(a.sparseTensor)) }
    if a.hasTp { out.append("tp=" + type(a.tp)) }
    if !a.floats.isEmpty { out.append("floats=" + list(a.floats, ",", fbits)) }
    if !a.ints.isEmpty { out.append("ints=" + list(a.ints) { "\($0)" }) }
    if !a.strings.isEmpty { out.append("strings=" + list(a.strings, ",", hex)) }
    if !a.tensors.isEmpty { out.append("tensors=" + list(a.tensors, ";") { "<" + tensor($0) + ">" }) }
    if !a.graphs.isEmpty { out.append("graphs=" + list(a.graphs) { $0.name }) }
    if !a.sparseTensors.isEmpty { out.append("sparse_tensors=" + list(a.sparseTensors, ";", sparse)) }
    if !a.typeProtos.isEmpty { out.append("type_protos=" + list(a.typeProtos, ",", type)) }
    return out.joined(separator: " ")
  }

  static func sharding(_ c: Onnx_NodeDeviceConfigurationProto) -> String {
    let specs = c.shardingSpec.map { s in
      let dims = s.shardedDim.map { d in
        let parts = d.simpleSharding.map { p in
          let size: String
          switch p.dim {
          case .dimValue(let value)?: size = "\(value)"
          case .dimParam(let parameter)?: size = "$" + parameter
          case nil: size = "?"
          }
          return "\(size)/\(optional(p.hasNumShards, "\(p.numShards)"))"
        }
        return "\(optional(d.hasAxis, "\(d.axis)")):\(parts.joined(separator: "+"))"
      }
      let groups = list(s.indexToDeviceGroupMap, ";") {
        "\(optional($0.hasKey, "\($0.key)"))=\(list($0.value) { "\($0)" })"
      }
      return
        "\(s.tensorName) devices=\(list(s.device) { "\($0)" }) groups=\(groups) dims=\(dims.joined(separator: " "))"
    }
    return
      "\(c.configurationID) stage=\(optional(c.hasPipelineStage, "\(c.pipelineStage)")) specs=\(specs.joined(separator: " | "))"
  }

  static func node(_ n: Onnx_NodeProto, _ prefix: String, _ lines: inout [String]) {
    let fields = [
      n.name, n.opType, n.domain, n.input.joined(separator: ","), n.output.joined(separator: ","),
      optional(n.hasOverload, n.overload),
    ]
    lines.append(
      "\(prefix)node \(fields.joined(separator: "|")) doc=\(n.docString.utf8.count) meta=\(entries(n.metadataProps))"
    )
    for a in n.attribute {
      lines.append(prefix + "  attr " + attribute(a))
      if a.hasG { graph(a.g, prefix + "    ", &lines) }
      for g in a.graphs { graph(g, prefix + "    ", &lines) }
    }
    for c in n.deviceConfigurations { lines.append(prefix + "  device " + sharding(c)) }
  }

  static func graph(_ g: Onnx_GraphProto, _ prefix: String, _ lines: inout [String]) {
    lines.append("\(prefix)graph \(g.name) doc=\(g.docString.utf8.count)")
    for n in g.node { node(n, prefix, &lines) }
    for t in g.initializer { lines.append(prefix + "init " + tensor(t)) }
    for s in g.sparseInitializer { lines.append(prefix + "sparse " + sparse(s)) }
    for v in g.input { lines.append(prefix + "input " + value(v)) }
    for v in g.output { lines.append(prefix + "output " + value(v)) }
    for v in g.valueInfo { lines.append(prefix + "value " + value(v)) }
    for q in g.quantizationAnnotation {
      lines.append(prefix + "quant \(q.tensorName) \(entries(q.quantParameterTensorNames))")
    }
    for p in g.metadataProps { lines.append(prefix + "meta \(p.key)=\(p.value)") }
  }

  static func model(_ m: Onnx_ModelProto) -> [String] {
    var lines = [
      "ir \(optional(m.hasIrVersion, "\(m.irVersion)")) producer \(m.producerName) \(m.producerVersion) domain \(m.domain) version \(optional(m.hasModelVersion, "\(m.modelVersion)")) doc \(m.docString.utf8.count)"
    ]
    for o in m.opsetImport { lines.append("opset \(o.domain) \(optional(o.hasVersion, "\(o.version)"))") }
    if m.hasGraph { graph(m.graph, "", &lines) }
    for p in m.metadataProps { lines.append("meta \(p.key)=\(p.value)") }
    for t in m.trainingInfo {
      lines.append("training \(entries(t.initializationBinding)) \(entries(t.updateBinding))")
      if t.hasInitialization { graph(t.initialization, "  ", &lines) }
      if t.hasAlgorithm { graph(t.algorithm, "  ", &lines) }
    }
    for f in m.functions {
      let fields = [
        "\(f.domain).\(f.name)", optional(f.hasOverload, f.overload), f.input.joined(separator: ","),
        f.output.joined(separator: ","),
        f.attribute.joined(separator: ","), list(f.attributeProto, ";", attribute),
      ]
      let opsets = list(f.opsetImport) { "\($0.domain):\($0.version)" }
      lines.append(
        "function \(fields.joined(separator: "|")) doc=\(f.docString.utf8.count) opsets=\(opsets) meta=\(entries(f.metadataProps))"
      )
      for n in f.node { node(n, "  ", &lines) }
      for v in f.valueInfo { lines.append("  value " + value(v)) }
    }
    for c in m.configuration {
      lines.append(
        "configuration \(c.name) \(optional(c.hasNumDevices, "\(c.numDevices)")) \(c.device.joined(separator: ","))"
      )
    }
    return lines
  }
}
