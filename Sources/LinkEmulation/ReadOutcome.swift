/// What one read from a relayed socket gave.
enum ReadOutcome: Equatable {
  case data(Int)
  case closed
  case wouldBlock
  case failed(Int32)
}
