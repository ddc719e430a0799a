/// Order of the color channels along a model input's channel axis.
public enum ChannelOrder: String, Sendable, Hashable, CaseIterable {
  case rgb
  /// Blue first, as Caffe- and OpenCV-trained models expect.
  case bgr
}
