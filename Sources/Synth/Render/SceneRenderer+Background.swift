#if canImport(Glibc)
  import Glibc
#endif

/// The sky and the road surface, drawn a row at a time: every image row below the horizon sees
/// the road plane at one distance, so distance, fog and the road's centre are per-row constants
/// and the lateral position is linear along the row.
extension SceneRenderer {
  /// A painted line along the road: its centre d, colour and whether it is dashed.
  private struct Marking {
    var d: Double
    var colour: SIMD3<Float>
    var dashed: Bool
  }

  private func markings(_ road: Road) -> [Marking] {
    let white = SIMD3<Float>(0.75, 0.75, 0.72)
    let yellow = SIMD3<Float>(0.75, 0.55, 0.08)
    let side = road.kerbSide
    var result = [Marking(d: side * road.laneWidth / 2, colour: white, dashed: false)]
    for index in 1..<road.sameDirectionLanes {
      result.append(Marking(d: -side * (Double(index) - 0.5) * road.laneWidth, colour: white, dashed: true))
    }
    let centre = -side * (Double(road.sameDirectionLanes) - 0.5) * road.laneWidth
    let centreColour = road.yellowCentreLine ? yellow : white
    if road.sameDirectionLanes + road.oncomingLanes > 2 {
      result.append(Marking(d: centre - 0.1, colour: centreColour, dashed: false))
      result.append(Marking(d: centre + 0.1, colour: centreColour, dashed: false))
    } else {
      result.append(Marking(d: centre, colour: centreColour, dashed: !road.yellowCentreLine))
    }
    for index in 1..<max(1, road.oncomingLanes) {
      result.append(
        Marking(
          d: -side * (Double(road.sameDirectionLanes + index) - 0.5) * road.laneWidth, colour: white,
          dashed: true))
    }
    let far = -side * (Double(road.sameDirectionLanes + road.oncomingLanes) - 0.5) * road.laneWidth
    result.append(Marking(d: far, colour: white, dashed: false))
    return result
  }

