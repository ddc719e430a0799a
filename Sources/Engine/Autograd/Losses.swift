import Glibc

/// Detection losses with gradients, each a scalar sum (the caller normalises, e.g. by the
/// number of positive cells).
extension Variable {
  /// Sigmoid focal loss (Lin et al.) of these logits against `targets` in [0, 1], summed:
  /// alpha_t * (1 - p_t)^gamma * BCE(x, y). `gamma` 0 and `alpha` nil give binary cross-entropy
  /// with logits. `gamma` must be 0 or at least 1 (the gradient of (1 - p_t)^gamma is finite).
  public func sigmoidFocalLoss(targets: [Float], alpha: Float? = 0.25, gamma: Float = 2) -> Variable {
    precondition(targets.count == count, "focal loss: \(targets.count) targets for \(count) logits")
    precondition(gamma == 0 || gamma >= 1, "focal loss: gamma must be 0 or at least 1")
    var total: Double = 0
    var derivative = [Float](repeating: 0, count: count)
    for index in 0..<count {
      let x = value[index], y = targets[index]
      let p = 1 / (1 + Glibc.expf(-x))
      // Stable BCE with logits: max(x, 0) - x y + log(1 + e^-|x|).
      let ce = Swift.max(x, 0) - x * y + Glibc.log1pf(Glibc.expf(-Swift.abs(x)))
      let pt = p * y + (1 - p) * (1 - y)
      let alphaT = alpha.map { $0 * y + (1 - $0) * (1 - y) } ?? 1
      let modulator = gamma == 0 ? 1 : Glibc.powf(1 - pt, gamma)
      let dModulator = gamma == 0 ? 0 : -gamma * Glibc.powf(1 - pt, gamma - 1) * p * (1 - p) * (2 * y - 1)
      total += Double(alphaT * modulator * ce)
      derivative[index] = alphaT * (dModulator * ce + modulator * (p - y))
    }
    return Variable(shape: [1], value: [Float(total)], parents: [self]) { result in
      let g = result.gradient[0]
      self.withGradient { dx in
        for index in 0..<dx.count { dx[index] += g * derivative[index] }
      }
    }
  }

  /// Sum of weight * |x - target| (weights broadcast per element, same count as the value).
  public func l1Loss(targets: [Float], weights: [Float]) -> Variable {
    precondition(targets.count == count && weights.count == count)
    var total: Double = 0
    for index in 0..<count where weights[index] != 0 {
      total += Double(weights[index] * Swift.abs(value[index] - targets[index]))
    }
    return Variable(shape: [1], value: [Float(total)], parents: [self]) { result in
      let g = result.gradient[0]
      self.withGradient { dx in
        for index in 0..<dx.count where weights[index] != 0 {
          let difference = self.value[index] - targets[index]
          let sign: Float = difference > 0 ? 1 : difference < 0 ? -1 : 0
          dx[index] += g * weights[index] * sign
        }
      }
    }
  }

  /// Generalised IoU loss (Rezatofighi et al.) of boxes given as distances from a cell centre:
  /// this value is [N, 4, H, W] with channels l, t, r, b; `targets` has the same layout and
  /// `weights` one weight per cell ([N, H, W]). Returns the sum over cells of weight * (1 - GIoU);
  /// cells of weight 0 contribute nothing.
  public func giouLoss(targets: [Float], weights: [Float]) -> Variable {
    precondition(shape.count == 4 && shape[1] == 4 && targets.count == count)
    let (batch, spatial) = (shape[0], shape[2] * shape[3])
    precondition(weights.count == batch * spatial, "giou loss: one weight per cell")
    var total: Double = 0
    var derivative = [Float](repeating: 0, count: count)
    for image in 0..<batch {
      for cell in 0..<spatial where weights[image * spatial + cell] != 0 {
        let weight = weights[image * spatial + cell]
        let at = (0..<4).map { (image * 4 + $0) * spatial + cell }
        let (l, t, r, b) = (value[at[0]], value[at[1]], value[at[2]], value[at[3]])
        let (gl, gt, gr, gb) = (targets[at[0]], targets[at[1]], targets[at[2]], targets[at[3]])
        let (loss, gradient) = GIoU.lossAndGradient(
          predicted: (l, t, r, b), target: (gl, gt, gr, gb))
        total += Double(weight * loss)
        for side in 0..<4 { derivative[at[side]] = weight * gradient[side] }
      }
    }
    return Variable(shape: [1], value: [Float(total)], parents: [self]) { result in
      let g = result.gradient[0]
      self.withGradient { dx in
        for index in 0..<dx.count where derivative[index] != 0 { dx[index] += g * derivative[index] }
      }
    }
  }
}

/// 1 - GIoU of two boxes sharing a centre point, given as (left, top, right, bottom) distances,
/// and its gradient with respect to the predicted distances.
enum GIoU {
  static let epsilon: Float = 1e-7

  static func lossAndGradient(
    predicted p: (Float, Float, Float, Float), target g: (Float, Float, Float, Float)
  ) -> (Float, [Float]) {
    let (l, t, r, b) = p
    let (gl, gt, gr, gb) = g
    let predictedArea = (l + r) * (t + b)
    let targetArea = (gl + gr) * (gt + gb)
    let intersectionWidth = Swift.min(l, gl) + Swift.min(r, gr)
    let intersectionHeight = Swift.min(t, gt) + Swift.min(b, gb)
    let intersection = intersectionWidth * intersectionHeight
    let union = predictedArea + targetArea - intersection + epsilon
    let enclosingWidth = Swift.max(l, gl) + Swift.max(r, gr)
    let enclosingHeight = Swift.max(t, gt) + Swift.max(b, gb)
    let enclosing = enclosingWidth * enclosingHeight + epsilon
    let iou = intersection / union
    // 1 - GIoU = 1 - (iou - (C - U) / C) = 2 - iou - U / C
    let loss = 2 - iou - union / enclosing
    // Partial derivatives of I, U (= areaP - I) and C for l, t, r, b.
    let dI: [Float] = [
      l < gl ? intersectionHeight : 0, t < gt ? intersectionWidth : 0,
      r < gr ? intersectionHeight : 0, b < gb ? intersectionWidth : 0,
    ]
    let dArea: [Float] = [t + b, l + r, t + b, l + r]
    let dC: [Float] = [
      l >= gl ? enclosingHeight : 0, t >= gt ? enclosingWidth : 0,
      r >= gr ? enclosingHeight : 0, b >= gb ? enclosingWidth : 0,
    ]
    var gradient = [Float](repeating: 0, count: 4)
    for side in 0..<4 {
      let dU = dArea[side] - dI[side]
      let dIoU = (dI[side] * union - intersection * dU) / (union * union)
      let dRatio = (dU * enclosing - union * dC[side]) / (enclosing * enclosing)
      gradient[side] = -dIoU - dRatio
    }
    return (loss, gradient)
  }
}
