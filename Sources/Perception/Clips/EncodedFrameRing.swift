import Capture

/// The most recent encoded packets of a video stream, bounded in bytes and in duration, that
/// always begins at a keyframe: a clip's pre-roll can be cut from it without decoding.
///
/// Old packets leave a whole GOP at a time (from one keyframe up to the next), so what is left
/// still decodes. The duration bound holds at GOP granularity: the oldest GOP goes while the
/// ring spans more than `maximumDurationNanoseconds` and a later keyframe exists, so a ring
/// meant to hold a pre-roll of P seconds should be sized P plus one GOP. The byte bound is hard:
/// if the newest GOP alone outgrows it, the ring empties and waits for the next keyframe.
public struct EncodedFrameRing: Sendable {
  public let maximumBytes: Int
  public let maximumDurationNanoseconds: Int64
  /// Bytes of packet payload held.
  public private(set) var byteCount = 0
  /// Packets refused because the ring was waiting for a keyframe (at the start, after a reset,
  /// or after the byte bound emptied it).
  public private(set) var droppedWaitingForKeyframe = 0
  /// Times the stream's decode time did not move forward, which empties the ring.
  public private(set) var discontinuities = 0
  /// Packets evicted (whole GOPs to keep the bounds, or everything at a discontinuity).
  public private(set) var evicted = 0
  private var storage: [EncodedPacket] = []
  /// Index in `storage` of the oldest packet held; storage is compacted when this passes half.
  private var head = 0

  public init(maximumBytes: Int, maximumDurationNanoseconds: Int64) {
    precondition(maximumBytes > 0 && maximumDurationNanoseconds > 0, "ring bounds must be positive")
    self.maximumBytes = maximumBytes
    self.maximumDurationNanoseconds = maximumDurationNanoseconds
  }

  /// The packets held, oldest first; the first is a keyframe.
  public var packets: ArraySlice<EncodedPacket> { storage[head...] }
  public var count: Int { storage.count - head }
  public var isEmpty: Bool { count == 0 }

  /// Time from the first packet's decode to the end of the last one.
  public var durationNanoseconds: Int64 {
    guard let first = storage[head...].first, let last = storage.last else { return 0 }
    return last.decodeNanoseconds + last.durationNanoseconds - first.decodeNanoseconds
  }

  /// Adds the newest packet and evicts old GOPs to keep the bounds. A packet that is not a
  /// keyframe is refused while the ring is empty.
  public mutating func append(_ packet: EncodedPacket) {
    if let last = storage.last, !isEmpty, packet.decodeNanoseconds <= last.decodeNanoseconds {
      // Time went back (a reconnected stream, a restarted camera): what is held cannot precede
      // this packet in a clip, so start again from the next keyframe.
      discontinuities += 1
      evicted += count
      removeAll()
    }
    if isEmpty && !packet.isKeyframe {
      droppedWaitingForKeyframe += 1
      return
    }
    storage.append(packet)
    byteCount += packet.bytes.count
    while byteCount > maximumBytes || durationNanoseconds > maximumDurationNanoseconds {
      guard let next = nextKeyframe(after: head) else {
        if byteCount > maximumBytes {
          evicted += count
          removeAll()
        }
        break
      }
      dropFront(upTo: next)
    }
    if head > 64 && head * 2 > storage.count {
      storage.removeFirst(head)
      head = 0
    }
  }

  /// The packets from the newest keyframe whose presentation time is at or before `time` to the
  /// end (all of them if every keyframe is later): where a clip that should show `time` starts.
  public func packets(startingAtOrBefore time: Int64) -> ArraySlice<EncodedPacket> {
    var start = head
    var index = head
    while index < storage.count {
      if storage[index].isKeyframe {
        if storage[index].presentationNanoseconds > time { break }
        start = index
      }
      index += 1
    }
    return storage[start...]
  }

  /// Empties the ring (after a stream discontinuity); it then waits for a keyframe.
  public mutating func removeAll() {
    storage.removeAll(keepingCapacity: true)
    head = 0
    byteCount = 0
  }

  private func nextKeyframe(after index: Int) -> Int? {
    var next = index + 1
    while next < storage.count {
      if storage[next].isKeyframe { return next }
      next += 1
    }
    return nil
  }

  private mutating func dropFront(upTo end: Int) {
    for index in head..<end {
      byteCount -= storage[index].bytes.count
      // Release the payload now rather than at the next compaction.
      storage[index].bytes = []
    }
    evicted += end - head
    head = end
  }
}
