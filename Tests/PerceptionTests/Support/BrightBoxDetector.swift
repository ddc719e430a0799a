import Engine

/// A tiny model with a real YOLOv8 output layout (`[1, 4 + 1, 1]`: cx, cy, w, h, score in
/// model pixels) whose one detection is the bright rectangle in its input: pixels brighter than
/// half-scale form a mask, its column and row maxima give the rectangle's extent, their sums
/// its width and height, their position-weighted sums its centre. The score is 0.9 for a box at
/// least 4 pixels wide and 0 without one. A stand-in for a trained detector that makes a
/// rectangle drawn in a video a detection, through the same runtime a real detector uses.
enum BrightBoxDetector {
  static let width = 320
  static let height = 192
  static let className = "vehicle-small"

  static func graph(metadata: [String: String]? = nil) throws -> Graph {
    let w = width
    let h = height
    var constants: [String: Tensor] = [:]
    func constant(_ name: String, _ shape: [Int], _ values: [Float]) throws {
      let tensor = try Tensor(shape: shape, elementType: .float32)
      tensor.withMutableElements(as: Float.self) { for (i, v) in values.enumerated() { $0[i] = v } }
      constants[name] = tensor
    }
    // mask = clip(4 * (mean(r, g, b) - 0.5), 0, 1): 1 on a white box, 0 on a dark road or gray bars.
    try constant("gray_w", [1, 3, 1, 1], [4.0 / 3, 4.0 / 3, 4.0 / 3])
    try constant("gray_b", [1], [-2])
    try constant("ones_x", [w, 1], [Float](repeating: 1, count: w))
    try constant("pos_x", [w, 1], (0..<w).map { Float($0) + 0.5 })
    try constant("ones_y", [h, 1], [Float](repeating: 1, count: h))
    try constant("pos_y", [h, 1], (0..<h).map { Float($0) + 0.5 })
    try constant("quarter", [1], [0.25])
    func node(_ op: String, _ inputs: [String], _ output: String, _ attributes: [String: Attribute] = [:])
      -> Node
    {
      Node(name: output, op: op, inputs: inputs, outputs: [output], attributes: attributes)
    }
    let nodes = [
      node("Conv", ["images", "gray_w", "gray_b"], "gray", ["kernel_shape": .ints([1, 1])]),
      node("Clip", ["gray"], "mask", ["min": .float(0), "max": .float(1)]),
      node("MaxPool", ["mask"], "columns", ["kernel_shape": .ints([h, 1])]),
      node("MaxPool", ["mask"], "rows", ["kernel_shape": .ints([1, w])]),
      node("Flatten", ["columns"], "columns_flat", ["axis": .int(1)]),
      node("Flatten", ["rows"], "rows_flat", ["axis": .int(1)]),
      node("MatMul", ["columns_flat", "ones_x"], "box_w"),
      node("MatMul", ["columns_flat", "pos_x"], "sum_x"),
      node("MatMul", ["rows_flat", "ones_y"], "box_h"),
      node("MatMul", ["rows_flat", "pos_y"], "sum_y"),
      node("Div", ["sum_x", "box_w"], "center_x"),
      node("Div", ["sum_y", "box_h"], "center_y"),
      node("Mul", ["box_w", "quarter"], "width_score"),
      node("Clip", ["width_score"], "score", ["min": .float(0), "max": .float(0.9)]),
      node("Concat", ["center_x", "center_y", "box_w", "box_h", "score"], "rows_5", ["axis": .int(1)]),
      node("Unsqueeze", ["rows_5"], "output", ["axes": .ints([2])]),
    ]
    return Graph(
      inputs: [TensorInfo(name: "images", elementType: .float32, shape: [1, 3, h, w])], outputs: ["output"],
      nodes: nodes, constants: constants,
      metadata: metadata ?? [
        "detector.format": "yolov8", "detector.classes": className, "detector.input": "\(w)x\(h)",
      ])
  }

  /// Writes the model as a bundle folder inside `folder`; returns its path.
  static func writeBundle(in folder: String, name: String = "bright-box", metadata: [String: String]? = nil)
    throws -> String
  {
    let path = "\(folder)/\(name)"
    _ = try ModelBundle.write(graph(metadata: metadata), to: path)
    return path
  }
}
