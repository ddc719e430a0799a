import Engine

/// Per-node latency of one model on one machine (measured, or estimated for a board), with the
/// bytes of every tensor as it would cross a link. Codable: the JSON `hiyari profile` writes and
/// `hiyari plan` reads, with the field names below.
public struct DeviceProfile: Sendable, Hashable, Codable {
  /// The model: its bundle identifier (`ModelBundle.identifier(of:)`), so a profile is never
  /// applied to another model by accident.
  public var model: String
  /// The machine the times were measured on (for an estimate: the machine they were derived from).
  public var machine: MachineDescription
  /// When measured, ISO 8601 UTC.
  public var date: String
  public var threads: Int
  /// Timed runs behind each median.
  public var runs: Int
  /// Median milliseconds of each node, by node name.
  public var nodeMilliseconds: [String: Double]
  /// Each node's operator, by node name: what a board estimate scales by (int8 or float).
  public var nodeOperators: [String: String]
  /// Bytes of every graph input and node output as serialized: 1 per int8/uint8 element, 4 per
  /// float32/int32 element.
  public var tensorBytes: [String: Int]
  /// Median of the whole runs' times (the sum of nodes, measured run by run).
  public var totalMilliseconds: Double
  /// True when derived rather than measured on the board named.
  public var estimate: Bool
  /// The target board an estimate is for (nil for a measurement on this machine).
  public var board: String?
  /// How an estimate was derived: the measured profile, the compute figures and factors used.
  public var basis: String?

  public init(
    model: String, machine: MachineDescription, date: String, threads: Int, runs: Int,
    nodeMilliseconds: [String: Double], nodeOperators: [String: String], tensorBytes: [String: Int],
    totalMilliseconds: Double, estimate: Bool = false, board: String? = nil, basis: String? = nil
  ) {
    self.model = model
    self.machine = machine
    self.date = date
    self.threads = threads
    self.runs = runs
    self.nodeMilliseconds = nodeMilliseconds
    self.nodeOperators = nodeOperators
    self.tensorBytes = tensorBytes
    self.totalMilliseconds = totalMilliseconds
    self.estimate = estimate
    self.board = board
    self.basis = basis
  }

  /// The serialized bytes of every graph input and node output of `graph` (validated).
  public static func tensorBytes(of graph: Graph, infos: [String: TensorInfo]) -> [String: Int] {
    var bytes: [String: Int] = [:]
    for input in graph.inputs { bytes[input.name] = input.byteCount }
    for node in graph.nodes {
      for output in node.outputs where !output.isEmpty {
        if let info = infos[output] { bytes[output] = info.byteCount }
      }
    }
    return bytes
  }
}
