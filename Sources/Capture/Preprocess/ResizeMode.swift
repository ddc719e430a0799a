/// How a frame's aspect ratio is fitted to the model input's.
public enum ResizeMode: Sendable, Hashable {
  /// Scale each axis independently to fill the input; the picture is distorted when the aspect
  /// ratios differ.
  case stretch
  /// Scale uniformly so the whole frame fits, centered, and fill the remaining bars with `padding`
  /// (given as a pixel value; it goes through the same normalization as the picture).
  case letterbox(padding: RGBColor)
  /// Scale uniformly so the input is covered, sampling only the centered part of the frame that
  /// has the input's aspect ratio.
  case centerCrop
}
