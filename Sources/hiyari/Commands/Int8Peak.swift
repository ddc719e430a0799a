import CKernels
import Engine
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// This machine's int8 multiply-accumulate peak: the instructions of the best int8 kernel path
/// the CPU has (hiyari_int8_peak), run on registers alone on `threads` threads at once.
struct Int8Peak {
  var path: String
  var gmacs: Double

  static let paths: [(id: Int32, name: String)] = [
    (Int32(HIYARI_QCONV_AVX512VNNI), "avx512-vnni"), (Int32(HIYARI_QCONV_AVXVNNI), "avx-vnni"),
    (Int32(HIYARI_QCONV_NEONDOT), "neon-dot"), (Int32(HIYARI_QCONV_AVX2_U8S7), "avx2-u8s7"),
    (Int32(HIYARI_QCONV_AVX2), "avx2"), (Int32(HIYARI_QCONV_NEON), "neon"),
  ]

  /// The best available path, or nil on a CPU with only the scalar one.
  static var bestPath: (id: Int32, name: String)? { paths.first { hiyari_int8_peak($0.id, 1) > 0 } }

  /// Short bursts of the best path's peak kernel on the calling thread, to interleave with the
  /// work being measured: on a host whose speed moves between minutes, a peak timed once, before
  /// or after, is not the peak the work ran against.
  struct Sampler {
    let path: (id: Int32, name: String)
    let iterations: Int64

    /// Nil when only the scalar path exists. Calibrates a burst of about `milliseconds`.
    init?(milliseconds: Double = 1) {
      guard let path = Int8Peak.bestPath else { return nil }
      self.path = path
      iterations = Int8Peak.iterations(of: path.id, lasting: milliseconds)
    }

    /// One burst's rate, GMAC/s.
    func sample() -> Double {
      let start = MonotonicClock.nanoseconds()
      let macs = hiyari_int8_peak(path.id, iterations)
      return Double(macs) / Double(max(MonotonicClock.nanoseconds() - start, 1))
    }
  }

  /// Iterations of path `id`'s peak kernel that take about `milliseconds` here: doubled until a
  /// run takes a quarter of that, then scaled.
  static func iterations(of id: Int32, lasting milliseconds: Double) -> Int64 {
    var iterations: Int64 = 1 << 10
    while true {
      let start = MonotonicClock.nanoseconds()
      _ = hiyari_int8_peak(id, iterations)
      let elapsed = Double(MonotonicClock.nanoseconds() - start) / 1e6
      if elapsed >= milliseconds / 4 || iterations > 1 << 36 {
        return max(1, Int64(Double(iterations) * milliseconds / max(elapsed, 1e-6)))
      }
      iterations *= 2
    }
  }

  /// The rate of `chosen`, or of the best available path: the median of five timed rounds of
  /// about 50 ms each.
  static func measure(threads: Int = 1, path chosen: (id: Int32, name: String)? = nil) -> Int8Peak {
    guard let path = chosen ?? bestPath else {
      return Int8Peak(path: "scalar", gmacs: .nan)
    }
    let pool = ThreadPool(threads: threads)
    defer { pool.shutdown() }
    let iterations = Self.iterations(of: path.id, lasting: 50)
    var rates: [Double] = []
    for _ in 0..<5 {
      let start = MonotonicClock.nanoseconds()
      let done = Atomic<UInt64>(0)
      let rounds = iterations
      pool.parallelFor(threads) { _ in done.wrappingAdd(hiyari_int8_peak(path.id, rounds), ordering: .relaxed)
      }
      let seconds = Double(MonotonicClock.nanoseconds() - start) / 1e9
      rates.append(Double(done.load(ordering: .relaxed)) / seconds / 1e9)
    }
    rates.sort()
    return Int8Peak(path: path.name, gmacs: rates[rates.count / 2])
  }
}
