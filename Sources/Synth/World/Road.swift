#if canImport(Glibc)
  import Glibc
#endif

/// The road: lanes across it, curvature along it, intersections on it.
///
/// Positions on the road are Frenet coordinates: `s` metres along the centre of the ego's lane,
/// `d` metres across it, positive to the right. The ego's lane is centred on d = 0. Same-direction
/// lanes lie on the passing side (left when driving on the right), then the oncoming lanes.
public struct Road: Sendable {
  public var laneWidth: Double
  /// Lanes in the ego's direction (the ego's included).
  public var sameDirectionLanes: Int
  public var oncomingLanes: Int
  /// Traffic keeps left (Japan, UK) rather than right.
  public var drivesOnLeft: Bool
  /// Paved strip between the outer lane lines and the kerbs (room for parked cars when wide).
  public var shoulderWidth: Double
  public var sidewalkWidth: Double
  /// Centres (s) of intersections; each cross street is `crossStreetWidth` wide.
  public var intersections: [Double]
  public var crossStreetWidth: Double
  /// Whether the centre line between directions is yellow (else white).
  public var yellowCentreLine: Bool
  /// Centreline samples every `step` metres from `startS`: world x, world z and heading.
  let startS: Double
  let step: Double = 1
  let centreX: [Double]
  let centreZ: [Double]
  let heading: [Double]

  /// +1 when the kerb on the ego's side is to the right (driving on the right), else -1.
  public var kerbSide: Double { drivesOnLeft ? -1 : 1 }

  /// d of the centre of same-direction lane `index` (0 is the ego's).
  public func laneCentre(_ index: Int) -> Double { -kerbSide * Double(index) * laneWidth }

  /// d of the centre of oncoming lane `index` (0 is the one next to the centre line).
  public func oncomingLaneCentre(_ index: Int) -> Double {
    -kerbSide * Double(sameDirectionLanes + index) * laneWidth
  }

  /// d of the kerb on the ego's side and of the far kerb.
  public var nearKerb: Double { kerbSide * (laneWidth / 2 + shoulderWidth) }
  public var farKerb: Double {
    -kerbSide * ((Double(sameDirectionLanes + oncomingLanes) - 0.5) * laneWidth + shoulderWidth)
  }

  /// d of a car parked on the shoulder of the ego's side (nil when the shoulder is too narrow).
  public var parkingLane: Double? {
    shoulderWidth >= 2 ? kerbSide * (laneWidth / 2 + shoulderWidth / 2 + 0.1) : nil
  }

  /// A road whose curvature changes along `segments` of (length, curvature in 1/m), with linear
  /// transitions of `transition` metres between them (clothoids), covering -100 ..< `length`.
  init(
    laneWidth: Double, sameDirectionLanes: Int, oncomingLanes: Int, drivesOnLeft: Bool,
    shoulderWidth: Double, sidewalkWidth: Double, intersections: [Double], crossStreetWidth: Double,
    yellowCentreLine: Bool,
    curvature segments: [(length: Double, curvature: Double)], length: Double
  ) {
    self.laneWidth = laneWidth
    self.sameDirectionLanes = sameDirectionLanes
    self.oncomingLanes = oncomingLanes
    self.drivesOnLeft = drivesOnLeft
    self.shoulderWidth = shoulderWidth
    self.sidewalkWidth = sidewalkWidth
    self.intersections = intersections
    self.crossStreetWidth = crossStreetWidth
    self.yellowCentreLine = yellowCentreLine
    startS = -100
    let count = Int(length - startS) + 2
    var xs = [Double](repeating: 0, count: count)
    var zs = [Double](repeating: 0, count: count)
    var hs = [Double](repeating: 0, count: count)
    var boundaries: [(s: Double, curvature: Double)] = []
    var at = startS
    for segment in segments {
      boundaries.append((at, segment.curvature))
      at += segment.length
    }
    func curvature(at s: Double) -> Double {
      var value = 0.0
      var previous = 0.0
      for (start, c) in boundaries {
        if s < start { break }
        let blend = min(1, (s - start) / 40)
        value = previous + (c - previous) * blend
        previous = c
      }
      return value
    }
    // Integrate heading and position so that s = 0 sits at the world origin heading +z.
    var x = 0.0
    var z = 0.0
    var h = 0.0
    for index in 0..<count {
      xs[index] = x
      zs[index] = z
      hs[index] = h
      let s = startS + Double(index)
      let k = curvature(at: s + 0.5)
      let mid = h + k * 0.5
      x += sin(mid)
      z += cos(mid)
      h += k
    }
    let origin = -Int(startS)
    let (x0, z0, h0) = (xs[origin], zs[origin], hs[origin])
    for index in 0..<count {
      let dx = xs[index] - x0
      let dz = zs[index] - z0
      xs[index] = dx * cos(h0) - dz * sin(h0)
      zs[index] = dx * sin(h0) + dz * cos(h0)
      hs[index] -= h0
    }
    centreX = xs
    centreZ = zs
    heading = hs
  }

  /// The last s the road is defined for.
  public var endS: Double { startS + Double(centreX.count - 2) }

  /// World position (x, z) and heading of the point at (s, d).
  func world(s: Double, d: Double) -> (x: Double, z: Double, heading: Double) {
    let position = max(0, min(Double(centreX.count - 2), s - startS))
    let index = Int(position)
    let t = position - Double(index)
    let x = centreX[index] + (centreX[index + 1] - centreX[index]) * t
    let z = centreZ[index] + (centreZ[index + 1] - centreZ[index]) * t
    let h = heading[index] + (heading[index + 1] - heading[index]) * t
    return (x + d * cos(h), z - d * sin(h), h)
  }

  /// Whether s lies on an intersection's cross street.
  func intersection(at s: Double) -> Double? {
    intersections.first { abs($0 - s) < crossStreetWidth / 2 }
  }
}