  func drawBackground(_ view: View, _ palette: Palette) {
    let scenario = view.scenario
    let road = scenario.road
    let camera = view.camera
    let width = camera.width
    let height = camera.height
    let f = view.focal
    let lines = markings(road)
    // The road's centre line in the level ego frame, every 2 m ahead.
    var centreline: [(x: Double, z: Double, s: Double)] = []
    var s = view.ego.s - 10
    while s < view.ego.s + 600 {
      let world = road.world(s: s, d: 0)
      let local = view.toEgo(world.x, world.z)
      centreline.append((local.x, local.z, s))
      s += 2
    }
    var cursor = 0
    let roadLeft = min(road.nearKerb, road.farKerb)
    let roadRight = max(road.nearKerb, road.farKerb)
    let kerb = 0.18
    let verge = SIMD3<Float>(0.13, 0.15, 0.08)
    let paving = SIMD3<Float>(0.3, 0.29, 0.27)
    let kerbColour = SIMD3<Float>(0.45, 0.45, 0.43)
    let groundLight = palette.ambient + palette.sun * Float(max(0, -palette.sunDirection.y))
    let visibility = scenario.conditions.visibility
    let seed = scenario.seed
    // Work on the buffers moved out of the class property: nested access to one stored property
    // of a class is an exclusivity conflict.
    var local = raster
    raster = Raster()
    defer { raster = local }
    local.colour.withUnsafeMutableBufferPointer { rgb in
      local.inverseDepth.withUnsafeMutableBufferPointer { depth in
        local.ids.withUnsafeMutableBufferPointer { ids in
          for index in 0..<(width * height) {
            depth[index] = 0
            ids[index] = 0
          }
          // Rows from the bottom up, so distance grows and the centreline cursor only advances.
          for row in stride(from: height - 1, through: 0, by: -1) {
            let yc = (Double(row) + 0.5 - view.centreY) / f
            let yLevel = yc * view.cosPitch + view.sinPitch
            let zLevel = -yc * view.sinPitch + view.cosPitch
            let rowStart = row * width * 3
            if yLevel <= 1e-4 {
              let elevation = Float(max(0, min(1, -yLevel / zLevel * 2.5)))
              let sky = palette.skyHorizon + (palette.skyTop - palette.skyHorizon) * elevation
              for i in 0..<width {
                rgb[rowStart + 3 * i] = sky.x
                rgb[rowStart + 3 * i + 1] = sky.y
                rgb[rowStart + 3 * i + 2] = sky.z
              }
              continue
            }
            let t = camera.mountHeight / yLevel
            let z = t * zLevel
            // Lateral position along the row: x = x0 + dx * column (pixel centres).
            let dx = t / f
            let x0 = t * (0.5 - view.centreX) / f
            while cursor + 2 < centreline.count && centreline[cursor + 1].z < z { cursor += 1 }
            let a = centreline[cursor]
            let b = centreline[min(cursor + 1, centreline.count - 1)]
            let blend = b.z > a.z ? max(0, min(1, (z - a.z) / (b.z - a.z))) : 0
            let roadX = a.x + (b.x - a.x) * blend
            let roadS = a.s + (b.s - a.s) * blend
            let d0 = x0 - roadX
            let crossing = road.intersection(at: roadS) != nil
            let patch =
              Float(SynthRandom.hash(seed, UInt64(bitPattern: Int64((roadS / 3).rounded(.down)))) >> 40)
              / Float(1 << 24)
            let asphalt = palette.asphalt * (0.9 + 0.2 * patch)
            func column(_ d: Double) -> Int { max(0, min(width, Int(((d - d0) / dx).rounded(.up)))) }
            func paint(_ from: Int, _ to: Int, _ c: SIMD3<Float>) {
              guard from < to else { return }
              for i in from..<to {
                rgb[rowStart + 3 * i] = c.x
                rgb[rowStart + 3 * i + 1] = c.y
                rgb[rowStart + 3 * i + 2] = c.z
              }
            }
            if crossing {
              paint(0, column(-80), verge)
              paint(column(-80), column(80), asphalt)
              paint(column(80), width, verge)
            } else {
              let bands: [(Double, SIMD3<Float>)] = [
                (roadLeft - kerb - road.sidewalkWidth, verge), (roadLeft - kerb, paving),
                (roadLeft, kerbColour),
                (roadRight, asphalt), (roadRight + kerb, kerbColour),
                (roadRight + kerb + road.sidewalkWidth, paving),
              ]
              var from = 0
              for (edge, colour) in bands {
                let to = column(edge)
                paint(from, to, colour)
                from = max(from, to)
              }
              paint(from, width, verge)
              // Zebra crossings just before and after each intersection.
              if road.intersections.contains(where: {
                abs(abs(roadS - $0) - road.crossStreetWidth / 2 - 2.5) < 1.5
              }) {
                var stripe = (roadLeft / 1.0).rounded(.down)
                while stripe < roadRight {
                  paint(column(stripe), column(min(roadRight, stripe + 0.5)), SIMD3(0.7, 0.7, 0.68))
                  stripe += 1.0
                }
              } else {
                for line in lines {
                  if line.dashed && (roadS / 12 - (roadS / 12).rounded(.down)) > 0.35 { continue }
                  // Coverage of the 0.15 m line in each pixel it touches, so far lines fade, not alias.
                  let left = (line.d - 0.075 - d0) / dx + 0.5
                  let right = (line.d + 0.075 - d0) / dx + 0.5
                  let first = max(0, Int(left.rounded(.down)))
                  let last = min(width - 1, Int(right.rounded(.down)))
                  guard first <= last else { continue }
                  for i in first...last {
                    let cover = Float(min(Double(i + 1), right) - max(Double(i), left))
                    guard cover > 0 else { continue }
                    for channel in 0..<3 {
                      let p = rowStart + 3 * i + channel
                      rgb[p] += (line.colour[channel] - rgb[p]) * cover
                    }
                  }
                }
              }
            }
            // Light and fog for the row (headlights vary along it).
            let clear = Float(exp(-t * (yLevel * yLevel + zLevel * zLevel).squareRoot() / visibility))
            let fog = palette.fog * (1 - clear)
            let beams = palette.headlights > 0 && z > 1
            for i in 0..<width {
              var light = groundLight
              if beams {
                light += palette.headlights * Shader.headlight(x: x0 + dx * Double(i), z: z, height: 0) * 0.8
              }
              let scale = light * clear
              let p = rowStart + 3 * i
              rgb[p] = rgb[p] * scale + fog.x
              rgb[p + 1] = rgb[p + 1] * scale + fog.y
              rgb[p + 2] = rgb[p + 2] * scale + fog.z
            }
          }
        }
      }
    }
  }

  /// Two flat colours split at the horizon row (for tests of geometry).
  func drawFlatBackground(_ view: View, sky: SIMD3<Float>, ground: SIMD3<Float>) {
    let width = raster.width
    for row in 0..<raster.height {
      let yc = (Double(row) + 0.5 - view.centreY) / view.focal
      let colour = yc * view.cosPitch + view.sinPitch <= 0 ? sky : ground
      for column in 0..<width {
        let index = row * width + column
        raster.colour[3 * index] = colour.x
        raster.colour[3 * index + 1] = colour.y
        raster.colour[3 * index + 2] = colour.z
        raster.inverseDepth[index] = 0
        raster.ids[index] = 0
      }
    }
  }
}
