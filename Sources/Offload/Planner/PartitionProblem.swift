import Engine

/// A model reduced to what partitioning needs: nodes in topological order with their device and
/// cloud times, and the tensors between them with their sizes. `evaluate` prices any head set on
/// a link; `PartitionPlanner` finds the cheapest.
public struct PartitionProblem: Sendable {
  public let nodes: [PlannerNode]
  public let tensors: [PlannerTensor]
  /// The node producing each tensor (nil for graph inputs).
  public let producers: [Int?]
  /// The nodes reading each tensor, without repeats.
  public let consumers: [[Int]]
  /// The nodes each node reads from, without repeats.
  public let predecessors: [[Int]]

  /// Checks the structure: indices in range, one producer per tensor (none for graph inputs),
  /// every producer before its consumers (topological order).
  public init(nodes: [PlannerNode], tensors: [PlannerTensor]) throws(OffloadError) {
    var producers = [Int?](repeating: nil, count: tensors.count)
    var consumers = [[Int]](repeating: [], count: tensors.count)
    var predecessors = [[Int]](repeating: [], count: nodes.count)
    for (index, node) in nodes.enumerated() {
      guard node.deviceSeconds >= 0, node.cloudSeconds >= 0 else {
        throw OffloadError("node \(node.name) has a negative time")
      }
      for tensor in node.inputs {
        guard tensors.indices.contains(tensor) else {
          throw OffloadError("node \(node.name) reads no tensor \(tensor)")
        }
        guard tensors[tensor].isGraphInput || producers[tensor] != nil else {
          throw OffloadError("node \(node.name) reads \(tensors[tensor].name) before it is produced")
        }
        if consumers[tensor].last != index { consumers[tensor].append(index) }
        if let producer = producers[tensor], !predecessors[index].contains(producer) {
          predecessors[index].append(producer)
        }
      }
      for tensor in node.outputs {
        guard tensors.indices.contains(tensor), !tensors[tensor].isGraphInput, producers[tensor] == nil else {
          throw OffloadError("node \(node.name) writes an input, a missing or an already produced tensor")
        }
        producers[tensor] = index
      }
    }
    for (index, tensor) in tensors.enumerated() where !tensor.isGraphInput && producers[index] == nil {
      throw OffloadError("tensor \(tensor.name) is not produced by any node")
    }
    self.nodes = nodes
    self.tensors = tensors
    self.producers = producers
    self.consumers = consumers
    self.predecessors = predecessors
  }

  /// The problem of `graph` with node times from the device and cloud profiles and tensor sizes
  /// from the device profile. `compressedInputBytes` replaces a graph input's upload size (its
  /// pixel codes, compressed, instead of the float tensor) wherever that input crosses, and
  /// `inputEncodeSeconds` adds the device's time to make that form.
  public init(
    graph unvalidated: Graph, device: DeviceProfile, cloud: DeviceProfile,
    compressedInputBytes: [String: Int] = [:], inputEncodeSeconds: [String: Double] = [:]
  ) throws(OffloadError) {
    guard device.model == cloud.model else {
      throw OffloadError(
        "the device profile is of model \(device.model), the cloud profile of \(cloud.model)")
    }
    let graph: Graph
    do throws(GraphError) { graph = try unvalidated.validated() } catch {
      throw OffloadError(error.description)
    }
    var tensors: [PlannerTensor] = []
    var index: [String: Int] = [:]
    let outputs = Set(graph.outputs)
    func add(_ name: String, input: Bool) throws(OffloadError) {
      guard let bytes = device.tensorBytes[name] else {
        throw OffloadError(
          "the device profile has no size for tensor \(name): is it a profile of this model?")
      }
      index[name] = tensors.count
      tensors.append(
        PlannerTensor(
          name: name, bytes: bytes, uploadBytes: input ? compressedInputBytes[name] : nil,
          encodeSeconds: input ? inputEncodeSeconds[name] ?? 0 : 0, isGraphInput: input,
          isGraphOutput: outputs.contains(name)))
    }
    for input in graph.inputs { try add(input.name, input: true) }
    var nodes: [PlannerNode] = []
    for node in graph.nodes {
      guard let deviceMs = device.nodeMilliseconds[node.name] else {
        throw OffloadError("the device profile has no time for node \(node.name)")
      }
      guard let cloudMs = cloud.nodeMilliseconds[node.name] else {
        throw OffloadError("the cloud profile has no time for node \(node.name)")
      }
      // Constants are not tensors of the problem: both sides hold the weights.
      let inputs = node.inputs.compactMap { index[$0] }
      var outputIndices: [Int] = []
      for output in node.outputs where !output.isEmpty {
        try add(output, input: false)
        outputIndices.append(index[output]!)
      }
      nodes.append(
        PlannerNode(
          name: node.name, deviceSeconds: deviceMs / 1000, cloudSeconds: cloudMs / 1000, inputs: inputs,
          outputs: outputIndices))
    }
    try self.init(nodes: nodes, tensors: tensors)
  }

  /// Whether `head` is closed under predecessors (every node a head node reads from is in the head).
  public func isClosed(_ head: [Bool]) -> Bool {
    head.count == nodes.count
      && nodes.indices.allSatisfy { node in !head[node] || predecessors[node].allSatisfy { head[$0] } }
  }

