import Capture
import Engine

/// A detector ready to run on frames: the compiled model, what its outputs mean
/// (`DetectorLayout`, from the graph's metadata) and the preprocessing that matches its input.
///
/// `infer(_:)` preprocesses a frame straight into the model's input memory, runs the model and
/// returns its outputs as float32 tensors (views of the model's memory, or dequantized copies
/// for int8 outputs), valid until the next call. Nothing is allocated per frame.
public final class DetectorModel {
  /// What the user named: a bundle folder or a .onnx file.
  public let path: String
  public let layout: DetectorLayout
  public let preprocessor: Preprocessor
  /// The bundle's identifier (SHA-256 of its contents), which events carry.
  public let identifier: String
  public let model: CompiledModel
  private let input: Tensor
  /// Set when the input tensor is not the model's own memory (NHWC inputs) and must be copied in.
  private let inputNeedsCopy: Bool
  private let outputs: [Tensor]
  /// Per output: the model's int8/uint8 view to dequantize into `outputs[i]`, nil for float32.
  private let quantizedOutputs: [(view: TensorView, scale: Float, zeroPoint: Int32)?]

  /// The metadata keys a detector must carry; `detector.strides` is needed for `hiyari-fcos`
  /// only, `detector.input` is optional (the graph's input shape is used without it).
  public static let requiredKeys = ["detector.format", "detector.classes"]

  /// Loads and compiles the model at `path` with `threads` kernel threads.
  public init(path: String, threads: Int = 1, inputShapes: [String: [Int]] = [:]) throws(PerceptionError) {
    let loaded: (graph: Graph, bundleIdentifier: String?)
    do {
      loaded = try loadModel(path: path, inputShapes: inputShapes)
    } catch {
      throw PerceptionError("model \(error.description)")
    }
    let graph = loaded.graph
    guard graph.inputs.count == 1, let inputInfo = graph.inputs.first else {
      throw PerceptionError(
        "model \(path): a detector takes one image input, not \(graph.inputs.count) inputs")
    }
    let compiled: CompiledModel
    do {
      compiled = try CompiledModel(graph: graph, threadCount: threads)
    } catch {
      throw PerceptionError("model \(path): \(error.description)")
    }
    let outputInfos = compiled.graph.outputs.map { compiled.tensorInfos[$0]! }
    let spec = try Self.preprocessSpec(for: inputInfo, path: path)
    try Self.checkMetadata(graph.metadata, outputShapes: outputInfos.map(\.shape), path: path)
    let layout: DetectorLayout
    do {
      layout = try DetectorLayout(
        metadata: graph.metadata, outputShapes: outputInfos.map(\.shape), inputWidth: spec.width,
        inputHeight: spec.height)
    } catch {
      throw PerceptionError("model \(path): \(error.reason)")
    }
    guard layout.inputWidth == spec.width, layout.inputHeight == spec.height else {
      throw PerceptionError(
        "model \(path): detector.input says \(layout.inputWidth)x\(layout.inputHeight) but the graph's input "
          + "\(inputInfo.name) is \(inputInfo.shape)")
    }
    do {
      preprocessor = try Preprocessor(spec: spec)
    } catch {
      throw PerceptionError("model \(path): preprocessing: \(error)")
    }
    let inputView = compiled.input(inputInfo.name)!
    if spec.layout == .nchw {
      input = Tensor(
        shape: inputInfo.shape, elementType: inputInfo.elementType, quantization: inputInfo.quantization,
        borrowing: inputView.data, owner: compiled)
      inputNeedsCopy = false
    } else {
      do {
        input = try preprocessor.makeOutputTensor()
      } catch {
        throw PerceptionError("model \(path): \(error)")
      }
      inputNeedsCopy = true
    }
    var outputs: [Tensor] = []
    var quantized: [(view: TensorView, scale: Float, zeroPoint: Int32)?] = []
    for info in outputInfos {
      let view = compiled.output(info.name)!
      switch info.elementType {
      case .float32:
        outputs.append(
          Tensor(shape: info.shape, elementType: .float32, borrowing: view.data, owner: compiled))
        quantized.append(nil)
      case .int8, .uint8:
        guard let quantization = info.quantization, quantization.scales.count == 1 else {
          throw PerceptionError(
            "model \(path): output \(info.name) is quantized per channel; a detector's outputs must be float32 "
              + "or per-tensor int8/uint8")
        }
        do {
          outputs.append(try Tensor(shape: info.shape, elementType: .float32))
        } catch {
          throw PerceptionError("model \(path): output \(info.name): \(error)")
        }
        quantized.append((view, quantization.scales[0], quantization.zeroPoints[0]))
      default:
        throw PerceptionError(
          "model \(path): output \(info.name) is \(info.elementType.rawValue); a detector's outputs are float32 or int8"
        )
      }
    }
    self.path = path
    self.layout = layout
    self.model = compiled
    self.outputs = outputs
    self.quantizedOutputs = quantized
    if let bundleIdentifier = loaded.bundleIdentifier {
      identifier = bundleIdentifier
    } else {
      do {
        identifier = try ModelBundle.identifier(of: graph)
      } catch {
        throw PerceptionError("model \(path): \(error.description)")
      }
    }
  }

