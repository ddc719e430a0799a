import Testing

@testable import LinkEmulation

#if canImport(Glibc)
  import Glibc
#endif

/// A direction's memory bound, on a socket pair: it stops reading at its capacity, however much
/// the peer has sent, so backpressure reaches the sender through TCP's flow control.
@Suite struct LinkDirectionTests {
  @Test func readingStopsAtTheCapacity() throws {
    var pair: [Int32] = [0, 0]
    try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
    defer {
      close(pair[0])
      close(pair[1])
    }
    try #require(fcntl(pair[1], F_SETFL, O_NONBLOCK) == 0)
    try #require(fcntl(pair[0], F_SETFL, O_NONBLOCK) == 0)
    // Fill the pair's kernel buffer.
    let chunk = [UInt8](repeating: 7, count: 4096)
    var sent = 0
    while chunk.withUnsafeBytes({ send(pair[0], $0.baseAddress, 4096, 0) }) > 0 { sent += 4096 }
    let capacity = 10_000
    try #require(sent > capacity)
    var direction = LinkDirection(
      bitsPerSecond: 1e6, trace: nil, traceOrigin: 0, oneWaySeconds: 0.01, jitterSeconds: 0, seed: 1,
      capacity: capacity, now: 0)
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
    defer { scratch.deallocate() }
    while direction.wantsRead, case .data = direction.read(from: pair[1], scratch: scratch) {}
    #expect(direction.buffered == capacity)
    #expect(!direction.wantsRead)
    #expect(direction.read(from: pair[1], scratch: scratch) == .wouldBlock)
  }
}
