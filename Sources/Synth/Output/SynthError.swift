/// Why the generator could not do what it was asked.
public enum SynthError: Error, CustomStringConvertible {
  case invalidArgument(String)
  case invalidLabels(String)

  public var description: String {
    switch self {
    case .invalidArgument(let reason): "invalid argument: \(reason)"
    case .invalidLabels(let reason): "invalid labels: \(reason)"
    }
  }
}
