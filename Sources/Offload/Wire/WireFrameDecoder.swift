import Engine
import NIOCore

/// Splits a byte stream into offload messages (see `WireCodec`). A frame's length is checked
/// before any of its body is buffered; a body that fails to decode is passed on as `.invalid`
/// and the next frame is read (the framing is intact); an oversized frame or one cut off by the
/// end of the stream is `.invalid(fatal: true)`, and everything after it is discarded.
public struct WireFrameDecoder: ByteToMessageDecoder {
  public typealias InboundOut = WireInbound

  public let limits: WireLimits
  private var failed = false

  public init(limits: WireLimits = WireLimits()) { self.limits = limits }

  public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws
    -> DecodingState
  {
    if failed {
      buffer.moveReaderIndex(to: buffer.writerIndex)
      return .needMoreData
    }
    guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .little, as: UInt32.self) else {
      return .needMoreData
    }
    let total: Int
    do {
      total = try WireCodec.frameBytes(length: length, limits: limits)
    } catch {
      fail(error, context: context, buffer: &buffer)
      return .needMoreData
    }
    guard buffer.readableBytes >= total, let frame = buffer.readBytes(length: total) else {
      return .needMoreData
    }
    let receivedAt = MonotonicClock.nanoseconds()
    let inbound: WireInbound
    do {
      inbound = .message(
        try WireCodec.decode(frame: frame, limits: limits), wireBytes: total, receivedAt: receivedAt)
    } catch {
      inbound = .invalid(error, fatal: false)
    }
    context.fireChannelRead(wrapInboundOut(inbound))
    return .continue
  }

  public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool)
    throws -> DecodingState
  {
    while try decode(context: context, buffer: &buffer) == .continue {}
    if !failed && buffer.readableBytes > 0 {
      let error = WireError(
        .malformed, "the stream ended inside a message (\(buffer.readableBytes) bytes of an incomplete frame)"
      )
      fail(error, context: context, buffer: &buffer)
    }
    return .needMoreData
  }

  private mutating func fail(_ error: WireError, context: ChannelHandlerContext, buffer: inout ByteBuffer) {
    failed = true
    buffer.moveReaderIndex(to: buffer.writerIndex)
    context.fireChannelRead(wrapInboundOut(.invalid(error, fatal: true)))
  }
}
