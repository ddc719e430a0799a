import CFFmpeg

#if canImport(Glibc)
  import Glibc
#endif

/// libav's own console messages ("moov atom not found", ...). Hiyari reports failures itself, so
/// tools keep libav quiet unless asked to be verbose.
public enum LibAVLogging {
  public static func configure(verbose: Bool) {
    av_log_set_level(verbose ? AV_LOG_INFO : AV_LOG_QUIET)
  }

  /// Quiet unless HIYARI_LIBAV_VERBOSE is set: what every Hiyari command does at start.
  public static func configureFromEnvironment() {
    configure(verbose: getenv("HIYARI_LIBAV_VERBOSE") != nil)
  }
}
