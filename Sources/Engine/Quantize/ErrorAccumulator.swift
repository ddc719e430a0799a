import Glibc

/// Running error sums of one output over samples, in Double so long sums stay exact enough.
struct ErrorAccumulator: Sendable {
  private(set) var count = 0
  private(set) var maxAbsoluteError = 0.0
  private(set) var signalEnergy = 0.0
  private(set) var noiseEnergy = 0.0

  mutating func add(expected: UnsafeBufferPointer<Float>, actual: UnsafeBufferPointer<Float>) {
    for index in expected.indices {
      let reference = Double(expected[index])
      let error = Double(actual[index]) - reference
      // A NaN error must show, not vanish in max(): it makes the maximum NaN.
      if !(abs(error) <= maxAbsoluteError) { maxAbsoluteError = abs(error) }
      signalEnergy += reference * reference
      noiseEnergy += error * error
    }
    count += expected.count
  }

  func accuracy(output: String) -> OutputAccuracy {
    let relative: Double
    let snr: Double
    if noiseEnergy == 0 {
      relative = 0
      snr = OutputAccuracy.maximumSNR
    } else {
      // An all-zero reference makes any error infinitely large relatively; report it as huge.
      let signal = max(signalEnergy, Double(Float.leastNormalMagnitude))
      relative = (noiseEnergy / signal).squareRoot()
      snr = min(10 * log10(signal / noiseEnergy), OutputAccuracy.maximumSNR)
    }
    return OutputAccuracy(
      output: output, elementCount: count, maxAbsoluteError: maxAbsoluteError, relativeL2Error: relative,
      snrDecibels: snr)
  }
}
