import Capture
import Synchronization

/// Hands compressed packets from a source's packet tap (on the source's reading thread for live
/// streams) to the loop that records clips. Bounded: when the loop falls `maximumPackets`
/// behind, the queue is emptied and packets are dropped up to the next keyframe, so what
/// reaches the clip recorder always decodes.
public final class PacketQueue: Sendable {
  public let maximumPackets: Int
  private let state = Mutex(State())

  private struct State {
    var packets: [EncodedPacket] = []
    var waitingForKeyframe = false
    var dropped = 0
  }

  public init(maximumPackets: Int = 4096) {
    self.maximumPackets = max(1, maximumPackets)
  }

  /// Adds a packet (any thread).
  public func push(_ packet: EncodedPacket) {
    state.withLock { state in
      if state.waitingForKeyframe {
        guard packet.isKeyframe else {
          state.dropped += 1
          return
        }
        state.waitingForKeyframe = false
      }
      if state.packets.count >= maximumPackets {
        state.dropped += state.packets.count
        state.packets.removeAll(keepingCapacity: true)
        guard packet.isKeyframe else {
          state.waitingForKeyframe = true
          state.dropped += 1
          return
        }
      }
      state.packets.append(packet)
    }
  }

  /// Takes every queued packet, oldest first.
  public func drain() -> [EncodedPacket] {
    state.withLock { state in
      let packets = state.packets
      state.packets.removeAll(keepingCapacity: true)
      return packets
    }
  }

  /// Packets dropped because the loop fell behind.
  public var droppedCount: Int { state.withLock { $0.dropped } }
}
