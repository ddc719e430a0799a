/// How the engine handles one operator: infer output descriptions from input descriptions (and
/// constant inputs such as a Reshape's shape), and build a kernel bound to concrete views.
public struct OperatorDefinition: Sendable {
  public typealias Infer =
    @Sendable (_ node: Node, _ inputs: [TensorInfo?], _ constants: ConstantLookup)
    throws(GraphError) -> [TensorInfo]
  public typealias Build =
    @Sendable (_ node: Node, _ inputs: [TensorView?], _ outputs: [TensorView], _ constants: ConstantLookup)
    throws(GraphError) -> any Kernel

  public var infer: Infer
  public var build: Build

  public init(infer: @escaping Infer, build: @escaping Build) {
    self.infer = infer
    self.build = build
  }
}

/// Read access to the graph's constant tensors, for operators whose behaviour depends on them.
public struct ConstantLookup {
  let constants: [String: Tensor]

  public init(_ constants: [String: Tensor]) { self.constants = constants }

  public func tensor(_ name: String) -> Tensor? { name.isEmpty ? nil : constants[name] }

  /// A constant's values as integers (int64 arrays are imported as int32 or float; both work).
  public func ints(_ name: String) -> [Int]? {
    guard let tensor = tensor(name) else { return nil }
    switch tensor.elementType {
    case .int32: return tensor.withElements(as: Int32.self) { $0.map(Int.init) }
    case .float32:
      return tensor.withElements(as: Float.self) { values in
        values.allSatisfy { $0.rounded() == $0 && abs($0) < 1e15 } ? values.map { Int($0) } : nil
      }
    case .int8: return tensor.withElements(as: Int8.self) { $0.map(Int.init) }
    case .uint8: return tensor.withElements(as: UInt8.self) { $0.map(Int.init) }
    }
  }

  public func floats(_ name: String) -> [Float]? {
    guard let tensor = tensor(name), tensor.elementType == .float32 else { return nil }
    return tensor.withElements(as: Float.self) { Array($0) }
  }
}
