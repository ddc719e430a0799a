/// A failure the command reports in words.
struct TrainCommandError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
