import Foundation

@testable import Engine

/// Python's onnx package as the reference for the protobuf codec: it summarizes messages
/// field by field in the same text form as `ONNXSummary`, and writes models that use every
/// ONNX message. The venv CI uses has it (HIYARI_PYTHON overrides the interpreter).
enum PythonONNX {
  struct Unavailable: Error, CustomStringConvertible {
    var description: String
  }

  static var python: String {
    ProcessInfo.processInfo.environment["HIYARI_PYTHON"] ?? "/opt/hiyari-venv/bin/python"
  }

  /// Runs `script` with `arguments`; throws with its output if it fails.
  static func run(_ script: String, _ arguments: [String]) throws -> String {
    guard FileManager.default.isExecutableFile(atPath: python) else {
      throw Unavailable(
        description:
          "no python at \(python): python3 -m venv /opt/hiyari-venv && /opt/hiyari-venv/bin/pip install onnx")
    }
    let answer = try ONNXConformanceTests.runProcess(python, ["-c", script] + arguments)
    guard answer.status == 0 else { throw Unavailable(description: "\(python) failed: \(answer.output)") }
    return answer.output
  }

  /// A fresh temporary directory, removed by `cleanup`.
  static func temporaryDirectory(_ name: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "hiyari-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }

  /// Reads the summary file the scripts write: sections "== NAME" followed by their lines.
  static func sections(_ path: String) throws -> [String: [String]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var result: [String: [String]] = [:]
    var current: String?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if line.hasPrefix("== ") {
        current = String(line.dropFirst(3))
        result[current!] = []
      } else if let name = current, !line.isEmpty {
        result[name]!.append(line)
      }
    }
    return result
  }

  /// The summary functions; `ONNXSummary` is their Swift twin.
  static let summarizer = #"""
    import struct, sys, os, onnx

    def fbits(x): return '%08x' % struct.unpack('<I', struct.pack('<f', x))[0]
    def dbits(x): return '%016x' % struct.unpack('<Q', struct.pack('<d', x))[0]
    def ulen(s): return len(s.encode('utf-8'))
    def opt(m, field, text): return text if m.HasField(field) else '-'
    def entries(es): return ';'.join('%s=%s' % (e.key, e.value) for e in es)

    def tensor(t):
        return ' '.join([
            t.name, opt(t, 'data_type', str(t.data_type)), 'dims=' + ','.join(map(str, t.dims)),
            'raw=' + opt(t, 'raw_data', str(len(t.raw_data))),
            'f=%s/%d' % (','.join(fbits(v) for v in t.float_data[:8]), len(t.float_data)),
            'i32=%s/%d' % (','.join(map(str, t.int32_data[:8])), len(t.int32_data)),
            'i64=%s/%d' % (','.join(map(str, t.int64_data[:8])), len(t.int64_data)),
            'd=%s/%d' % (','.join(dbits(v) for v in t.double_data[:8]), len(t.double_data)),
            'u64=%s/%d' % (','.join(map(str, t.uint64_data[:8])), len(t.uint64_data)),
            'str=' + ','.join(s.hex() for s in t.string_data),
            'loc=' + opt(t, 'data_location', str(t.data_location)), 'ext=' + entries(t.external_data),
            'seg=' + opt(t, 'segment', '%d:%d' % (t.segment.begin, t.segment.end)),
            'doc=%d' % ulen(t.doc_string), 'meta=' + entries(t.metadata_props)])

    def sparse(s):
        return '<%s|%s|%s>' % (opt(s, 'values', tensor(s.values)), opt(s, 'indices', tensor(s.indices)), ','.join(map(str, s.dims)))

    def dim(d):
        k = d.WhichOneof('value')
        text = str(d.dim_value) if k == 'dim_value' else ('$' + d.dim_param if k == 'dim_param' else '?')
        return text + ('@' + d.denotation if d.HasField('denotation') else '')

    def shape(s): return '[' + ','.join(dim(d) for d in s.dim) + ']'

    def typ(t):
        k = t.WhichOneof('value')
        if k in ('tensor_type', 'sparse_tensor_type'):
            x = getattr(t, k)
            text = '%s(%s:%s)' % ('T' if k == 'tensor_type' else 'S', opt(x, 'elem_type', str(x.elem_type)), shape(x.shape) if x.HasField('shape') else '?')
        elif k == 'sequence_type':
            text = 'seq(%s)' % opt(t.sequence_type, 'elem_type', typ(t.sequence_type.elem_type))
        elif k == 'map_type':
            text = 'map(%s,%s)' % (opt(t.map_type, 'key_type', str(t.map_type.key_type)), opt(t.map_type, 'value_type', typ(t.map_type.value_type)))
        elif k == 'optional_type':
            text = 'opt(%s)' % opt(t.optional_type, 'elem_type', typ(t.optional_type.elem_type))
        elif k == 'opaque_type':
            text = 'opaque(%s.%s)' % (t.opaque_type.domain, t.opaque_type.name)
        else:
            text = 'none'
        return text + ('@' + t.denotation if t.HasField('denotation') else '')

    def value(v):
        return '%s:%s doc=%d meta=%s' % (v.name, opt(v, 'type', typ(v.type)), ulen(v.doc_string), entries(v.metadata_props))

