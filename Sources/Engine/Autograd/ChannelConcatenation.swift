/// Concatenation of NCHW values along channels, with gradients split back to each part.
extension Variable {
  public static func concatenatingChannels(_ parts: [Variable]) -> Variable {
    precondition(!parts.isEmpty && parts.allSatisfy { $0.shape.count == 4 })
    let (batch, height, width) = (parts[0].shape[0], parts[0].shape[2], parts[0].shape[3])
    precondition(
      parts.allSatisfy { $0.shape[0] == batch && $0.shape[2] == height && $0.shape[3] == width },
      "concat: parts \(parts.map(\.shape)) differ outside the channel axis")
    let channels = parts.map { $0.shape[1] }
    let total = channels.reduce(0, +)
    let spatial = height * width
    var output = [Float]()
    output.reserveCapacity(batch * total * spatial)
    for image in 0..<batch {
      for (part, count) in zip(parts, channels) {
        output += part.value[(image * count * spatial)..<((image + 1) * count * spatial)]
      }
    }
    return Variable(shape: [batch, total, height, width], value: output, parents: parts) { result in
      result.gradient.withUnsafeBufferPointer { dy in
        var offset = 0
        for (part, count) in zip(parts, channels) {
          if part.requiresGradient {
            part.withGradient { dx in
              for image in 0..<batch {
                let source = (image * total + offset) * spatial
                let target = image * count * spatial
                for index in 0..<count * spatial { dx[target + index] += dy[source + index] }
              }
            }
          }
          offset += count
        }
      }
    }
  }
}
