import Engine

/// Derives a profile for a target board from a profile measured on this machine: each node's
/// time scaled by the ratio of per-core peaks (int8 peak for int8 operators, fp32 peak for the
/// rest), and by the lost parallelism when the board has fewer cores than the measurement used
/// threads. The result says `estimate: true` and records its basis; a measured profile of the
/// board, when there is one, replaces it.
public enum BoardEstimate {
  /// Operators whose work is int8 arithmetic: their time follows the int8 peak, which depends on
  /// a dot-product instruction. Everything else (float kernels, data movement) follows fp32.
  public static let int8Operators: Set<String> = [
    "QLinearConv", "QLinearAdd", "QLinearConcat", "QLinearMatMul", "QuantizeLinear", "DequantizeLinear",
  ]

  /// The board's profile estimated from `measured` (a profile of this machine, `host`).
  public static func derive(
    from measured: DeviceProfile, host: ComputeDescription, board: TargetBoard
  ) throws(OffloadError) -> DeviceProfile {
    guard !measured.estimate else {
      throw OffloadError("an estimate is derived from a measured profile, not from another estimate")
    }
    let int8Factor = host.int8GMACsPerCore / board.compute.int8GMACsPerCore
    let fp32Factor = host.fp32GFlopsPerCore / board.compute.fp32GFlopsPerCore
    // A measurement at t threads on a board with c < t cores runs about t/c times longer.
    let threadFactor = Double(measured.threads) / Double(min(measured.threads, board.compute.cores))
    var times: [String: Double] = [:]
    for (node, milliseconds) in measured.nodeMilliseconds {
      let op = measured.nodeOperators[node] ?? ""
      times[node] = milliseconds * (int8Operators.contains(op) ? int8Factor : fp32Factor) * threadFactor
    }
    func fixed(_ value: Double) -> String {
      let scaled = (value * 100).rounded() / 100
      return String(scaled)
    }
    let basis =
      "estimate for \(board.title) (\(board.cpu)) from the profile measured on \(measured.machine.cpuModel) at \(measured.date): "
      + "host \(fixed(host.clockGHz)) GHz, \(fixed(host.fp32GFlopsPerCore)) fp32 GFLOP/s and \(fixed(host.int8GMACsPerCore)) int8 GMAC/s per core; "
      + "board \(fixed(board.compute.clockGHz)) GHz, \(fixed(board.compute.fp32GFlopsPerCore)) GFLOP/s, \(fixed(board.compute.int8GMACsPerCore)) GMAC/s per core, "
      + "dot product \(board.compute.int8DotProduct ? "yes" : "no"), \(board.compute.cores) cores; "
      + "node times x\(fixed(int8Factor)) (int8 operators) or x\(fixed(fp32Factor)) (others), x\(fixed(threadFactor)) for threads; "
      + "peak ratios, so likely optimistic for the board; source: \(board.source)"
    var estimate = measured
    estimate.nodeMilliseconds = times
    estimate.totalMilliseconds = times.values.reduce(0, +)
    estimate.estimate = true
    estimate.board = board.name
    estimate.basis = basis
    return estimate
  }
}
