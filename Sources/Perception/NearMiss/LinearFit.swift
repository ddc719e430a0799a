/// An ordinary least-squares line through samples (t, v), evaluated at a reference time, with
/// the standard errors that let two estimators be weighed against each other.
struct LinearFit: Sendable {
  /// The fitted value at the reference time.
  var value: Double
  /// The fitted slope (units of v per second).
  var slope: Double
  /// Standard error of `value`.
  var valueError: Double
  /// Standard error of `slope`.
  var slopeError: Double

  /// Fits `samples`; nil with fewer than three samples or no spread in time.
  init?(_ samples: [(time: Double, value: Double)], at reference: Double) {
    let n = Double(samples.count)
    guard samples.count >= 3 else { return nil }
    let meanT = samples.reduce(0) { $0 + $1.time } / n
    let meanV = samples.reduce(0) { $0 + $1.value } / n
    var stt = 0.0
    var stv = 0.0
    for sample in samples {
      stt += (sample.time - meanT) * (sample.time - meanT)
      stv += (sample.time - meanT) * (sample.value - meanV)
    }
    guard stt > 1e-12 else { return nil }
    slope = stv / stt
    value = meanV + slope * (reference - meanT)
    var residual = 0.0
    for sample in samples {
      let error = sample.value - (meanV + slope * (sample.time - meanT))
      residual += error * error
    }
    let variance = residual / (n - 2)
    slopeError = (variance / stt).squareRoot()
    valueError = (variance * (1 / n + (reference - meanT) * (reference - meanT) / stt)).squareRoot()
    guard value.isFinite, slope.isFinite else { return nil }
  }
}
