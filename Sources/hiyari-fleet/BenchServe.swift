import ArgumentParser
import Engine
import Fleet
import Offload

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari-fleet bench-serve`: how many devices one server core holds at 15 fps each. Starts
/// `hiyari-fleet serve` (one worker thread) pinned to one CPU, pins itself (the load generator)
/// to another, and drives the server through loopback with more and more simulated devices.
struct BenchServe: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench-serve",
    abstract: "Devices per server core: tails at a frame rate with a deadline, at increasing device counts.",
    discussion: """
      For each --cut (crossing tensor names joined by "+", or cloud-only: the model's inputs as \
      8-bit pixel codes) and each device count M, M connections each send one tail request per \
      frame at --fps for --seconds, the request's budget being --deadline-ms. A reply that misses \
      it, or a refusal (the server's queue full), is a miss. Prints per M the replies per second, \
      the miss rate and the server's p50/p99 time per reply, then the largest M with misses below \
      1%: the devices one core holds. The server runs on --server-cpu, this process on \
      --client-cpu (taskset), so the load generator does not take the server's core.
      """)

  @Option(help: "A model bundle folder or .onnx file.")
  var model: String

  @Option(
    name: .customLong("cut"), help: "A cut to serve: tensors joined by \"+\", or cloud-only (repeatable).")
  var cuts: [String] = ["cloud-only"]

  @Option(help: "Device counts to try, comma-separated, in increasing order.")
  var devices = "1,2,4,6,8,10,12,16,20,24,32"

  @Option(help: "Frames per second per device.")
  var fps = 15.0

  @Option(help: "Seconds per device count.")
  var seconds = 6.0

  @Option(help: "Each request's budget, ms (default: one frame period).")
  var deadlineMs: Double?

  @Option(help: "The CPU the server is pinned to.")
  var serverCpu = 0

  @Option(help: "The CPU this load generator is pinned to.")
  var clientCpu = 1

  func validate() throws {
    guard fps > 0, fps <= 1000 else { throw ValidationError("--fps must be in (0, 1000]") }
    guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be in (0, 600]") }
    if let deadlineMs, !(deadlineMs > 0 && deadlineMs < 60_000) {
      throw ValidationError("--deadline-ms must be in (0, 60000)")
    }
    guard serverCpu != clientCpu else { throw ValidationError("--server-cpu and --client-cpu must differ") }
    _ = try deviceCounts()
  }

  func deviceCounts() throws -> [Int] {
    let counts = devices.split(separator: ",").compactMap { Int($0) }
    guard !counts.isEmpty, counts.count == devices.split(separator: ",").count,
      counts.allSatisfy({ (1...10_000).contains($0) }), counts == counts.sorted()
    else { throw ValidationError("--devices: increasing counts in 1...10000, comma-separated") }
    return counts
  }

  func run() async throws {
    let counts = try deviceCounts()
    let deadline = (deadlineMs ?? 1000 / fps) / 1000
    let loaded = try loadModel(path: model)
    let graph = loaded.graph
    let hash = try ModelHash.of(graph: graph, bundleIdentifier: loaded.bundleIdentifier)
    let requests = try cuts.map { (name: $0, request: try request(graph, hash: hash, cut: $0)) }

    let server = try ChildProcess(
      [
        ChildProcess.siblingExecutable("hiyari-fleet"), "serve", "--listen", "127.0.0.1:0", "--model", model,
        "--threads", "1",
      ])
    let line = try server.waitForLine(startingWith: "listening on ", timeoutSeconds: 120)
    guard let port = line.split(separator: ":").last.flatMap({ Int($0) }) else {
      throw ValidationError("cannot read the server's port from \"\(line)\"")
    }
    // Pinned once listening: every thread it has then, and those it starts later, stay on the CPU.
    try CPUAffinity.pin(pid: server.pid, to: serverCpu)
    try CPUAffinity.pinCurrentProcess(to: clientCpu)
    print(
      "server pid \(server.pid) on CPU \(serverCpu) (1 worker thread), load generator on CPU \(clientCpu); \(formatted(fps)) fps per device, deadline \(formatted(deadline * 1000)) ms, \(formatted(seconds)) s per step"
    )

    for (name, request) in requests {
      let bytes = request.tensors.reduce(0) { $0 + $1.tensor.byteCount }
      print("\ncut \(name) (\(bytes) bytes up per frame)")
      print(
        "| devices | sent/s | replies/s in time | misses | server p50 ms | server p99 ms | round trip p99 ms |"
      )
      print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
      var best: Int?
      for count in counts {
        let load = ServeLoad(
          port: port, request: request, devices: count, fps: fps, seconds: seconds, deadlineSeconds: deadline)
        let result = try await load.run()
        print(
          "| \(count) | \(formatted(Double(result.sent) / seconds)) | \(formatted(result.achievedFPS)) | \(formatted(result.missFraction * 100, places: 2))% \(result.misses.isEmpty ? "" : "(\(result.misses.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ")))") | \(formatted(ServeLoadResult.percentile(result.serverMilliseconds, 0.5), places: 2)) | \(formatted(ServeLoadResult.percentile(result.serverMilliseconds, 0.99), places: 2)) | \(formatted(ServeLoadResult.percentile(result.roundTripMilliseconds, 0.99), places: 2)) |"
        )
        if result.missFraction < 0.01 { best = count }
        // Far past saturation every further step only adds misses.
        if result.missFraction > 0.2 { break }
      }
      print(
        "summary: cut=\(name) devices_per_core_at_\(formatted(fps, places: 0))fps=\(best.map(String.init) ?? "0") (largest count with under 1% misses)"
      )
    }
    server.terminate()
  }

  /// A tail request for `cut` with the head's real outputs on a pixel frame.
  func request(_ graph: Graph, hash: String, cut name: String) throws -> TailRequest {
    let frame = try SyntheticInputs.pixels(for: graph)
    let cut =
      name == "cloud-only"
      ? Cut(crossing: graph.inputs.map(\.name)) : Cut(crossing: name.split(separator: "+").map(String.init))
    _ = try cut.partition(graph)
    let crossing =
      name == "cloud-only"
      ? frame : try CompiledModel.part(.head, of: graph, cut: cut).run(frame)
    let inputs = Set(graph.inputs.map(\.name))
    return TailRequest(
      frameID: 0, modelHash: hash, cut: cut, budgetMicroseconds: 0,
      tensors: try cut.crossing.map { name in
        guard let tensor = crossing[name] else {
          throw ValidationError("--cut \(name): the head does not compute it")
        }
        return (name, inputs.contains(name) ? PixelCodes.codes(of: tensor) ?? tensor : tensor)
      })
  }

  func formatted(_ value: Double, places: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return places == 0 ? String(Int(rounded)) : String(rounded)
  }
}
