/// How a plan was found, so a caller knows whether it is the proven optimum.
public enum PlanMethod: String, Sendable, Hashable, Codable {
  /// The minimum s-t cut: optimal over every cut of the DAG (no constraint bound it).
  case minimumCut = "min-cut"
  /// Every valid cut evaluated: optimal under the constraints.
  case enumeration
  /// The best of a candidate set (chain prefixes, uplink-penalised min-cuts): the graph had too
  /// many cuts to enumerate and a constraint the min-cut cannot express was binding.
  case candidates
}
