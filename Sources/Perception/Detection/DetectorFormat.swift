/// The layout of a detector's raw outputs.
public enum DetectorFormat: String, Sendable, Hashable, Codable {
  /// Hiyari's own anchor-free head: one NCHW float output `[1, C + 4, H/s, W/s]` per stride, in
  /// stride order; channels `0..<C` are class logits (score = sigmoid), channels `C..<C+4` are
  /// the distances left, top, right, bottom from the cell centre to the box sides, in strides.
  case hiyariFCOS = "hiyari-fcos"
  /// Ultralytics YOLOv8/YOLO11 ONNX exports: one output `[1, 4 + C, N]`, rows cx, cy, w, h in
  /// input pixels, then C class scores already passed through a sigmoid (no objectness).
  case yolov8
}
