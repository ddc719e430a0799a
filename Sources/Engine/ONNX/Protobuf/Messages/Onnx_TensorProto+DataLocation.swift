extension Onnx_TensorProto {
  /// Where a tensor's data is: in the message itself, or in an external file that
  /// `externalData` describes ("location", "offset", "length", "checksum").
  public enum DataLocation: Int, CaseIterable, Sendable {
    case `default` = 0
    case external = 1

    public init() { self = .default }
  }
}
