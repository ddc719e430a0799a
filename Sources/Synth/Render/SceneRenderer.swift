#if canImport(Glibc)
  import Glibc
#endif

/// Renders frames of a scenario on the CPU: sky and road per row, road users and roadside
/// clutter as flat-shaded polygons with a depth buffer, then lights, weather and the sensor.
/// Labels come from the same projected geometry as the pixels.
///
/// A renderer keeps its buffers between frames; use one per thread.
public final class SceneRenderer {
  var raster = Raster()
  var mesh = Mesh()
  private var gammaTable: [UInt8] = []
  public let options: RenderOptions

  public init(options: RenderOptions = RenderOptions()) {
    self.options = options
    gammaTable = (0..<4096).map { index in
      let linear = Double(index) / 4095
      let encoded = linear <= 0.0031308 ? 12.92 * linear : 1.055 * pow(linear, 1 / 2.4) - 0.055
      return UInt8(max(0, min(255, (encoded * 255).rounded())))
    }
  }

  /// Renders frame `index` of `scenario` with `camera` (by default the scenario's) and returns
  /// the picture and its labels. Deterministic: the same arguments give the same bytes.
  public func render(_ scenario: Scenario, frame index: Int, camera: PinholeCamera? = nil) -> (
    image: RGBImage, labels: FrameLabels
  ) {
    let frame = max(0, min(scenario.frameCount - 1, index))
    let view = View(scenario: scenario, frame: frame, camera: camera ?? scenario.camera)
    raster.reset(width: view.camera.width, height: view.camera.height)
    var random = SynthRandom(seed: scenario.seed, stream: 11)
    let palette = Palette(scenario.conditions, random: &random)
    if let flat = options.flatBackground {
      drawFlatBackground(view, sky: flat.sky, ground: flat.ground)
    } else {
      drawBackground(view, palette)
    }
    mesh.removeAll()
    let lampsOn = scenario.conditions.light != .day || scenario.conditions.weather == .fog
    let egoS = view.ego.s
    if options.scenery {
      mesh.addScenery(
        road: scenario.road, seed: scenario.seed, clutter: scenario.clutter, from: egoS - 5, to: egoS + 220,
        lampsOn: scenario.conditions.light == .night
      ) { s, d, yaw in view.placement(s: s, d: d, yaw: yaw, id: Mesh.sceneryID) }
    }
    var instances: [(actor: Int, faces: Range<Int>)] = []
    for (number, actor) in scenario.actors.enumerated() {
      let state = actor.state(frame: frame)
      guard state.s - egoS > -20, state.s - egoS < 260 else { continue }
      let first = mesh.faces.count
      let lamps = Lamps(
        on: lampsOn && actor.kind.isVehicle && !actor.isParked, braking: state.acceleration < -1.5)
      mesh.addActor(
        actor, state: state, lamps: lamps,
        view.placement(s: state.s, d: state.d, yaw: state.yaw, id: UInt16(number + 1)))
      instances.append((number, first..<mesh.faces.count))
    }
    let shader = Shader(view: view, palette: palette, conditions: scenario.conditions)
    var projected = [Raster.ScreenPolygon?](repeating: nil, count: mesh.faces.count)
    for (number, face) in mesh.faces.enumerated() {
      guard let polygon = view.project(mesh, face) else { continue }
      projected[number] = polygon
      raster.fill(polygon, colour: shader.shade(mesh, face), id: face.id)
    }
    let labels = label(scenario, view, instances, projected)
    var effects = Effects(view: view, conditions: scenario.conditions, seed: scenario.seed, frame: frame)
    if options.sensorEffects {
      effects.addGlows(mesh.glows, &raster, palette: palette)
      effects.addGlare(&raster)
      effects.addRain(&raster)
      effects.blur(&raster, speed: view.ego.speedS)
    } else {
      effects.conditions.noise = 0
      effects.conditions.weather = .clear
    }
    let pixels = effects.expose(raster, gamma: gammaTable)
    return (RGBImage(width: view.camera.width, height: view.camera.height, pixels: pixels), labels)
  }

  private func label(
    _ scenario: Scenario, _ view: View, _ instances: [(actor: Int, faces: Range<Int>)],
    _ projected: [Raster.ScreenPolygon?]
  ) -> FrameLabels {
    var visibleCounts = [Int](repeating: 0, count: scenario.actors.count + 1)
    for id in raster.ids where id != 0 && id != Mesh.sceneryID { visibleCounts[Int(id)] += 1 }
    let width = Double(view.camera.width)
    let height = Double(view.camera.height)
    var objects: [ObjectLabel] = []
    for instance in instances {
      let visiblePixels = visibleCounts[instance.actor + 1]
      guard visiblePixels > 0 else { continue }
      var box = (x1: Double.infinity, y1: Double.infinity, x2: -Double.infinity, y2: -Double.infinity)
      raster.beginCoverage()
      var silhouette = 0
      for face in instance.faces {
        guard let polygon = projected[face] else { continue }
        silhouette += raster.cover(polygon)
        // The box bounds the polygon's part inside the picture, not its off-screen vertices.
        let inside = polygon.clipped(width: width, height: height)
        for point in inside {
          box.x1 = min(box.x1, point.x)
          box.x2 = max(box.x2, point.x)
          box.y1 = min(box.y1, point.y)
          box.y2 = max(box.y2, point.y)
        }
      }
      guard silhouette > 0, box.x1 <= box.x2 else { continue }
      let actor = scenario.actors[instance.actor]
      let state = actor.state(frame: view.frame)
      let relation = EgoRelation(ego: view.ego, actor: actor, state: state)
      let (position, velocity) = view.kinematics(actor, state)
      objects.append(
        ObjectLabel(
          track: actor.track, objectClass: actor.kind.objectClass,
          box: [
            max(0, min(width, box.x1)), max(0, min(height, box.y1)), max(0, min(width, box.x2)),
            max(0, min(height, box.y2)),
          ].map { rounded($0, 100) },
          visible: rounded(min(1, Double(visiblePixels) / Double(silhouette)), 10_000),
          positionM: [position.x, position.y, position.z].map { rounded($0, 1000) },
          velocityMPS: [velocity.x, velocity.y, velocity.z].map { rounded($0, 1000) },
          inEgoPath: relation.inEgoPath, ttcS: relation.ttc.map { rounded($0, 1000) }))
    }
    return FrameLabels(
      index: view.frame, time: rounded(scenario.time(frame: view.frame), 10_000), objects: objects)
  }
}

/// `value` to the nearest 1 / `steps` (label files need no more digits than the geometry has).
@inline(__always)
func rounded(_ value: Double, _ steps: Double) -> Double { (value * steps).rounded() / steps }
