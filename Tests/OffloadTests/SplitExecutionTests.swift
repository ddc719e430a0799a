import Engine
import Testing

@testable import Offload

@Suite struct SplitExecutionTests {
  /// A profile of `graph` with the given node times and the real tensor sizes.
  static func profile(_ graph: Graph, milliseconds: [String: Double]) throws -> DeviceProfile {
    let infos = try ShapeInference.infer(graph, registry: StandardOperators.registry)
    return DeviceProfile(
      model: try ModelBundle.identifier(of: graph),
      machine: MachineDescription(cpuModel: "test", architecture: "test", cores: 1, features: []),
      date: "2026-01-01T00:00:00Z", threads: 1, runs: 1, nodeMilliseconds: milliseconds,
      nodeOperators: Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.name, $0.op) }),
      tensorBytes: DeviceProfile.tensorBytes(of: graph, infos: infos),
      totalMilliseconds: milliseconds.values.reduce(0, +))
  }

  /// Runs the head on the device side, hands every crossing tensor to the tail, and returns the
  /// graph outputs as the device ends up with them.
  func split(_ graph: Graph, _ plan: Plan, _ input: Tensor) throws -> [String: Tensor] {
    let head = try CompiledModel.part(.head, of: graph, cut: plan.cut)
    let tail = try CompiledModel.part(.tail, of: graph, cut: plan.cut)
    let crossing = try head.run(["x": input])
    let sent = crossing.filter { name, _ in tail.graph.inputs.contains { $0.name == name } }
    return try tail.run(sent)
  }

  @Test func everyCutRunsBitExactAndItsHeadArenaIsTheCompiledOne() throws {
    let graph = try TestGraphs.diamond()
    let input = try TestGraphs.input(graph)
    let whole = try CompiledModel(graph: graph).run(["x": input])
    let times = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.name, 1.0) })
    let profile = try Self.profile(graph, milliseconds: times)
    let problem = try PartitionProblem(graph: graph, device: profile, cloud: profile)
    let link = LinkEstimate(uplinkBitsPerSecond: 1e7, downlinkBitsPerSecond: 1e7, roundTripSeconds: 0.01)
    let heads = try #require(CutEnumeration.heads(of: problem, limit: 1000))
    #expect(heads.count > 10)
    for head in heads {
      let plan = problem.evaluate(head: head, link: link)
      let outputs = try split(graph, plan, input)
      for name in graph.outputs {
        #expect(
          TestGraphs.bytes(outputs[name]) == TestGraphs.bytes(whole[name]), "\(plan.headNodes): \(name)")
        #expect(!TestGraphs.bytes(outputs[name]).isEmpty)
      }
      let compiledHead = try CompiledModel.part(.head, of: graph, cut: plan.cut)
      #expect(compiledHead.graph.nodes.map(\.name) == plan.headNodes)
      #expect(plan.headArenaBytes == compiledHead.memoryPlan.arenaBytes, "\(plan.headNodes)")
    }
  }

  @Test func theChosenCutThroughBothBranchesRuns() throws {
    let graph = try TestGraphs.diamond()
    let input = try TestGraphs.input(graph)
    // c1, d, e, f, g are slow on the device and fast in the cloud; a, b1, b2 shrink nothing but
    // x is needed by e, so: the cut uploads q1 and q2 (or r1) and x. Make p expensive to send by
    // making a slow in the cloud instead.
    let device: [String: Double] = [
      "a": 0.1, "b1": 0.1, "c1": 20, "b2": 0.1, "d": 20, "e": 20, "f": 20, "g": 20,
    ]
    let cloud: [String: Double] = [
      "a": 50, "b1": 50, "c1": 0.1, "b2": 50, "d": 0.1, "e": 0.1, "f": 0.1, "g": 0.1,
    ]
    let problem = try PartitionProblem(
      graph: graph, device: try Self.profile(graph, milliseconds: device),
      cloud: try Self.profile(graph, milliseconds: cloud))
    let link = LinkEstimate(uplinkBitsPerSecond: 1e8, downlinkBitsPerSecond: 1e8, roundTripSeconds: 0.005)
    let plan = try PartitionPlanner().plan(problem, link: link)
    #expect(plan.headNodes == ["a", "b1", "b2"])
    #expect(Set(plan.uploaded.map(\.name)) == ["q1", "q2", "x"])
    // The same answer by brute force.
    let best = try #require(
      CutEnumeration.heads(of: problem, limit: 1000)?.map { problem.evaluate(head: $0, link: link) }
        .min { $0.totalMilliseconds < $1.totalMilliseconds })
    #expect(best.headNodes == plan.headNodes)
    let outputs = try split(graph, plan, input)
    let whole = try CompiledModel(graph: graph).run(["x": input])
    #expect(TestGraphs.bytes(outputs["y"]) == TestGraphs.bytes(whole["y"]))
    #expect(TestGraphs.bytes(outputs["zq"]) == TestGraphs.bytes(whole["zq"]))
  }

  @Test func profilesMustCoverTheModel() throws {
    let graph = try TestGraphs.diamond()
    let times = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.name, 1.0) })
    let profile = try Self.profile(graph, milliseconds: times)
    var missingNode = profile
    missingNode.nodeMilliseconds["c1"] = nil
    #expect(throws: OffloadError("the cloud profile has no time for node c1")) {
      try PartitionProblem(graph: graph, device: profile, cloud: missingNode)
    }
    var missingTensor = profile
    missingTensor.tensorBytes["q2"] = nil
    #expect(throws: OffloadError.self) {
      try PartitionProblem(graph: graph, device: missingTensor, cloud: profile)
    }
    var otherModel = profile
    otherModel.model = "another"
    #expect(throws: OffloadError.self) {
      try PartitionProblem(graph: graph, device: profile, cloud: otherModel)
    }
  }
}
