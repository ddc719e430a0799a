/// What a detector's outputs mean: their format, the class names, the strides of a multi-level
/// head and the model input size. Read from a model's graph metadata (`detector.format`,
/// `detector.classes`, `detector.strides`, `detector.input`), with Ultralytics' own `names`
/// entry understood for YOLO exports.
public struct DetectorLayout: Sendable, Hashable {
  public var format: DetectorFormat
  public var classes: [String]
  /// Strides of the output levels, in output order (`hiyari-fcos` only).
  public var strides: [Int]
  public var inputWidth: Int
  public var inputHeight: Int

  /// The classes Hiyari's own detector is trained for, in channel order.
  public static let hiyariClasses = ["vehicle-large", "vehicle-small", "two-wheeler", "pedestrian"]
  /// Bounds that keep hostile metadata from asking for absurd work.
  public static let maximumClasses = 1000
  public static let maximumLevels = 8

  public init(
    format: DetectorFormat, classes: [String], strides: [Int] = [], inputWidth: Int, inputHeight: Int
  ) {
    self.format = format
    self.classes = classes
    self.strides = strides
    self.inputWidth = inputWidth
    self.inputHeight = inputHeight
  }

  /// Reads the layout from `metadata`, checking it against the shapes of the model's outputs.
  ///
  /// Without `detector.format`, a single 3-D output means `yolov8`. Without `detector.input`, the
  /// input size must be given (`inputWidth`, `inputHeight`, e.g. from the graph's input shape).
  /// Without `detector.classes`, YOLO class names come from Ultralytics' `names` entry, else
  /// they are numbered (`class0`, ...).
  public init(
    metadata: [String: String], outputShapes: [[Int]], inputWidth: Int? = nil, inputHeight: Int? = nil
  ) throws(PerceptionError) {
    let format: DetectorFormat
    if let name = metadata["detector.format"] {
      guard let known = DetectorFormat(rawValue: name) else {
        throw PerceptionError("detector.format \"\(name)\" is neither hiyari-fcos nor yolov8")
      }
      format = known
    } else if outputShapes.count == 1, outputShapes[0].count == 3 {
      format = .yolov8
    } else {
      throw PerceptionError(
        "no detector.format in the model metadata and the outputs \(outputShapes) are not one 3-D tensor")
    }
    var width = inputWidth
    var height = inputHeight
    if let input = metadata["detector.input"] {
      let parts = input.split(separator: "x")
      guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]) else {
        throw PerceptionError("detector.input \"\(input)\" is not WIDTHxHEIGHT")
      }
      width = w
      height = h
    }
    guard let width, let height, (1...16384).contains(width), (1...16384).contains(height) else {
      throw PerceptionError("the detector's input size is unknown or out of range")
    }
    guard !outputShapes.isEmpty else { throw PerceptionError("the detector has no outputs") }
    let channels = outputShapes[0].count >= 2 ? outputShapes[0][1] : 0
    var classes: [String]
    if let list = metadata["detector.classes"] {
      classes = list.split(separator: ",").map { String($0).trimmingSpaces }
    } else if format == .yolov8, let names = metadata["names"], let parsed = Self.parseUltralyticsNames(names)
    {
      classes = parsed
    } else {
      let count = format == .yolov8 ? Self.yoloClassCount(outputShapes[0]) : channels - 4
      guard count > 0, count <= Self.maximumClasses else {
        throw PerceptionError("cannot tell the class count from output shape \(outputShapes[0])")
      }
      classes = (0..<count).map { "class\($0)" }
    }
    guard !classes.isEmpty, classes.count <= Self.maximumClasses else {
      throw PerceptionError("\(classes.count) classes; expected 1...\(Self.maximumClasses)")
    }
    var strides: [Int] = []
    if format == .hiyariFCOS {
      if let list = metadata["detector.strides"] {
        for part in list.split(separator: ",") {
          guard let stride = Int(String(part).trimmingSpaces), (1...1024).contains(stride) else {
            throw PerceptionError("detector.strides \"\(list)\" is not a list of positive integers")
          }
          strides.append(stride)
        }
      } else {
        // Infer each level's stride from its width.
        for shape in outputShapes where shape.count == 4 && shape[3] > 0 {
          strides.append(max(1, width / shape[3]))
        }
      }
    }
    self.init(format: format, classes: classes, strides: strides, inputWidth: width, inputHeight: height)
    try validate(outputShapes: outputShapes)
  }

  /// Checks that `outputShapes` are what this layout decodes.
  public func validate(outputShapes: [[Int]]) throws(PerceptionError) {
    let c = classes.count
    switch format {
    case .hiyariFCOS:
      guard !strides.isEmpty, strides.count <= Self.maximumLevels, outputShapes.count == strides.count else {
        throw PerceptionError(
          "hiyari-fcos: \(outputShapes.count) outputs for \(strides.count) strides (at most \(Self.maximumLevels))"
        )
      }
      for (shape, stride) in zip(outputShapes, strides) {
        let rows = (inputHeight + stride - 1) / stride
        let columns = (inputWidth + stride - 1) / stride
        guard shape == [1, c + 4, rows, columns] else {
          throw PerceptionError(
            "hiyari-fcos: output of stride \(stride) has shape \(shape); expected \([1, c + 4, rows, columns])"
          )
        }
      }
    case .yolov8:
      guard outputShapes.count == 1, outputShapes[0].count == 3, outputShapes[0][0] == 1,
        outputShapes[0][1] == c + 4 || outputShapes[0][2] == c + 4, outputShapes[0].allSatisfy({ $0 > 0 })
      else {
        throw PerceptionError(
          "yolov8: outputs \(outputShapes); expected one [1, \(c + 4), N] tensor for \(c) classes")
      }
    }
  }

  /// The class count of a `[1, 4 + C, N]` output (or its transpose `[1, N, 4 + C]`, told apart by
  /// the larger dimension being the anchors).
  static func yoloClassCount(_ shape: [Int]) -> Int {
    guard shape.count == 3 else { return 0 }
    return min(shape[1], shape[2]) - 4
  }

  /// Parses Ultralytics' `names` metadata, a Python dict literal such as
  /// `{0: 'person', 1: 'bicycle'}`; nil when it is not one with keys 0..<n.
  static func parseUltralyticsNames(_ text: String) -> [String]? {
    guard text.utf8.count <= 1 << 20 else { return nil }
    var body = text.trimmingSpaces
    guard body.hasPrefix("{"), body.hasSuffix("}") else { return nil }
    body = String(body.dropFirst().dropLast())
    var names: [Int: String] = [:]
    var rest = Substring(body)
    while !rest.isEmpty {
      guard let colon = rest.firstIndex(of: ":"), let key = Int(String(rest[..<colon]).trimmingSpaces) else {
        return nil
      }
      rest = rest[rest.index(after: colon)...].drop(while: { $0 == " " })
      guard let quote = rest.first, quote == "'" || quote == "\"" else { return nil }
      rest = rest.dropFirst()
      guard let end = rest.firstIndex(of: quote) else { return nil }
      names[key] = String(rest[..<end])
      rest = rest[rest.index(after: end)...].drop(while: { $0 == " " || $0 == "," })
      guard names.count <= maximumClasses else { return nil }
    }
    let ordered = (0..<names.count).compactMap { names[$0] }
    return ordered.count == names.count && !ordered.isEmpty ? ordered : nil
  }
}

extension String {
  /// The string without leading and trailing spaces (FoundationEssentials has no
  /// `trimmingCharacters`).
  var trimmingSpaces: String {
    String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
  }
}
