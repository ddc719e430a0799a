/// Builds an Engine `Graph` from layers in evaluation mode: each call appends the nodes of one
/// operation and returns the name of the tensor it produces.
public struct GraphExporter {
  public private(set) var nodes: [Node] = []
  public private(set) var constants: [String: Tensor] = [:]
  private var counter = 0

  public init() {}

  /// A fresh tensor or node name with a readable prefix.
  public mutating func name(_ prefix: String) -> String {
    counter += 1
    return "\(prefix)_\(counter)"
  }

  /// Adds a constant and returns its name.
  public mutating func constant(_ prefix: String, shape: [Int], values: [Float]) throws(TensorError) -> String
  {
    let name = self.name(prefix)
    constants[name] = try Variable(shape: shape, value: values).tensor()
    return name
  }

  public mutating func append(
    _ op: String, _ prefix: String, inputs: [String], attributes: [String: Attribute] = [:]
  ) -> String {
    let output = name(prefix)
    nodes.append(Node(name: output, op: op, inputs: inputs, outputs: [output], attributes: attributes))
    return output
  }

  mutating func appendNode(_ node: Node) { nodes.append(node) }

  /// Conv with ONNX attributes from `geometry`.
  public mutating func convolution(
    _ input: String, _ prefix: String, weight: Variable, bias: [Float], geometry: ConvolutionGeometry
  ) throws(TensorError) -> String {
    let w = try constant("\(prefix).weight", shape: weight.shape, values: weight.value)
    let b = try constant("\(prefix).bias", shape: [bias.count], values: bias)
    return append(
      "Conv", prefix, inputs: [input, w, b],
      attributes: [
        "kernel_shape": .ints([weight.shape[2], weight.shape[3]]), "group": .int(geometry.groups),
        "strides": .ints([geometry.strideY, geometry.strideX]),
        "pads": .ints([geometry.padY, geometry.padX, geometry.padY, geometry.padX]),
        "dilations": .ints([geometry.dilationY, geometry.dilationX]),
      ])
  }

  public mutating func activation(_ input: String, _ activation: Activation) throws(TensorError) -> String {
    switch activation {
    case .identity:
      return input
    case .relu:
      return append("Relu", "relu", inputs: [input])
    case .relu6:
      let low = try constant("clip.min", shape: [], values: [0])
      let high = try constant("clip.max", shape: [], values: [6])
      return append("Clip", "relu6", inputs: [input, low, high])
    case .leakyRelu(let slope):
      return append("LeakyRelu", "leaky_relu", inputs: [input], attributes: ["alpha": .float(slope)])
    }
  }

  /// Resize mode nearest by exactly 2 (asymmetric coordinates, floor): output (y, x) reads (y/2, x/2).
  public mutating func upsampleNearest2x(_ input: String) throws(TensorError) -> String {
    let scales = try constant("upsample.scales", shape: [4], values: [1, 1, 2, 2])
    return append(
      "Resize", "upsample", inputs: [input, "", scales],
      attributes: [
        "mode": .string("nearest"), "coordinate_transformation_mode": .string("asymmetric"),
        "nearest_mode": .string("floor"),
      ])
  }

  public mutating func concatenateChannels(_ inputs: [String]) -> String {
    append("Concat", "concat", inputs: inputs, attributes: ["axis": .int(1)])
  }

  public mutating func maxPool(_ input: String, kernel: Int, _ geometry: ConvolutionGeometry) -> String {
    append(
      "MaxPool", "max_pool", inputs: [input],
      attributes: [
        "kernel_shape": .ints([kernel, kernel]), "strides": .ints([geometry.strideY, geometry.strideX]),
        "pads": .ints([geometry.padY, geometry.padX, geometry.padY, geometry.padX]),
        "dilations": .ints([geometry.dilationY, geometry.dilationX]),
      ])
  }

  public mutating func globalAveragePool(_ input: String) -> String {
    append("GlobalAveragePool", "global_average_pool", inputs: [input])
  }

  /// The graph with one float32 input and the given outputs.
  public func graph(input: TensorInfo, outputs: [String], metadata: [String: String] = [:]) -> Graph {
    Graph(inputs: [input], outputs: outputs, nodes: nodes, constants: constants, metadata: metadata)
  }
}

extension GraphExporter {
  /// Appends a node whose output has exactly `name` (a graph output's agreed name).
  public mutating func appendNamed(
    _ op: String, _ name: String, inputs: [String], attributes: [String: Attribute] = [:]
  ) {
    appendNode(Node(name: name, op: op, inputs: inputs, outputs: [name], attributes: attributes))
  }
}
