import Capture
import Testing

@testable import Perception

/// The ring's bounds and its GOP-aligned eviction, on packets made here (the ring is logic only;
/// the recorder tests feed it real H.264).
@Suite("Encoded frame ring")
struct EncodedFrameRingTests {
  static let frame: Int64 = 40_000_000

  /// Packet `index` of a stream with a keyframe every `gop` packets, `size` bytes each.
  static func packet(_ index: Int, gop: Int = 5, size: Int = 100) -> EncodedPacket {
    EncodedPacket(
      bytes: [UInt8](repeating: UInt8(index % 256), count: size),
      presentationNanoseconds: Int64(index) * frame, decodeNanoseconds: Int64(index) * frame,
      durationNanoseconds: frame, isKeyframe: index % gop == 0)
  }

  @Test func waitsForAKeyframeAndEvictsWholeGOPsByDuration() {
    // 12 frames (480 ms) at most: with GOPs of 5, the ring holds 2 or 3 GOPs' worth.
    var ring = EncodedFrameRing(maximumBytes: 1 << 20, maximumDurationNanoseconds: 12 * Self.frame)
    for index in 3..<40 {
      ring.append(Self.packet(index))
      #expect(ring.packets.first?.isKeyframe ?? (index < 5))
      #expect(ring.durationNanoseconds <= 12 * Self.frame)
      #expect(ring.byteCount == ring.count * 100)
    }
    #expect(ring.droppedWaitingForKeyframe == 2)
    // After packet 39: frames 30...39 are two whole GOPs (400 ms); adding GOP 25 would pass 480 ms.
    #expect(ring.packets.map(\.presentationNanoseconds) == (30..<40).map { Int64($0) * Self.frame })
    #expect(ring.evicted == 40 - 5 - 10)
  }

  @Test func byteBoundEvictsGOPsAndEmptiesWhenOneGOPOutgrowsIt() {
    var ring = EncodedFrameRing(maximumBytes: 1_000, maximumDurationNanoseconds: 1_000 * Self.frame)
    for index in 0..<12 { ring.append(Self.packet(index)) }
    // 1,200 bytes would be over: GOP 0 went, GOP 5 (500 bytes) and packets 10, 11 stay.
    #expect(ring.byteCount == 700)
    #expect(ring.packets.first?.presentationNanoseconds == 5 * Self.frame)
    // A GOP of 20 packets cannot fit: the ring empties, then refuses packets until a keyframe.
    var long = EncodedFrameRing(maximumBytes: 1_000, maximumDurationNanoseconds: 1_000 * Self.frame)
    for index in 0..<25 { long.append(Self.packet(index, gop: 20)) }
    #expect(long.byteCount <= 1_000)
    #expect(long.packets.first?.isKeyframe == true)
    #expect(long.packets.first?.presentationNanoseconds == 20 * Self.frame)
    #expect(long.droppedWaitingForKeyframe == 9)
  }

  @Test func startsAClipAtTheNewestKeyframeAtOrBeforeATime() {
    var ring = EncodedFrameRing(maximumBytes: 1 << 20, maximumDurationNanoseconds: 1_000 * Self.frame)
    for index in 0..<23 { ring.append(Self.packet(index)) }
    #expect(
      ring.packets(startingAtOrBefore: 12 * Self.frame).first?.presentationNanoseconds == 10 * Self.frame)
    #expect(
      ring.packets(startingAtOrBefore: 15 * Self.frame).first?.presentationNanoseconds == 15 * Self.frame)
    #expect(ring.packets(startingAtOrBefore: -Self.frame).count == 23)
    ring.removeAll()
    #expect(ring.isEmpty && ring.byteCount == 0)
  }

  /// Long runs stay bounded in memory: storage is compacted as the head moves.
  @Test func staysBoundedOverALongStream() {
    var ring = EncodedFrameRing(maximumBytes: 10_000, maximumDurationNanoseconds: 30 * Self.frame)
    for index in 0..<5_000 { ring.append(Self.packet(index, gop: 10)) }
    #expect(ring.count <= 30)
    #expect(ring.packets.first?.presentationNanoseconds ?? 0 >= 4_970 * Self.frame)
  }

  /// Time going back (a reconnected stream) empties the ring; it restarts at the next keyframe.
  @Test func restartsAfterTimeGoesBack() {
    var ring = EncodedFrameRing(maximumBytes: 1 << 20, maximumDurationNanoseconds: 1_000 * Self.frame)
    for index in 0..<12 { ring.append(Self.packet(index)) }
    ring.append(Self.packet(3))
    #expect(ring.isEmpty)
    #expect(ring.discontinuities == 1)
    ring.append(Self.packet(5))
    #expect(ring.count == 1)
    #expect(ring.packets.first?.presentationNanoseconds == 5 * Self.frame)
  }
}