  /// The heads made of the first k nodes in topological order, k = 0...count: the cuts a chain
  /// planner (Neurosurgeon) considers.
  public var prefixHeads: [[Bool]] {
    (0...nodes.count).map { count in nodes.indices.map { $0 < count } }
  }

  /// The plan for the closed head set `head` on `link`.
  public func evaluate(head: [Bool], link: LinkEstimate) -> Plan {
    precondition(isClosed(head), "a head must hold every predecessor of its nodes")
    var inTailRead = [Bool](repeating: false, count: tensors.count)
    for (node, isHead) in head.enumerated() where !isHead {
      for tensor in nodes[node].inputs { inTailRead[tensor] = true }
    }
    var uploaded: [CrossingTensor] = []
    var returned: [CrossingTensor] = []
    var engineCut: [String] = []
    var encodeSeconds = 0.0
    for (index, tensor) in tensors.enumerated() {
      let computedInHead = producers[index].map { head[$0] } ?? true
      if computedInHead && inTailRead[index] {
        uploaded.append(
          CrossingTensor(name: tensor.name, bytes: tensor.uploadBytes, isGraphInput: tensor.isGraphInput))
        engineCut.append(tensor.name)
        encodeSeconds += tensor.encodeSeconds
      } else if computedInHead && tensor.isGraphOutput && !tensor.isGraphInput {
        engineCut.append(tensor.name)
      }
      if !computedInHead && tensor.isGraphOutput {
        returned.append(CrossingTensor(name: tensor.name, bytes: tensor.bytes, isGraphInput: false))
      }
    }
    let anyTail = head.contains(false)
    let deviceSeconds = nodes.indices.filter { head[$0] }.reduce(0.0) { $0 + nodes[$1].deviceSeconds }
    let cloudSeconds = nodes.indices.filter { !head[$0] }.reduce(0.0) { $0 + nodes[$1].cloudSeconds }
    return Plan(
      headMask: head, headNodes: nodes.indices.filter { head[$0] }.map { nodes[$0].name },
      uploaded: uploaded, returned: returned, cut: Cut(crossing: engineCut),
      deviceMilliseconds: deviceSeconds * 1000,
      uploadMilliseconds: (link.uploadSeconds(uploaded.reduce(0) { $0 + $1.bytes }) + encodeSeconds) * 1000,
      roundTripMilliseconds: anyTail ? link.roundTripSeconds * 1000 : 0,
      cloudMilliseconds: cloudSeconds * 1000,
      downloadMilliseconds: link.downloadSeconds(returned.reduce(0) { $0 + $1.bytes }) * 1000,
      headArenaBytes: headArenaBytes(head))
  }

  /// The activation arena the head would allocate: the engine's `MemoryPlan` over the head's
  /// tensors with the lifetimes `CompiledModel` gives them (inputs from the start, the head's
  /// outputs, i.e. crossing tensors and graph outputs, to the end), in the order the head
  /// subgraph validates to (Kahn's algorithm with a FIFO, like `Graph.validated`).
  public func headArenaBytes(_ head: [Bool]) -> Int {
    let order = headOrder(head)
    var tailReads = [Bool](repeating: false, count: tensors.count)
    for (node, isHead) in head.enumerated() where !isHead {
      for tensor in nodes[node].inputs { tailReads[tensor] = true }
    }
    var first: [Int: Int] = [:]
    var last: [Int: Int] = [:]
    for (index, tensor) in tensors.enumerated() where tensor.isGraphInput {
      let usedInHead = consumers[index].contains { head[$0] }
      if usedInHead || tailReads[index] { first[index] = 0 }
      if tailReads[index] { last[index] = order.count }
    }
    for (step, node) in order.enumerated() {
      for tensor in nodes[node].outputs {
        first[tensor] = step
        if tailReads[tensor] || tensors[tensor].isGraphOutput { last[tensor] = order.count }
      }
      for tensor in nodes[node].inputs where last[tensor] != order.count { last[tensor] = step }
    }
    // By name, as CompiledModel orders its requests: the greedy plan breaks ties by that order.
    let requests = first.keys.sorted { tensors[$0].name < tensors[$1].name }.map { tensor in
      MemoryPlan.Request(
        bytes: tensors[tensor].bytes, firstStep: first[tensor]!,
        lastStep: max(first[tensor]!, last[tensor] ?? first[tensor]!))
    }
    return MemoryPlan(requests).arenaBytes
  }

  /// The head nodes in the order `Graph.validated` puts the head subgraph in.
  func headOrder(_ head: [Bool]) -> [Int] {
    var pending = [Int](repeating: 0, count: nodes.count)
    var successors = [[Int]](repeating: [], count: nodes.count)
    for node in nodes.indices where head[node] {
      for tensor in nodes[node].inputs {
        if let producer = producers[tensor] {
          pending[node] += 1
          successors[producer].append(node)
        }
      }
    }
    var ready = nodes.indices.filter { head[$0] && pending[$0] == 0 }
    var cursor = 0
    while cursor < ready.count {
      let node = ready[cursor]
      cursor += 1
      for successor in successors[node] {
        pending[successor] -= 1
        if pending[successor] == 0 { ready.append(successor) }
      }
    }
    return ready
  }
}
