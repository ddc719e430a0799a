import Foundation
import Testing

@testable import Engine

/// The codec against Python's onnx package: every model and tensor file of ONNX's node test
/// cases, a model Python writes with every ONNX message, and models this codec writes, read
/// back by Python. Each file must decode, re-encode to exactly the bytes Python wrote, and
/// give the same field-by-field summary as Python's decoding.
@Suite struct PythonONNXFilesTests {
  /// Summarizes the files listed (one path relative to argv[1] a line, in argv[2]) into argv[3].
  static let summarizeFiles =
    PythonONNX.summarizer + #"""
      root, listing, output = sys.argv[1:4]
      with open(output, 'w') as out:
          for rel in open(listing).read().split('\n'):
              if not rel: continue
              data = open(os.path.join(root, rel), 'rb').read()
              if rel.endswith('.onnx'):
                  m = onnx.ModelProto()
                  m.ParseFromString(data)
                  assert m.SerializeToString() == data, rel + ' is not in canonical form'
                  write(out, rel, model(m))
              else:
                  t = onnx.TensorProto()
                  t.ParseFromString(data)
                  assert t.SerializeToString() == data, rel + ' is not in canonical form'
                  write(out, rel, [tensor(t)])
      """#

  /// Writes argv[1]/everything.onnx: a model using every ONNX message and field.
  static let writeEverything = #"""
    import os, sys, numpy as np, onnx
    from onnx import helper, numpy_helper, TensorProto, AttributeProto

    def entry(k, v): return onnx.StringStringEntryProto(key=k, value=v)
    f32 = lambda name, values, dims: helper.make_tensor(name, TensorProto.FLOAT, dims, values)
    then_graph = helper.make_graph(
        [helper.make_node('Constant', [], ['t'], value=f32('c', [1.0], [1]))], 'then',
        [], [helper.make_tensor_value_info('t', TensorProto.FLOAT, [1])])
    else_graph = helper.make_graph(
        [helper.make_node('Constant', [], ['e'], value_float=-2.5)], 'else',
        [], [helper.make_tensor_value_info('e', TensorProto.FLOAT, [])])
    sparse = helper.make_sparse_tensor(f32('sv', [1.5, 2.5], [2]), helper.make_tensor('si', TensorProto.INT64, [2], [1, 3]), [4])
    seq = helper.make_sequence_type_proto(helper.make_tensor_type_proto(TensorProto.FLOAT, ['N', 3, None]))
    mapping = helper.make_map_type_proto(TensorProto.STRING, seq)
    optional = helper.make_optional_type_proto(mapping)
    sparse_type = helper.make_sparse_tensor_type_proto(TensorProto.FLOAT, [4, 'M'])
    opaque = onnx.TypeProto()
    opaque.opaque_type.domain = 'com.hiyari'
    opaque.opaque_type.name = 'Blob'
    opaque.denotation = 'TENSOR'

    everything = helper.make_node('Everything', ['x', '', 'w'], ['y'], name='n0', domain='com.hiyari', doc_string='all attributes',
        f=-0.0, i=-(2**63), s=b'\x00\xffA', t=f32('t', [0.25], [1]), g=then_graph, sp=sparse, tp=optional,
        floats=[1.0, float('inf'), -2.5], ints=[-1, 0, 2**63 - 1], strings=[b'a', b'', b'\xc3\x28'],
        tensors=[f32('a', [1.0], [1]), onnx.TensorProto()], graphs=[then_graph, else_graph],
        sparse_tensors=[sparse], type_protos=[seq, mapping, sparse_type, opaque])
    everything.overload = 'v2'
    everything.metadata_props.extend([entry('a', 'b')])
    reference = onnx.AttributeProto(name='alpha', ref_attr_name='outer', type=AttributeProto.FLOAT)
    everything.attribute.extend([reference, onnx.AttributeProto(name='untyped', i=5)])
    config = everything.device_configurations.add(configuration_id='pair', pipeline_stage=-2)
    spec = config.sharding_spec.add(tensor_name='x', device=[0, 1])
    spec.index_to_device_group_map.add(key=0, value=[0, 1, -5])
    dim = spec.sharded_dim.add(axis=-1)
    dim.simple_sharding.add(dim_value=4, num_shards=2)
    dim.simple_sharding.add(dim_param='N')
    branch = helper.make_node('If', ['cond'], ['z'], then_branch=then_graph, else_branch=else_graph)

