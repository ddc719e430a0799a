import Engine
import Testing

@testable import Offload

@Suite struct ContentionCorrectionTests {
  @Test func everyTimeIsScaledByTheShareAndNothingElseChanges() throws {
    let graph = try TestGraphs.diamond()
    let times = Dictionary(uniqueKeysWithValues: graph.nodes.enumerated().map { ($1.name, Double($0 + 1)) })
    let profile = try SplitExecutionTests.profile(graph, milliseconds: times)
    let corrected = ContentionCorrection.corrected(profile, share: 0.25)
    for (node, milliseconds) in profile.nodeMilliseconds {
      #expect(corrected.nodeMilliseconds[node] == milliseconds * 0.25)
    }
    #expect(corrected.totalMilliseconds == profile.totalMilliseconds * 0.25)
    #expect(corrected.tensorBytes == profile.tensorBytes && corrected.model == profile.model)
    #expect(corrected.estimate == profile.estimate && corrected.threads == profile.threads)
  }

  @Test func theShareOfARealRunIsAFractionOfOneCore() throws {
    let share = try ContentionCorrection.cpuShare(of: try TestGraphs.diamond(), runs: 200)
    #expect(share > 0 && share <= 1)
  }
}
