/// How `NetworkSplitMeasurer` runs each cut.
public struct NetworkSplitMeasurerOptions: Sendable {
  /// Threads of the device's compiled parts (the host profile's thread count).
  public var threads = 1
  /// Time cap per cut, seconds of measured frames after the warm-up: once at least
  /// `minimumFrames` are measured, a frame that would start past the cap (by the mean so far) is
  /// not run. A raw frame over WebPageTest's 3G uplink takes about 2 s, so without a cap a slow
  /// cell would take minutes.
  public var cutSeconds = 5.0
  /// Frames measured per cut whatever the cap (fewer only when fewer are asked for).
  public var minimumFrames = 3
  /// Each frame's budget: long enough that no frame falls back to the device for lack of time
  /// (a fallback is reported as an error, not measured).
  public var budgetSeconds = 120.0
  /// How long to wait for each connection to the server through an emulated link.
  public var connectSeconds = 15.0
  /// The cgroup v1 cpu controller's mount point and the group name the device's quota gets.
  public var quotaRoot = CPUQuota.defaultRoot
  public var quotaName: String
  /// The tail server's process, for boards emulated in dilated time: it then runs in a quota of
  /// `serverCPUs / timeScale` CPUs (named `quotaName` + "-server") while their cells are measured.
  public var serverPID: Int32?
  /// The CPUs the server uses undilated (its `--threads`).
  public var serverCPUs = 1.0
  /// Device-only frames measured per calibration round of a board's quota (0: no calibration;
  /// see `QuotaCalibration`), the most rounds, and the tolerance that ends them (0.05: the
  /// median within 5% of the board's profile).
  public var calibrationFrames = 7
  public var calibrationRounds = 4
  public var calibrationTolerance = 0.05
  /// Whether frames sent whole are compressed (`SplitExecutor.compressesInputs`).
  public var compressesInputs = true
  /// TLS to the server, through the emulated links as over a real one. Without a server name it
  /// checks the certificate against the server's host (the links listen on 127.0.0.1).
  public var tls: OffloadTLS?

  public init(quotaName: String) { self.quotaName = quotaName }
}
