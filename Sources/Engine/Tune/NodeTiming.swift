/// What one conv-like node costs on this machine in each precision: the tuner's unit is one node
/// of the float graph (a Conv, its fused activation included) together with the Q/DQ conversions
/// its choice implies at its boundaries.
///
/// A node run in int8 among float neighbours needs its input quantized and its output
/// dequantized, and a float node among int8 neighbours the reverse. The tuner starts from int8
/// everywhere, so conversions are charged to the choice that needs them when the neighbours run
/// int8: fp32 pays a DequantizeLinear of its input and a QuantizeLinear of its output; int8 pays
/// them only where the node reads a graph input (float) or writes a graph output (float). Where
/// neighbours also go float the estimate is pessimistic for fp32; the tuner measures the whole
/// mixed model at the end, and keeps a uniform precision if that is faster.
public struct NodeTiming: Sendable, Hashable, Codable {
  /// The node's name (the Conv in the float graph; its QLinearConv keeps the name).
  public var node: String
  /// The median time of the node's Conv in the all-fp32 graph.
  public var fp32Nanoseconds: Double
  /// The median time of the node's QLinearConv in the all-int8 graph.
  public var int8Nanoseconds: Double
  /// The estimated conversions that running this node in fp32 adds among int8 neighbours.
  public var fp32ConversionNanoseconds: Double
  /// The estimated conversions that running this node in int8 needs at graph inputs and outputs.
  public var int8ConversionNanoseconds: Double

  public init(
    node: String, fp32Nanoseconds: Double, int8Nanoseconds: Double, fp32ConversionNanoseconds: Double = 0,
    int8ConversionNanoseconds: Double = 0
  ) {
    self.node = node
    self.fp32Nanoseconds = fp32Nanoseconds
    self.int8Nanoseconds = int8Nanoseconds
    self.fp32ConversionNanoseconds = fp32ConversionNanoseconds
    self.int8ConversionNanoseconds = int8ConversionNanoseconds
  }

  /// The node in fp32 with the conversions that choice needs.
  public var fp32Cost: Double { fp32Nanoseconds + fp32ConversionNanoseconds }
  /// The node in int8 with the conversions that choice needs.
  public var int8Cost: Double { int8Nanoseconds + int8ConversionNanoseconds }
  /// What int8 saves over fp32 (negative where int8 is slower).
  public var int8Saving: Double { fp32Cost - int8Cost }
}
