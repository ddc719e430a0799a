/// How close a tracked object is to a collision, by time to collision in the ego corridor.
public enum RiskLevel: Int, Sendable, Hashable, Comparable, Codable, CaseIterable, CustomStringConvertible {
  case none = 0
  case caution = 1
  case warning = 2
  case critical = 3

  public static func < (lhs: RiskLevel, rhs: RiskLevel) -> Bool { lhs.rawValue < rhs.rawValue }

  public var description: String {
    switch self {
    case .none: "none"
    case .caution: "caution"
    case .warning: "warning"
    case .critical: "critical"
    }
  }

  public init(from decoder: any Decoder) throws {
    let name = try decoder.singleValueContainer().decode(String.self)
    guard let level = RiskLevel.allCases.first(where: { $0.description == name }) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "unknown risk level \(name)"))
    }
    self = level
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
