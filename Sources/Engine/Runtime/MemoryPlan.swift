/// Offsets of activation tensors in one arena, planned from their lifetimes.
///
/// Greedy by size (largest first), each tensor placed at the lowest offset that does not overlap
/// a tensor alive at the same time: close to the lower bound (the largest sum of sizes alive at
/// one step) for the chain-like graphs of vision models.
public struct MemoryPlan: Sendable, Equatable {
  /// A tensor to place: bytes, and the first and last step (node index) at which it is alive.
  public struct Request: Sendable, Equatable {
    public var bytes: Int
    public var firstStep: Int
    public var lastStep: Int
    public init(bytes: Int, firstStep: Int, lastStep: Int) {
      self.bytes = bytes
      self.firstStep = firstStep
      self.lastStep = lastStep
    }
  }

  public static let alignment = 64

  /// Byte offset of each request, in request order.
  public let offsets: [Int]
  /// Bytes of the arena.
  public let arenaBytes: Int
  /// The largest sum of (aligned) sizes alive at one step: no plan can be smaller.
  public let lowerBound: Int
  /// The sum of every request's size: what a runtime without reuse would allocate.
  public let totalBytes: Int

  public init(_ requests: [Request]) {
    func aligned(_ bytes: Int) -> Int {
      (bytes + MemoryPlan.alignment - 1) / MemoryPlan.alignment * MemoryPlan.alignment
    }
    let order = requests.indices.sorted {
      (aligned(requests[$0].bytes), requests[$1].firstStep) > (
        aligned(requests[$1].bytes), requests[$0].firstStep
      )
    }
    var offsets = [Int](repeating: 0, count: requests.count)
    var placed: [Int] = []
    var arena = 0
    for index in order {
      let request = requests[index]
      let size = aligned(request.bytes)
      // Busy address ranges among already placed tensors whose lifetimes overlap this one.
      let busy = placed.filter {
        requests[$0].firstStep <= request.lastStep && request.firstStep <= requests[$0].lastStep
      }.map { (offsets[$0], offsets[$0] + aligned(requests[$0].bytes)) }.sorted { $0.0 < $1.0 }
      var candidate = 0
      for (start, end) in busy {
        if candidate + size <= start { break }
        candidate = max(candidate, end)
      }
      offsets[index] = candidate
      placed.append(index)
      arena = max(arena, candidate + size)
    }
    let steps = requests.map(\.lastStep).max().map { $0 + 1 } ?? 0
    var live = [Int](repeating: 0, count: steps)
    for request in requests {
      for step in request.firstStep...max(request.firstStep, request.lastStep) where step < steps {
        live[step] += aligned(request.bytes)
      }
    }
    self.offsets = offsets
    self.arenaBytes = arena
    self.lowerBound = live.max() ?? 0
    self.totalBytes = requests.reduce(0) { $0 + aligned($1.bytes) }
  }
}
