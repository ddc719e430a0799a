#if canImport(Glibc)
  import Glibc
#endif

/// One direction of a relayed connection. Bytes read from the source wait in the bottleneck
/// queue, leave it in segments at the direction's rate (token bucket), and then travel for half
/// the RTT plus jitter before they are written to the destination. Both stages share one byte
/// buffer of at most `capacity` bytes: when it is full the relay stops reading the source, and
/// TCP's own flow control pushes back on the sender.
///
/// Jitter varies each segment's delay but never reorders: a segment is delivered no earlier than
/// the one before it (TCP is a stream, and a real path's reordering would be undone by the
/// receiver's TCP anyway, showing up only as delay).
struct LinkDirection {
  /// The size of a released segment: one Ethernet MSS, so pacing is as fine as a real link's.
  static let segmentBytes = 1460

  struct Segment {
    /// The stream offset just past the segment's last byte.
    var end: Int
    var deliverAt: Double
  }

  let nominalBitsPerSecond: Double
  let trace: ThroughputTrace?
  /// Monotonic time the trace counts from (moved by `LinkRelay.restartTraces()`).
  var traceOrigin: Double
  /// False while the relay holds its traces (the profile's rate applies until they start).
  var traceRunning = true
  let oneWaySeconds: Double
  let capacity: Int
  var jitter: JitterSource
  var bucket: TokenBucket

  /// Bytes not yet written; `buffer[0]` is at stream offset `base`.
  var buffer: [UInt8] = []
  var base = 0
  /// Stream offsets: everything before `written` has reached the destination, before `released`
  /// has left the bottleneck; `end` is everything read.
  var written = 0
  var released = 0
  var end: Int { base + buffer.count }
  var segments: [Segment] = []
  var segmentHead = 0
  var lastDeliverAt = 0.0
  /// The source sent FIN.
  var sourceClosed = false
  /// FIN passed on to the destination.
  var shutdownSent = false

  init(
    bitsPerSecond: Double, trace: ThroughputTrace?, traceOrigin: Double, oneWaySeconds: Double,
    jitterSeconds: Double, seed: UInt64, capacity: Int, now: Double
  ) {
    nominalBitsPerSecond = bitsPerSecond
    self.trace = trace
    self.traceOrigin = traceOrigin
    self.oneWaySeconds = oneWaySeconds
    self.capacity = capacity
    jitter = JitterSource(seed: seed, amplitude: jitterSeconds)
    bucket = TokenBucket(
      bytesPerSecond: (trace?.steps.map(\.bitsPerSecond).max() ?? bitsPerSecond) / 8,
      segmentBytes: Self.segmentBytes, now: now)
  }

  var buffered: Int { end - written }
  var wantsRead: Bool { !sourceClosed && buffered < capacity }
  /// Everything the source sent has been written: time to pass its FIN on.
  var drained: Bool { sourceClosed && written == end }

  func bytesPerSecond(at now: Double) -> Double {
    guard traceRunning, let trace else { return nominalBitsPerSecond / 8 }
    return (trace.bitsPerSecond(at: now - traceOrigin) ?? nominalBitsPerSecond) / 8
  }

  /// Reads what the source has, up to the free capacity. Returns false on EOF or error.
  /// `scratch` is the loop's read buffer, shared by all directions: the bytes are appended from
  /// it in one copy (growing the buffer element by element is slow, and in a debug build slow
  /// enough to add tens of milliseconds per read).
  mutating func read(from fd: Int32, scratch: UnsafeMutableRawBufferPointer) -> ReadOutcome {
    let room = min(capacity - buffered, scratch.count)
    guard room > 0 else { return .wouldBlock }
    let count = recv(fd, scratch.baseAddress, room, 0)
    if count > 0 {
      buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
      return .data(count)
    }
    if count == 0 {
      sourceClosed = true
      return .closed
    }
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? .wouldBlock : .failed(errno)
  }

  /// Moves queued bytes through the bottleneck as the token bucket allows, unless the link is
  /// stalled, stamping each segment with its delivery time.
  mutating func release(now: Double, stalledUntil: Double) {
    let rate = bytesPerSecond(at: now)
    bucket.refill(now: now, bytesPerSecond: rate)
    // A stall, or a trace step at rate 0 (an outage), lets nothing through, not even a burst.
    guard now >= stalledUntil, rate > 0 else { return }
    while released < end && bucket.tokens > 0 {
      let count = min(end - released, Self.segmentBytes)
      bucket.tokens -= Double(count)
      released += count
      let delay = max(0, oneWaySeconds + jitter.next())
      lastDeliverAt = max(lastDeliverAt, now + delay)
      segments.append(Segment(end: released, deliverAt: lastDeliverAt))
    }
  }

  /// Writes every segment that is due. Returns whether the destination would block (wait for
  /// POLLOUT), or the errno of a failed write.
  mutating func deliver(now: Double, to fd: Int32) -> WriteOutcome {
    while segmentHead < segments.count && segments[segmentHead].deliverAt <= now {
      let segmentEnd = segments[segmentHead].end
      let start = written - base
      let count = buffer.withUnsafeBytes {
        send(fd, $0.baseAddress! + start, segmentEnd - written, Int32(MSG_NOSIGNAL))
      }
      if count < 0 {
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return .blocked }
        return .failed(errno)
      }
      written += count
      if written < segmentEnd { return .blocked }
      segmentHead += 1
    }
    compact()
    return .done
  }

  /// Drops written bytes and segments from the front once they are a good part of the buffer,
  /// so memory stays within the capacity without copying on every write.
  mutating func compact() {
    let dead = written - base
    if dead > 0 && (dead >= buffer.count / 2 || dead > 1 << 20) {
      buffer.removeFirst(dead)
      base = written
    }
    if segmentHead > 64 && segmentHead >= segments.count / 2 {
      segments.removeFirst(segmentHead)
      segmentHead = 0
    }
  }

  /// The next time this direction has something to do on its own (a segment due, tokens for the
  /// next release, a stall ending, a trace step), or nil if it only waits for the sockets.
  func nextWake(now: Double, stalledUntil: Double) -> Double? {
    var wake: Double?
    func earliest(_ time: Double?) {
      if let time { wake = min(wake ?? time, time) }
    }
    if segmentHead < segments.count { earliest(segments[segmentHead].deliverAt) }
    if released < end {
      if now < stalledUntil {
        earliest(stalledUntil)
      } else {
        earliest(bucket.positiveAt(bytesPerSecond: bytesPerSecond(at: now)))
      }
      if traceRunning, let trace, let step = trace.nextChange(after: now - traceOrigin) {
        earliest(traceOrigin + step)
      }
    }
    return wake
  }
}
