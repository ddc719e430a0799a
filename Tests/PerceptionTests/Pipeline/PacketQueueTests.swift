import Capture
import Testing

@testable import Perception

@Suite struct PacketQueueTests {
  static func packet(_ index: Int, keyframe: Bool) -> EncodedPacket {
    EncodedPacket(
      bytes: [UInt8(index & 0xff)], presentationNanoseconds: Int64(index), decodeNanoseconds: Int64(index),
      durationNanoseconds: 1, isKeyframe: keyframe)
  }

  @Test func drainsInOrder() {
    let queue = PacketQueue(maximumPackets: 8)
    for index in 0..<5 { queue.push(Self.packet(index, keyframe: index == 0)) }
    #expect(queue.drain().map(\.decodeNanoseconds) == [0, 1, 2, 3, 4])
    #expect(queue.drain().isEmpty && queue.droppedCount == 0)
  }

  @Test func aFullQueueDropsUpToTheNextKeyframe() {
    let queue = PacketQueue(maximumPackets: 4)
    // Keyframes every 3 packets; the consumer never drains.
    for index in 0..<10 { queue.push(Self.packet(index, keyframe: index % 3 == 0)) }
    let kept = queue.drain()
    #expect(kept.first?.isKeyframe == true)
    #expect(kept.map(\.decodeNanoseconds) == [6, 7, 8, 9])
    #expect(queue.droppedCount == 6)
  }
}
