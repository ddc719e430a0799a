/// What writing the due segments to a relayed socket gave.
enum WriteOutcome: Equatable {
  case done
  case blocked
  case failed(Int32)
}
