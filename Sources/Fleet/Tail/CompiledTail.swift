import Engine

/// One compiled tail, used by one worker at a time.
// Safety: a `CompiledTail` is only reachable through `TailCut`'s idle list, under its mutex, or
// by the single worker that took it from there until it gives it back.
final class CompiledTail: @unchecked Sendable {
  let model: CompiledModel

  init(_ model: CompiledModel) { self.model = model }
}