    def attribute(a):
        out = [a.name, opt(a, 'type', str(a.type))]
        if a.HasField('ref_attr_name'): out.append('ref=' + a.ref_attr_name)
        if a.HasField('doc_string'): out.append('doc=%d' % ulen(a.doc_string))
        if a.HasField('f'): out.append('f=' + fbits(a.f))
        if a.HasField('i'): out.append('i=%d' % a.i)
        if a.HasField('s'): out.append('s=' + a.s.hex())
        if a.HasField('t'): out.append('t=<' + tensor(a.t) + '>')
        if a.HasField('g'): out.append('g=' + a.g.name)
        if a.HasField('sparse_tensor'): out.append('sp=' + sparse(a.sparse_tensor))
        if a.HasField('tp'): out.append('tp=' + typ(a.tp))
        if a.floats: out.append('floats=' + ','.join(fbits(v) for v in a.floats))
        if a.ints: out.append('ints=' + ','.join(map(str, a.ints)))
        if a.strings: out.append('strings=' + ','.join(s.hex() for s in a.strings))
        if a.tensors: out.append('tensors=' + ';'.join('<' + tensor(t) + '>' for t in a.tensors))
        if a.graphs: out.append('graphs=' + ','.join(g.name for g in a.graphs))
        if a.sparse_tensors: out.append('sparse_tensors=' + ';'.join(sparse(s) for s in a.sparse_tensors))
        if a.type_protos: out.append('type_protos=' + ','.join(typ(t) for t in a.type_protos))
        return ' '.join(out)

    def sharding(c):
        specs = []
        for s in c.sharding_spec:
            dims = []
            for d in s.sharded_dim:
                parts = []
                for p in d.simple_sharding:
                    k = p.WhichOneof('dim')
                    parts.append('%s/%s' % (str(p.dim_value) if k == 'dim_value' else ('$' + p.dim_param if k == 'dim_param' else '?'), opt(p, 'num_shards', str(p.num_shards))))
                dims.append('%s:%s' % (opt(d, 'axis', str(d.axis)), '+'.join(parts)))
            groups = ';'.join('%s=%s' % (opt(g, 'key', str(g.key)), ','.join(map(str, g.value))) for g in s.index_to_device_group_map)
            specs.append('%s devices=%s groups=%s dims=%s' % (s.tensor_name, ','.join(map(str, s.device)), groups, ' '.join(dims)))
        return '%s stage=%s specs=%s' % (c.configuration_id, opt(c, 'pipeline_stage', str(c.pipeline_stage)), ' | '.join(specs))

    def node(n, prefix, lines):
        lines.append('%snode %s|%s|%s|%s|%s|%s doc=%d meta=%s' % (prefix, n.name, n.op_type, n.domain, ','.join(n.input), ','.join(n.output), opt(n, 'overload', n.overload), ulen(n.doc_string), entries(n.metadata_props)))
        for a in n.attribute:
            lines.append(prefix + '  attr ' + attribute(a))
            if a.HasField('g'): graph(a.g, prefix + '    ', lines)
            for g in a.graphs: graph(g, prefix + '    ', lines)
        for c in n.device_configurations: lines.append(prefix + '  device ' + sharding(c))

    def graph(g, prefix, lines):
        lines.append('%sgraph %s doc=%d' % (prefix, g.name, ulen(g.doc_string)))
        for n in g.node: node(n, prefix, lines)
        for t in g.initializer: lines.append(prefix + 'init ' + tensor(t))
        for s in g.sparse_initializer: lines.append(prefix + 'sparse ' + sparse(s))
        for v in g.input: lines.append(prefix + 'input ' + value(v))
        for v in g.output: lines.append(prefix + 'output ' + value(v))
        for v in g.value_info: lines.append(prefix + 'value ' + value(v))
        for q in g.quantization_annotation: lines.append(prefix + 'quant %s %s' % (q.tensor_name, entries(q.quant_parameter_tensor_names)))
        for p in g.metadata_props: lines.append(prefix + 'meta %s=%s' % (p.key, p.value))

    def model(m):
        lines = ['ir %s producer %s %s domain %s version %s doc %d' % (opt(m, 'ir_version', str(m.ir_version)), m.producer_name, m.producer_version, m.domain, opt(m, 'model_version', str(m.model_version)), ulen(m.doc_string))]
        for o in m.opset_import: lines.append('opset %s %s' % (o.domain, opt(o, 'version', str(o.version))))
        if m.HasField('graph'): graph(m.graph, '', lines)
        for p in m.metadata_props: lines.append('meta %s=%s' % (p.key, p.value))
        for t in m.training_info:
            lines.append('training %s %s' % (entries(t.initialization_binding), entries(t.update_binding)))
            if t.HasField('initialization'): graph(t.initialization, '  ', lines)
            if t.HasField('algorithm'): graph(t.algorithm, '  ', lines)
        for f in m.functions:
            lines.append('function %s.%s|%s|%s|%s|%s|%s doc=%d opsets=%s meta=%s' % (f.domain, f.name, opt(f, 'overload', f.overload), ','.join(f.input), ','.join(f.output), ','.join(f.attribute), ';'.join(attribute(a) for a in f.attribute_proto), ulen(f.doc_string), ','.join('%s:%d' % (o.domain, o.version) for o in f.opset_import), entries(f.metadata_props)))
            for n in f.node: node(n, '  ', lines)
            for v in f.value_info: lines.append('  value ' + value(v))
        for c in m.configuration: lines.append('configuration %s %s %s' % (c.name, opt(c, 'num_devices', str(c.num_devices)), ','.join(c.device)))
        return lines

    def write(out, name, lines):
        out.write('== %s\n' % name)
        for line in lines: out.write(line + '\n')

    """#
}