  /// The geometry of the last frame preprocessed (to map boxes back to the frame).
  public var geometry: PreprocessGeometry? { preprocessor.geometry }

  /// Preprocesses `frame` into the model's input.
  public func preprocess(_ frame: Frame) throws(PerceptionError) {
    do {
      try preprocessor.process(frame, into: input)
    } catch {
      throw PerceptionError("\(frame.width)x\(frame.height) \(frame.format.rawValue) frame: \(error)")
    }
    if inputNeedsCopy {
      do {
        try model.setInputs([model.graph.inputs[0].name: input])
      } catch {
        throw PerceptionError("model \(path): \(error.description)")
      }
    }
  }

  /// Runs the model on the input `preprocess` wrote; returns its outputs as float32, in the
  /// graph's output order, valid until the next run.
  public func run() -> [Tensor] {
    model.run()
    for (output, quantized) in zip(outputs, quantizedOutputs) {
      guard let quantized else { continue }
      let count = output.elementCount
      output.withMutableElements(as: Float.self) { values in
        if quantized.view.info.elementType == .int8 {
          let source = quantized.view.int8s()
          for i in 0..<count { values[i] = quantized.scale * Float(Int32(source[i]) - quantized.zeroPoint) }
        } else {
          let source = quantized.view.uint8s()
          for i in 0..<count { values[i] = quantized.scale * Float(Int32(source[i]) - quantized.zeroPoint) }
        }
      }
    }
    return outputs
  }

  /// The preprocessing a detector input asks for: its size and layout from the input's shape,
  /// float32 pixels in 0...1 (or that range quantized, for int8/uint8 inputs), letterboxed as
  /// YOLO-style detectors are trained.
  static func preprocessSpec(for input: TensorInfo, path: String) throws(PerceptionError) -> PreprocessSpec {
    let shape = input.shape
    let layout: TensorLayout
    let width: Int
    let height: Int
    if shape.count == 4, shape[0] == 1, shape[1] == 3 {
      (layout, height, width) = (.nchw, shape[2], shape[3])
    } else if shape.count == 4, shape[0] == 1, shape[3] == 3 {
      (layout, height, width) = (.nhwc, shape[1], shape[2])
    } else {
      throw PerceptionError(
        "model \(path): input \(input.name) has shape \(shape); a detector takes one RGB image, [1, 3, H, W] or [1, H, W, 3]"
      )
    }
    let encoding: OutputEncoding
    switch input.elementType {
    case .float32: encoding = .float32(.unitRange)
    case .int8, .uint8:
      guard let quantization = input.quantization else {
        throw PerceptionError(
          "model \(path): input \(input.name) is \(input.elementType.rawValue) without quantization")
      }
      encoding = .quantized(input.elementType, quantization, .unitRange)
    default:
      throw PerceptionError(
        "model \(path): input \(input.name) is \(input.elementType.rawValue); expected float32, int8 or uint8"
      )
    }
    return PreprocessSpec(width: width, height: height, layout: layout, encoding: encoding)
  }

  /// Refuses a model that does not say it is a detector: every missing key is named. An
  /// Ultralytics YOLO export (one 3-D output and its own `names` entry) needs no `detector.*` keys.
  static func checkMetadata(_ metadata: [String: String], outputShapes: [[Int]], path: String)
    throws(PerceptionError)
  {
    let isUltralyticsExport =
      metadata["names"] != nil && outputShapes.count == 1 && outputShapes[0].count == 3
      && metadata["detector.format"] == nil
    if isUltralyticsExport { return }
    var missing = requiredKeys.filter { metadata[$0] == nil }
    if metadata["detector.format"] == DetectorFormat.hiyariFCOS.rawValue, metadata["detector.strides"] == nil
    {
      missing.append("detector.strides")
    }
    guard missing.isEmpty else {
      throw PerceptionError(
        "model \(path) has no detector metadata: missing \(missing.joined(separator: ", ")) "
          + "(a detector's graph metadata names its output format, classes and strides)")
    }
  }
}
