/// A value in reverse-mode automatic differentiation: an fp32 tensor (row-major, NCHW for
/// images), its gradient, and how to pass that gradient back to the values it was computed from.
///
/// Operations build the graph as they run; `backward()` visits it once in reverse topological
/// order. A parameter is a `Variable` with `requiresGradient` and no parents; its gradient
/// accumulates across `backward()` calls until `zeroGradient()`.
public final class Variable {
  public let shape: [Int]
  public var value: [Float]
  /// d(loss)/d(value); empty until a backward pass reaches this value.
  public var gradient: [Float] = []
  public let requiresGradient: Bool
  let parents: [Variable]
  /// Adds this value's gradient into its parents' gradients.
  let propagate: ((Variable) -> Void)?

  /// A leaf: a parameter (`requiresGradient`) or a constant input.
  public init(shape: [Int], value: [Float], requiresGradient: Bool = false) {
    precondition(shape.reduce(1, *) == value.count, "shape \(shape) does not hold \(value.count) values")
    self.shape = shape
    self.value = value
    self.requiresGradient = requiresGradient
    self.parents = []
    self.propagate = nil
  }

  /// The result of an operation; it needs a gradient when any parent does.
  init(shape: [Int], value: [Float], parents: [Variable], propagate: @escaping (Variable) -> Void) {
    self.shape = shape
    self.value = value
    let needed = parents.contains { $0.requiresGradient }
    self.requiresGradient = needed
    self.parents = needed ? parents : []
    self.propagate = needed ? propagate : nil
  }

  public var count: Int { value.count }

  /// A scalar loss's value.
  public var scalar: Float { value[0] }

  public func zeroGradient() { gradient = [] }

  /// Adds `delta` (same count as the value) into the gradient.
  func accumulate(_ delta: UnsafeBufferPointer<Float>) {
    if gradient.isEmpty {
      gradient = Array(delta)
      return
    }
    gradient.withUnsafeMutableBufferPointer { target in
      for index in 0..<target.count { target[index] += delta[index] }
    }
  }

  /// The gradient buffer, zero-filled on first use, for operations that add into it in place.
  func withGradient<R>(_ body: (UnsafeMutableBufferPointer<Float>) -> R) -> R {
    if gradient.isEmpty { gradient = [Float](repeating: 0, count: value.count) }
    return gradient.withUnsafeMutableBufferPointer { body($0) }
  }

  /// Moves the gradient out (zero-filled on first use) for an operation that updates it in
  /// place alongside another buffer; the caller puts it back with `restoreGradient`.
  func takeGradient() -> [Float] {
    if gradient.isEmpty { return [Float](repeating: 0, count: value.count) }
    let taken = gradient
    gradient = []
    return taken
  }

  func restoreGradient(_ updated: [Float]) { gradient = updated }

  /// Back-propagates from this value, seeding its gradient with ones (for a scalar loss: d loss/d loss).
  public func backward() {
    var order: [Variable] = []
    var visited = Set<ObjectIdentifier>()
    // Iterative depth-first post-order: deep networks must not exhaust the stack.
    var stack: [(Variable, Bool)] = [(self, false)]
    while let (node, expanded) = stack.popLast() {
      if expanded {
        order.append(node)
        continue
      }
      guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
      stack.append((node, true))
      for parent in node.parents where parent.requiresGradient && parent.propagate != nil {
        stack.append((parent, false))
      }
    }
    if gradient.isEmpty { gradient = [Float](repeating: 1, count: value.count) }
    for node in order.reversed() {
      guard let propagate = node.propagate, !node.gradient.isEmpty else { continue }
      propagate(node)
      // Intermediate gradients are no longer needed once passed on.
      if node !== self { node.gradient = [] }
    }
  }
}
