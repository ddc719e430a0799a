import ArgumentParser
import Engine
import Synth

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari-train events`: near-miss recall, precision, false alarms per hour and warning lead
/// time of detector bundles on rendered scenarios, through `hiyari run`'s pipeline (Markdown).
struct EventsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "events",
    abstract: "Near-miss event metrics of detector bundles on rendered synthetic scenarios (Markdown).")

  @Option(
    help: ArgumentHelp(
      "A detector bundle folder or .onnx file (repeat to compare, e.g. fp32 then int8); "
        + "\"\(EventEvaluation.groundTruthModel)\" scores the labelled boxes themselves (a perfect detector)."
    ))
  var model: [String]

  @Option(help: "Clips of each scenario kind but long drives (10 s each).")
  var clipsPerKind: Int = 8

  @Option(help: "Minutes of long safe drives (120 s clips) for the false-alarm rate.")
  var safeMinutes: Double = 10

  @Option(help: "The scenarios' seed (training never draws these scenarios).")
  var seed: UInt64 = DataSplits.evaluationSeed &+ 2

  @Option(help: "Weather and light: training (clear and rain, day and dusk) or held-out (fog, night).")
  var conditions: String = "training"

  @Option(help: "Frame size of the rendered clips, WIDTHxHEIGHT.")
  var size: String = "640x360"

  @Option(help: "Threads to run the models with.")
  var threads: Int = 1

  @Option(help: "Folder for the rendered clips (default: a new folder under /tmp, removed after).")
  var keep: String?

  @Flag(
    help:
      "With --keep: read clips already in that folder (same seed, kind and size) instead of rendering them.")
  var reuse = false

  @Flag(help: "List every event (clip, model, times, class, track, minimum TTC, peak box) on standard error.")
  var list = false

  func validate() throws {
    guard !model.isEmpty else { throw ValidationError("give at least one --model") }
    guard (0...1000).contains(clipsPerKind) else {
      throw ValidationError("--clips-per-kind must be 0...1000")
    }
    guard (0...6000).contains(safeMinutes) else { throw ValidationError("--safe-minutes must be 0...6000") }
    guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1...64") }
    guard !reuse || keep != nil else { throw ValidationError("--reuse reads the clips of --keep: give both") }
    _ = try mix()
    _ = try dimensions()
  }

  func mix() throws -> ConditionMix {
    switch conditions {
    case "training": DataSplits.training
    case "held-out": DataSplits.heldOut
    default: throw ValidationError("--conditions must be training or held-out, not \(conditions)")
    }
  }

  func dimensions() throws -> (width: Int, height: Int) {
    guard let frame = FrameSize(parsing: size, range: 64...4096, even: true) else {
      throw ValidationError("--size must look like 640x360 (even, 64...4096 each), not \(size)")
    }
    return (frame.width, frame.height)
  }

  func run() throws {
    let mix = try mix()
    let (width, height) = try dimensions()
    let plan = EventEvaluation.plan(seed: seed, clipsPerKind: clipsPerKind, safeMinutes: safeMinutes)
    guard !plan.isEmpty else { throw ValidationError("nothing to evaluate: no clips and no safe minutes") }
    let scratch: String
    if let keep {
      try Directories.create(keep)
      scratch = keep
    } else {
      var template = Array("/tmp/hiyari-events-XXXXXX".utf8CString)
      guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
        throw TrainCommandError("cannot create a scratch folder under /tmp")
      }
      scratch = String(cString: made)
    }
    defer { if keep == nil { rmdir(scratch) } }
    let outcomes = try EventEvaluation.evaluate(
      models: model, plan: plan, conditions: mix, width: width, height: height, threads: threads,
      scratch: scratch, keep: keep != nil, reuse: reuse
    ) { done, total, name in
      // One line rewritten in place on a terminal, one line per clip in a log.
      if isatty(2) != 0 {
        Console.writeError("\r\u{1B}[Kclip \(done)/\(total) \(name)" + (done == total ? "\n" : ""))
      } else {
        Console.writeError("clip \(done)/\(total) \(name)\n")
      }
    }
    if list {
      for outcome in outcomes {
        for (index, events) in outcome.events.enumerated() {
          for event in events {
            let box = event.peakBox
            Console.writeError(
              "event \(outcome.name) \(model[index]) start \(event.start) peak \(event.peak) end \(event.end) "
                + "class \(event.className) track \(event.trackID) ttc \(event.minimumTTC) \(event.level) "
                + "box \(box.minX) \(box.minY) \(box.maxX) \(box.maxY)\n")
          }
        }
      }
    }
    print(EventEvaluation.markdown(models: model, outcomes: outcomes, conditions: mix), terminator: "")
  }
}
