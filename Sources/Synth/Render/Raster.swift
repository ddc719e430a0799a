/// Colour, inverse-depth and object-id buffers, and convex-polygon scan conversion with a depth
/// test. A pixel belongs to a polygon when its centre lies inside it, so a label box taken from
/// the same projected vertices matches the drawn pixels to within a pixel.
struct Raster {
  private(set) var width = 0
  private(set) var height = 0
  /// Linear RGB, 3 floats per pixel.
  var colour: [Float] = []
  /// 1 / depth along the camera axis (0: infinitely far; the sky and the road are drawn at 0).
  var inverseDepth: [Float] = []
  /// Which object won each pixel: 0 background, `Mesh.sceneryID` clutter, else actor index + 1.
  var ids: [UInt16] = []
  private var stamps: [UInt32] = []
  private var stamp: UInt32 = 0

  mutating func reset(width: Int, height: Int) {
    if width != self.width || height != self.height {
      self.width = width
      self.height = height
      colour = [Float](repeating: 0, count: width * height * 3)
      inverseDepth = [Float](repeating: 0, count: width * height)
      ids = [UInt16](repeating: 0, count: width * height)
      stamps = [UInt32](repeating: 0, count: width * height)
      stamp = 0
    }
  }

  /// A polygon already in screen space: pixel coordinates plus the plane of 1/z over the screen.
  struct ScreenPolygon {
    var u: [Double] = []
    var v: [Double] = []
    /// 1/z = a u + b v + c.
    var a = 0.0
    var b = 0.0
    var c = 0.0

    /// The polygon cut to the rectangle [0, width] x [0, height] (Sutherland-Hodgman).
    func clipped(width: Double, height: Double) -> [SIMD2<Double>] {
      var points = zip(u, v).map { SIMD2($0, $1) }
      let edges: [(axis: Int, limit: Double, keepBelow: Bool)] = [
        (0, 0, false), (0, width, true), (1, 0, false), (1, height, true),
      ]
      for edge in edges where !points.isEmpty {
        var result: [SIMD2<Double>] = []
        for k in points.indices {
          let a = points[k]
          let b = points[(k + 1) % points.count]
          let aIn = edge.keepBelow ? a[edge.axis] <= edge.limit : a[edge.axis] >= edge.limit
          let bIn = edge.keepBelow ? b[edge.axis] <= edge.limit : b[edge.axis] >= edge.limit
          if aIn { result.append(a) }
          if aIn != bIn {
            let t = (edge.limit - a[edge.axis]) / (b[edge.axis] - a[edge.axis])
            result.append(a + (b - a) * t)
          }
        }
        points = result
      }
      return points
    }
  }

  /// The rows and, per row, the pixel span [first, last] a convex polygon covers.
  @inline(__always)
  private static func spans(_ p: ScreenPolygon, width: Int, height: Int, _ body: (Int, Int, Int) -> Void) {
    let n = p.u.count
    guard n >= 3 else { return }
    var minV = Double.infinity
    var maxV = -Double.infinity
    for k in 0..<n {
      minV = min(minV, p.v[k])
      maxV = max(maxV, p.v[k])
    }
    let firstRow = max(0, Int((minV - 0.5).rounded(.up)))
    let lastRow = min(height - 1, Int((maxV - 0.5).rounded(.down)))
    guard firstRow <= lastRow else { return }
    p.u.withUnsafeBufferPointer { us in
      p.v.withUnsafeBufferPointer { vs in
        for row in firstRow...lastRow {
          let y = Double(row) + 0.5
          var left = Double.infinity
          var right = -Double.infinity
          var previous = n - 1
          for k in 0..<n {
            let va = vs[previous]
            let vb = vs[k]
            if (va <= y && vb > y) || (vb <= y && va > y) {
              let x = us[previous] + (y - va) * (us[k] - us[previous]) / (vb - va)
              left = min(left, x)
              right = max(right, x)
            }
            previous = k
          }
          guard left < right else { continue }
          let first = max(0, Int((left - 0.5).rounded(.up)))
          let last = min(width - 1, Int((right - 0.5).rounded(.up)) - 1)
          if first <= last { body(row, first, last) }
        }
      }
    }
  }

  /// Draws a flat-coloured polygon where it is nearer than what is there.
  mutating func fill(_ p: ScreenPolygon, colour c: SIMD3<Float>, id: UInt16) {
    let w = width
    let (a, b, cc) = (p.a, p.b, p.c)
    colour.withUnsafeMutableBufferPointer { rgb in
      inverseDepth.withUnsafeMutableBufferPointer { depth in
        ids.withUnsafeMutableBufferPointer { owner in
          Raster.spans(p, width: w, height: height) { row, first, last in
            let y = Double(row) + 0.5
            var z = a * (Double(first) + 0.5) + b * y + cc
            var index = row * w + first
            for _ in first...last {
              let depthHere = Float(z)
              if depthHere > depth[index] {
                depth[index] = depthHere
                owner[index] = id
                rgb[3 * index] = c.x
                rgb[3 * index + 1] = c.y
                rgb[3 * index + 2] = c.z
              }
              z += a
              index += 1
            }
          }
        }
      }
    }
  }

  /// Starts a new coverage count (for an object's silhouette, ignoring depth).
  mutating func beginCoverage() {
    stamp &+= 1
    if stamp == 0 {
      for index in stamps.indices { stamps[index] = 0 }
      stamp = 1
    }
  }

  /// Marks the polygon's pixels; returns how many were not yet marked since `beginCoverage`.
  mutating func cover(_ p: ScreenPolygon) -> Int {
    var added = 0
    let w = width
    let current = stamp
    stamps.withUnsafeMutableBufferPointer { marks in
      Raster.spans(p, width: w, height: height) { row, first, last in
        for index in (row * w + first)...(row * w + last) where marks[index] != current {
          marks[index] = current
          added += 1
        }
      }
    }
    return added
  }
}
