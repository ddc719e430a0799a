/// A non-owning view of a tensor's memory, bound once when a model is prepared: kernels read
/// and write through views into the activation arena, the weights, or caller buffers.
public struct TensorView: @unchecked Sendable {
  public var data: UnsafeMutableRawPointer
  public var info: TensorInfo

  public init(data: UnsafeMutableRawPointer, info: TensorInfo) {
    self.data = data
    self.info = info
  }

  public var shape: [Int] { info.shape }
  public var elementCount: Int { info.elementCount }

  @inlinable public func floats() -> UnsafeMutablePointer<Float> { data.assumingMemoryBound(to: Float.self) }
  @inlinable public func int8s() -> UnsafeMutablePointer<Int8> { data.assumingMemoryBound(to: Int8.self) }
  @inlinable public func uint8s() -> UnsafeMutablePointer<UInt8> { data.assumingMemoryBound(to: UInt8.self) }
  @inlinable public func int32s() -> UnsafeMutablePointer<Int32> { data.assumingMemoryBound(to: Int32.self) }
}
