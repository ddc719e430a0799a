/// Training examples straight from the renderer, in memory, without video encoding.
///
/// Example `index` of a sampler with seed S is a pure function of (S, index, size, kinds):
/// examples come in groups of `framesPerScenario` frames drawn from one random scenario (so a
/// scenario is simulated once per group), the scenario's kind cycles through `kinds`, and frames
/// are spread over the scenario's length. Not thread-safe: use one sampler per thread (seed them
/// apart, or split the index range).
public final class TrainingSampler {
  public let seed: UInt64
  public let width: Int
  public let height: Int
  public let kinds: [ScenarioKind]
  public let framesPerScenario: Int
  /// Seconds of each long drive (the other kinds keep their default lengths).
  public let longDriveSeconds: Double
  /// The weather and light scenes are drawn from; nil for the generator's own mix
  /// (`Conditions.random`).
  public let conditions: ConditionMix?
  private let renderer = SceneRenderer()
  private var cached: (group: Int, scenario: Scenario)?

  public init(
    seed: UInt64, width: Int = 320, height: Int = 192, kinds: [ScenarioKind] = ScenarioKind.allCases,
    framesPerScenario: Int = 8, longDriveSeconds: Double = 60, conditions: ConditionMix? = nil
  ) {
    precondition(width >= 16 && height >= 16 && width <= 8192 && height <= 8192, "size must be 16...8192")
    precondition(
      !kinds.isEmpty && framesPerScenario >= 1, "need at least one kind and one frame per scenario")
    self.seed = seed
    self.width = width
    self.height = height
    self.kinds = kinds
    self.framesPerScenario = framesPerScenario
    self.longDriveSeconds = longDriveSeconds
    self.conditions = conditions
  }

  /// Example `index` (any non-negative integer).
  public func sample(_ index: Int) -> TrainingSample {
    let group = index / framesPerScenario
    let scenario: Scenario
    if let cached, cached.group == group {
      scenario = cached.scenario
    } else {
      let kind = kinds[group % kinds.count]
      let scenarioSeed = SynthRandom.hash(seed, UInt64(group), 0x7A11)
      var script = ScenarioScript.random(
        kind: kind, seed: scenarioSeed, camera: PinholeCamera(width: width, height: height),
        seconds: kind == .longDrive ? longDriveSeconds : nil)
      if let conditions {
        // A stream of its own, so the scene's geometry is the same whatever the mix.
        var random = SynthRandom(seed: scenarioSeed, stream: 0xC0D1)
        script.conditions = conditions.draw(&random)
      }
      scenario = Scenario(script: script)
      cached = (group, scenario)
    }
    var random = SynthRandom(seed: SynthRandom.hash(seed, UInt64(index), 0xF7A3))
    let frame = random.integer(0...(scenario.frameCount - 1))
    return TrainingSampler.render(scenario, frame: frame, width: width, height: height, renderer: renderer)
  }

  /// Frame `frame` of the random scenario (`kind`, `seed`) at `width` x `height`.
  public static func render(
    kind: ScenarioKind, seed: UInt64, frame: Int, width: Int = 320, height: Int = 192
  ) -> TrainingSample {
    let scenario = Scenario(kind: kind, seed: seed, camera: PinholeCamera(width: width, height: height))
    return render(scenario, frame: frame, width: width, height: height, renderer: SceneRenderer())
  }

  static func render(
    _ scenario: Scenario, frame: Int, width: Int, height: Int, renderer: SceneRenderer
  ) -> TrainingSample {
    let camera = scenario.camera.resized(width: width, height: height)
    let (image, labels) = renderer.render(scenario, frame: frame, camera: camera)
    return TrainingSample(
      image: image, labels: labels, camera: camera, kind: scenario.kind, seed: scenario.seed,
      frame: labels.index, weather: scenario.conditions.weather, light: scenario.conditions.light)
  }
}
