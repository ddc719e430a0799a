/// Why a .npy or .npz file could not be read or written, or an array does not fit where it was
/// meant to go; always names the file (or member) and what was wrong.
public struct NumPyError: Error, Equatable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