    tensors = [
        numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3), 'w'),
        helper.make_tensor('i32', TensorProto.INT32, [4], [-1, 0, 2**31 - 1, -2**31]),
        helper.make_tensor('i64', TensorProto.INT64, [3], [-2**63, -1, 2**63 - 1]),
        helper.make_tensor('u64', TensorProto.UINT64, [3], [0, 1, 2**64 - 1]),
        helper.make_tensor('u32', TensorProto.UINT32, [2], [0, 2**32 - 1]),
        helper.make_tensor('f64', TensorProto.DOUBLE, [3], [1 / 3, -0.0, float('-inf')]),
        helper.make_tensor('f16', TensorProto.FLOAT16, [2], np.array([1.0, -2.0], dtype=np.float16)),
        helper.make_tensor('b', TensorProto.BOOL, [2], [True, False]),
        helper.make_tensor('str', TensorProto.STRING, [3], [b'a', b'\x00\xff', 'ü'.encode()]),
        helper.make_tensor('f', TensorProto.FLOAT, [2], [1.0, float('nan')]),
        helper.make_tensor('raw16', TensorProto.INT16, [2], np.array([-2, 3], dtype=np.int16).tobytes(), raw=True),
    ]
    external = helper.make_tensor('ext', TensorProto.FLOAT, [2], [0.0, 0.0])
    external.ClearField('float_data')
    external.data_location = TensorProto.EXTERNAL
    external.external_data.extend([entry('location', 'weights.bin'), entry('offset', '4096'), entry('length', '8')])
    external.segment.begin = 0
    external.segment.end = 2
    external.doc_string = 'kept elsewhere'
    external.metadata_props.extend([entry('k', 'v')])
    tensors.append(external)

    inputs = [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['batch', 3, 224, None], doc_string='image'),
              helper.make_tensor_value_info('cond', TensorProto.BOOL, [])]
    inputs[0].type.tensor_type.shape.dim[0].denotation = 'DATA_BATCH'
    inputs[0].type.denotation = 'IMAGE'
    inputs[0].metadata_props.extend([entry('unit', 'px')])
    values = [helper.make_value_info('v_seq', seq), helper.make_value_info('v_map', mapping), helper.make_value_info('v_opt', optional),
              helper.make_value_info('v_sparse', sparse_type), helper.make_value_info('v_opaque', opaque), onnx.ValueInfoProto(name='v_none')]
    graph = helper.make_graph([everything, branch], 'main', inputs,
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, None), helper.make_tensor_value_info('z', TensorProto.FLOAT, [1])],
        initializer=tensors, doc_string='the graph', value_info=values, sparse_initializer=[sparse])
    graph.quantization_annotation.add(tensor_name='x', quant_parameter_tensor_names=[entry('SCALE_TENSOR', 's'), entry('ZERO_POINT_TENSOR', 'zp')])
    graph.metadata_props.extend([entry('graph', 'meta')])

    function = helper.make_function('com.hiyari', 'Everything', ['x', 'w'], ['y'],
        [helper.make_node('Relu', ['x'], ['r']), helper.make_node('LeakyRelu', ['r'], ['y'], alpha=0.1)],
        [helper.make_opsetid('', 21)], attributes=['outer'], attribute_protos=[helper.make_attribute('beta', 0.25)], doc_string='a function')
    function.node[1].attribute[0].CopyFrom(onnx.AttributeProto(name='alpha', ref_attr_name='outer', type=AttributeProto.FLOAT))
    function.overload = 'v2'
    function.value_info.extend([helper.make_tensor_value_info('r', TensorProto.FLOAT, None)])
    function.metadata_props.extend([entry('f', 'g')])

    model = helper.make_model(graph, producer_name='python-onnx', producer_version=onnx.__version__, domain='ai.hiyari', model_version=-1,
        doc_string='every message', opset_imports=[helper.make_opsetid('', 21), helper.make_opsetid('com.hiyari', 1)], functions=[function])
    model.metadata_props.extend([entry('names', "{0: 'car'}")])
    training = model.training_info.add()
    training.initialization.CopyFrom(else_graph)
    training.algorithm.CopyFrom(then_graph)
    training.initialization_binding.extend([entry('w', 'w0')])
    training.update_binding.extend([entry('w', 'w1'), entry('b', 'b1')])
    model.configuration.add(name='pair', num_devices=2, device=['cpu:0', 'cpu:1'])
    with open(os.path.join(sys.argv[1], 'everything.onnx'), 'wb') as f:
        f.write(model.SerializeToString())
    """#

  /// Checks models this codec wrote (argv[2...], in argv[1]): Python must read them, write them
  /// back byte for byte, and onnx.checker must accept the ones named valid_*.
  static let checkWritten = #"""
    root, names = sys.argv[1], sys.argv[2:]
    for name in names:
        data = open(os.path.join(root, name), 'rb').read()
        m = onnx.ModelProto()
        m.ParseFromString(data)
        assert m.SerializeToString() == data, name + ': Python writes it differently'
        if name.startswith('valid_'):
            onnx.checker.check_model(m, full_check=True)
    with open(os.path.join(root, 'summaries.txt'), 'w') as out:
        for name in names:
            m = onnx.ModelProto()
            m.ParseFromString(open(os.path.join(root, name), 'rb').read())
            write(out, name, model(m))
    """#

  /// Compares our summary of each file with Python's; returns how many differ (recording the first few).
  static func compare(_ ours: [String: [String]], _ python: [String: [String]]) -> Int {
    var mismatches = 0
    for name in ours.keys.sorted() where ours[name] != python[name] {
      mismatches += 1
      guard mismatches <= 5 else { continue }
      let mine = ours[name]!
      let theirs = python[name] ?? ["(no summary from Python)"]
      let index =
        (0..<min(mine.count, theirs.count)).first { mine[$0] != theirs[$0] } ?? min(mine.count, theirs.count)
      Issue.record(
        "\(name): line \(index) differs\n  ours:   \(index < mine.count ? mine[index] : "(end)")\n  python: \(index < theirs.count ? theirs[index] : "(end)")"
      )
    }
    return mismatches
  }

  @Test func decodesEveryONNXNodeTestFileAsPythonDoes() throws {
    let root: URL
    do {
      root = try ONNXConformanceTests.locateCases().0
    } catch {
      Issue.record(Comment(rawValue: "\(error)"))
      return
    }
    let manager = FileManager.default
    let cases = try manager.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix("test_") }.sorted()
    #expect(cases.count > 1000, "ONNX's node test cases in \(root.path)")
    var files: [String] = []
    for name in cases {
      if manager.fileExists(atPath: root.appendingPathComponent("\(name)/model.onnx").path) {
        files.append("\(name)/model.onnx")
      }
      let data = root.appendingPathComponent("\(name)/test_data_set_0")
      for file in ((try? manager.contentsOfDirectory(atPath: data.path)) ?? []).sorted()
      where file.hasSuffix(".pb") {
        files.append("\(name)/test_data_set_0/\(file)")
      }
    }
    let models = files.filter { $0.hasSuffix(".onnx") }.count
    #expect(models > 1000 && files.count - models > 3000)

    var summaries: [String: [String]] = [:]
    var failures: [String] = []
    var rewritten = 0
    for file in files {
      let bytes = [UInt8](try Data(contentsOf: root.appendingPathComponent(file)))
      do {
        if file.hasSuffix(".onnx") {
          let model = try Onnx_ModelProto(serializedBytes: bytes)
          if model.serializedBytes() != bytes { rewritten += 1 }
          summaries[file] = ONNXSummary.model(model)
        } else {
          let tensor = try Onnx_TensorProto(serializedBytes: bytes)
          if tensor.serializedBytes() != bytes { rewritten += 1 }
          summaries[file] = [ONNXSummary.tensor(tensor)]
        }
      } catch {
        failures.append("\(file): \(error)")
      }
    }
    #expect(failures.isEmpty, "\(failures.count) files did not decode, e.g. \(failures.prefix(3))")
    #expect(rewritten == 0, "every file re-encodes to the bytes Python wrote")

    let directory = try PythonONNX.temporaryDirectory("node-summaries")
    defer { try? manager.removeItem(at: directory) }
    let listing = directory.appendingPathComponent("files.txt")
    try files.joined(separator: "\n").write(to: listing, atomically: true, encoding: .utf8)
    let output = directory.appendingPathComponent("summaries.txt").path
    _ = try PythonONNX.run(Self.summarizeFiles, [root.path, listing.path, output])
    let python = try PythonONNX.sections(output)
    #expect(python.count == files.count)
    #expect(Self.compare(summaries, python) == 0)
  }

  @Test func decodesAModelPythonWritesWithEveryMessage() throws {
    let directory = try PythonONNX.temporaryDirectory("everything")
    defer { try? FileManager.default.removeItem(at: directory) }
    _ = try PythonONNX.run(Self.writeEverything, [directory.path])
    let listing = directory.appendingPathComponent("files.txt")
    try "everything.onnx".write(to: listing, atomically: true, encoding: .utf8)
    let output = directory.appendingPathComponent("summaries.txt").path
    _ = try PythonONNX.run(Self.summarizeFiles, [directory.path, listing.path, output])

    let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent("everything.onnx")))
    let model = try Onnx_ModelProto(serializedBytes: bytes)
    #expect(model.serializedBytes() == bytes)
    #expect(Self.compare(["everything.onnx": ONNXSummary.model(model)], try PythonONNX.sections(output)) == 0)

    // Spot checks of what the importer relies on.
    #expect(
      model.producerName == "python-onnx" && model.modelVersion == -1
        && model.opsetImport.map(\.version) == [21, 1])
    let graph = model.graph
    let node = graph.node[0]
    #expect(
      node.opType == "Everything" && node.domain == "com.hiyari" && node.input == ["x", "", "w"]
        && node.overload == "v2")
    let attributes = Dictionary(node.attribute.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    #expect(attributes["i"]?.i == Int64.min && attributes["i"]?.type == .int)
    #expect(attributes["f"]?.f.bitPattern == 0x8000_0000 && attributes["f"]?.type == .float)
    #expect(
      attributes["s"]?.s == [0, 0xff, 0x41] && attributes["strings"]?.strings == [[0x61], [], [0xc3, 0x28]])
    #expect(
      attributes["ints"]?.ints == [-1, 0, Int64.max] && attributes["floats"]?.floats == [1, .infinity, -2.5])
    #expect(
      attributes["g"]?.g.name == "then" && attributes["graphs"]?.graphs.map(\.name) == ["then", "else"])
    #expect(attributes["sp"]?.sparseTensor.values.name == "sv" && attributes["sp"]?.type == .sparseTensor)
    #expect(attributes["tp"]?.type == .typeProto && attributes["type_protos"]?.typeProtos.count == 4)
    guard case .optionalType(let optional)? = attributes["tp"]?.tp.value,
      case .mapType(let map)? = optional.elemType.value,
      case .sequenceType(let sequence)? = map.valueType.value,
      case .tensorType(let tensor)? = sequence.elemType.value
    else {
      Issue.record("tp is optional(map(string, seq(tensor)))")
      return
    }
    #expect(map.keyType == 8 && tensor.shape.dim.map(\.value) == [.dimParam("N"), .dimValue(3), nil])
    #expect(
      attributes["alpha"]?.refAttrName == "outer"
        && attributes["untyped"].map { ONNXAttributeConversion.kind(of: $0) } == .int)
    #expect(node.deviceConfigurations[0].pipelineStage == -2)
    #expect(
      node.deviceConfigurations[0].shardingSpec[0].shardedDim[0].simpleSharding.map(\.dim) == [
        .dimValue(4), .dimParam("N"),
      ])
    let initializers = Dictionary(
      graph.initializer.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    #expect(initializers["i32"]?.int32Data == [-1, 0, Int32.max, Int32.min])
    #expect(
      initializers["u64"]?.uint64Data == [0, 1, UInt64.max]
        && initializers["u32"]?.uint64Data == [0, UInt64(UInt32.max)])
    #expect(
      initializers["f64"]?.doubleData.map(\.bitPattern) == [
        (1.0 / 3.0).bitPattern, (-0.0).bitPattern, (-Double.infinity).bitPattern,
      ])
    #expect(initializers["str"]?.stringData == [[0x61], [0, 0xff], Array("ü".utf8)])
    #expect(initializers["f"]?.floatData[1].isNaN == true && initializers["w"]?.rawData.count == 24)
    #expect(
      initializers["ext"]?.dataLocation == .external
        && initializers["ext"]?.externalData.first?.value == "weights.bin")
    #expect(initializers["ext"]?.hasSegment == true && initializers["ext"]?.hasRawData == false)
    #expect(
      graph.input[0].type.tensorType.shape.dim[0].denotation == "DATA_BATCH"
        && graph.input[0].type.denotation == "IMAGE")
    #expect(
      graph.sparseInitializer[0].dims == [4]
        && graph.quantizationAnnotation[0].quantParameterTensorNames.count == 2)
    #expect(
      model.functions[0].node[1].attribute[0].refAttrName == "outer"
        && model.functions[0].attributeProto[0].f == 0.25)
    #expect(
      model.trainingInfo[0].algorithm.name == "then" && model.configuration[0].device == ["cpu:0", "cpu:1"])
    // What the importer says about it: the custom-domain operator comes first.
    #expect(throws: GraphError.self) { try importONNX(bytes: bytes) }
  }

  @Test func pythonReadsWhatThisCodecWrites() throws {
    let directory = try PythonONNX.temporaryDirectory("written")
    defer { try? FileManager.default.removeItem(at: directory) }
    // Models of the importer's tests, with the output shapes onnx.checker wants.
    var batchNorm = ImportRewriteTests.convBatchNorm(bias: true)
    batchNorm.graph.output = [ONNXTestModels.value("y", dims: [1, 3, 5, 5])]
    var relu = ImportRewriteTests.convThen([ONNXTestModels.node("Relu", ["c"], ["y"])])
    relu.graph.output = [ONNXTestModels.value("y", dims: [1, 4, 4, 4])]
    let models: [String: Onnx_ModelProto] = [
      "everything.onnx": ONNXMessageSamples.model, "valid_conv_batchnorm.onnx": batchNorm,
      "valid_conv_relu.onnx": relu,
    ]
    for (name, model) in models {
      try Data(model.serializedBytes()).write(to: directory.appendingPathComponent(name))
    }
    _ = try PythonONNX.run(PythonONNX.summarizer + Self.checkWritten, [directory.path] + models.keys.sorted())
    let python = try PythonONNX.sections(directory.appendingPathComponent("summaries.txt").path)
    #expect(Self.compare(models.mapValues(ONNXSummary.model), python) == 0)
  }
}
