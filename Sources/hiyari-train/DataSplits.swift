import Synth

/// Which synthetic frames train, calibrate and evaluate the detector: seeds kept apart, and
/// conditions split so the held-out set shows weather and light training never saw.
///
/// Training and calibration see clear or rainy days and dusks; the held-out set is fog (any
/// light) and night (any weather), that is every pair training leaves out. A second evaluation
/// set keeps training's conditions on unseen scenarios, to tell the conditions' effect from
/// over-fitting to scenes.
enum DataSplits {
  /// Clear and rainy days and dusks, mostly clear days (as `Conditions.random` weights them).
  static let training = try! ConditionMix([
    .init(.clear, .day, weight: 0.45), .init(.clear, .dusk, weight: 0.2),
    .init(.rain, .day, weight: 0.2), .init(.rain, .dusk, weight: 0.15),
  ])

  /// Every (weather, light) pair training leaves out: fog at any light, night in any weather.
  static let heldOut = try! ConditionMix([
    .init(.fog, .day), .init(.fog, .dusk), .init(.fog, .night), .init(.clear, .night),
    .init(.rain, .night),
  ])

  /// Scenarios per training sampler: a large pool (8 frames each), so batches rarely repeat.
  static let trainingFrames = 200_000

  /// The calibration sampler's seed, apart from the training seed's scenarios.
  static func calibrationSeed(training seed: UInt64) -> UInt64 { SynthRandom.hash(seed, 0xCA1B, 0x5EED) }

  /// The default evaluation seed; training seeds are small numbers, and the sampler hashes
  /// every seed into its scenarios, so this seed's scenarios are not training's.
  static let evaluationSeed: UInt64 = 900_001
}
