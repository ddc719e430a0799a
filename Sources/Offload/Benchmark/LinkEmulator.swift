/// What puts an emulated link between the benchmarked device and the server: `NetemProcesses`
/// (a `hiyari-netem` process per link) for `hiyari bench-split`, or an in-process relay in tests.
public protocol LinkEmulator {
  /// Starts relaying from a port on 127.0.0.1 to `target` (HOST:PORT) as `link` with time
  /// dilated by `timeScale` (`LinkProfile.dilated(by:)`; 1 for none); returns that port.
  mutating func start(_ link: LinkProfile, timeScale: Double, target: String) throws -> Int
  /// Stops every link started.
  mutating func stopAll()
}
