/// The matrix that maps Y'CbCr to R'G'B'.
public enum YUVMatrix: String, Sendable, Hashable, CaseIterable {
  /// ITU-R BT.601 (standard-definition video, most USB cameras and JPEG).
  case bt601
  /// ITU-R BT.709 (HD video).
  case bt709

  /// Luma weights of red and blue (Kr, Kb); green's is 1 - Kr - Kb.
  var redAndBlueLumaWeights: (red: Double, blue: Double) {
    switch self {
    case .bt601: (0.299, 0.114)
    case .bt709: (0.2126, 0.0722)
    }
  }
}
