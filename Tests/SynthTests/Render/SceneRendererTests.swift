import Testing

@testable import Synth

@Suite struct SceneRendererTests {
  let small = PinholeCamera(
    width: 160, height: 96, horizontalFOVDegrees: 80, mountHeight: 1.4, pitchDegrees: 2)

  @Test func sameSeedRendersTheSameBytesAndAnotherSeedDoesNot() {
    let first = Scenario(kind: .leadBraking, seed: 7, camera: small)
    let again = Scenario(kind: .leadBraking, seed: 7, camera: small)
    let other = Scenario(kind: .leadBraking, seed: 8, camera: small)
    let a = SceneRenderer().render(first, frame: 100)
    let b = SceneRenderer().render(again, frame: 100)
    let c = SceneRenderer().render(other, frame: 100)
    #expect(a.image.pixels == b.image.pixels)
    #expect(a.labels == b.labels)
    #expect(a.image.pixels != c.image.pixels)
    // A renderer reused for another frame and back gives the same bytes as a fresh one.
    let renderer = SceneRenderer()
    _ = renderer.render(other, frame: 3)
    #expect(renderer.render(first, frame: 100).image.pixels == a.image.pixels)
  }

  @Test func nightFramesAreDarkerThanDayFrames() {
    for seed: UInt64 in [1, 2, 3] {
      var script = ScenarioScript.random(kind: .safeFollowing, seed: seed, camera: small)
      var random = SynthRandom(seed: seed)
      script.conditions = random.conditions(weather: .clear, light: .day)
      let day = SceneRenderer().render(Scenario(script: script), frame: 60).image.meanBrightness
      script.conditions = random.conditions(weather: .clear, light: .night)
      let night = SceneRenderer().render(Scenario(script: script), frame: 60).image.meanBrightness
      #expect(night < day * 0.5, "seed \(seed): night \(night), day \(day)")
    }
  }

  @Test func labelBoxOfALoneObjectBoundsItsPixels() throws {
    let placements: [(ActorKind, Double, Double)] = [
      (.bus, 14, 0), (.car, 9, -3.5), (.truck, 25, 3), (.pedestrian, 7, 2.2), (.motorcycle, 11, -1.5),
      (.van, 3.5, 3.6),  // partly outside the picture: the box is clipped to it
    ]
    let renderer = SceneRenderer(
      options: RenderOptions(
        flatBackground: (SIMD3(0, 0, 0), SIMD3(0, 0, 0)), scenery: false, sensorEffects: false))
    for (kind, s, d) in placements {
      let scenario = Scenario(
        script: Scripts.script { random in [Scripts.parked(1, kind, s: s, d: d, random: &random)] })
      let (image, labels) = renderer.render(scenario, frame: 0)
      let label = try #require(labels.objects.first, "\(kind) at s \(s) d \(d) has no label")
      var box = (x1: Int.max, y1: Int.max, x2: Int.min, y2: Int.min)
      for y in 0..<image.height {
        for x in 0..<image.width {
          let p = 3 * (y * image.width + x)
          guard image.pixels[p] != 0 || image.pixels[p + 1] != 0 || image.pixels[p + 2] != 0 else { continue }
          box = (min(box.x1, x), min(box.y1, y), max(box.x2, x + 1), max(box.y2, y + 1))
        }
      }
      let drawn = [Double(box.x1), Double(box.y1), Double(box.x2), Double(box.y2)]
      for k in 0..<4 {
        #expect(abs(drawn[k] - label.box[k]) <= 1, "\(kind): drawn \(drawn), label \(label.box)")
      }
      #expect(label.visible == 1)
      #expect(label.objectClass == kind.objectClass)
    }
  }

  @Test func anObjectHiddenBehindANearerOneIsDroppedAndAHalfHiddenOneIsFlagged() throws {
    let renderer = SceneRenderer(options: RenderOptions(scenery: false, sensorEffects: false))
    let hidden = Scenario(
      script: Scripts.script { random in
        [
          Scripts.parked(1, .bus, s: 15, d: 0, random: &random),
          Scripts.parked(2, .car, s: 35, d: 0, random: &random),
        ]
      })
    let labels = renderer.render(hidden, frame: 0).labels
    #expect(labels.objects.map(\.track) == [1])
    #expect(labels.objects.first?.visible == 1)
    let partly = Scenario(
      script: Scripts.script { random in
        [
          Scripts.parked(1, .bus, s: 15, d: 0, random: &random),
          Scripts.parked(2, .car, s: 35, d: 4.2, random: &random),
        ]
      })
    let both = renderer.render(partly, frame: 0).labels.objects
    let car = try #require(both.first { $0.track == 2 })
    #expect(car.visible > 0.05 && car.visible < 0.95, "visible \(car.visible)")
  }

  @Test func skyMeetsTheGroundAtTheHorizonRow() {
    let renderer = SceneRenderer(
      options: RenderOptions(
        flatBackground: (SIMD3(1, 0, 0), SIMD3(0, 0, 1)), scenery: false, sensorEffects: false))
    let camera = PinholeCamera(
      width: 320, height: 192, horizontalFOVDegrees: 80, mountHeight: 1.4, pitchDegrees: 4)
    let scenario = Scenario(script: Scripts.script(actors: { _ in [] }, camera: camera))
    let image = renderer.render(scenario, frame: 0).image
    let firstGround = (0..<image.height).first { image.pixels[3 * ($0 * image.width + 160) + 2] > 128 }!
    // Row r is ground when its centre r + 0.5 lies below the horizon.
    #expect(Double(firstGround) + 0.5 > camera.horizonRow)
    #expect(Double(firstGround) - 0.5 <= camera.horizonRow)
  }

  @Test func labelsMatchThePhysicsOfTheLead() throws {
    let scenario = Scenario(
      script: Scripts.script { random in
        [
          ActorPlan(
            track: 5, kind: .car, s: 22, d: 0,
            motion: .driving(speed: 10, oncoming: false, speedChanges: [], laneChanges: []), random: &random)
        ]
      })
    let labels = SceneRenderer().render(scenario, frame: 0).labels
    let lead = try #require(labels.objects.first)
    let length = scenario.actors[0].size.z
    #expect(lead.inEgoPath)
    #expect(lead.ttcS == nil)  // the ego is standing still: not closing
    #expect(abs(lead.positionM[2] - (22 - length / 2)) <= 0.0005)
    #expect(abs(lead.positionM[1] - 1.4) <= 0.0005)
    #expect(abs(lead.velocityMPS[2] - 10) <= 0.0005)
  }
}
