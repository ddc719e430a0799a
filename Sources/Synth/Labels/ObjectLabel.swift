/// Ground truth for one visible object in one frame.
public struct ObjectLabel: Sendable, Hashable, Codable {
  public var track: Int
  public var objectClass: ObjectClass
  /// [x1, y1, x2, y2] in frame pixels, clipped to the image: the extent of the object's whole
  /// projected silhouette (occluded parts included, truncated parts excluded).
  public var box: [Double]
  /// The fraction of the silhouette's in-image pixels that no nearer thing covers.
  public var visible: Double
  /// Level ego frame (x right, y down, z forward, origin at the camera, not pitched): the middle of
  /// the bottom edge of the object's face nearest the ego (y is the road, the mount height).
  public var positionM: [Double]
  /// The object's velocity relative to the ego in the level ego frame (m/s).
  public var velocityMPS: [Double]
  public var inEgoPath: Bool
  /// Seconds to collision at the current closing speed; nil when not in the ego path or not
  /// closing (see `EgoRelation`).
  public var ttcS: Double?

  public init(
    track: Int, objectClass: ObjectClass, box: [Double], visible: Double, positionM: [Double],
    velocityMPS: [Double], inEgoPath: Bool, ttcS: Double?
  ) {
    self.track = track
    self.objectClass = objectClass
    self.box = box
    self.visible = visible
    self.positionM = positionM
    self.velocityMPS = velocityMPS
    self.inEgoPath = inEgoPath
    self.ttcS = ttcS
  }

  enum CodingKeys: String, CodingKey {
    case track
    case objectClass = "class"
    case box, visible
    case positionM = "position_m"
    case velocityMPS = "velocity_mps"
    case inEgoPath = "in_ego_path"
    case ttcS = "ttc_s"
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    track = try container.decode(Int.self, forKey: .track)
    objectClass = try container.decode(ObjectClass.self, forKey: .objectClass)
    box = try container.decode([Double].self, forKey: .box)
    visible = try container.decode(Double.self, forKey: .visible)
    positionM = try container.decode([Double].self, forKey: .positionM)
    velocityMPS = try container.decode([Double].self, forKey: .velocityMPS)
    inEgoPath = try container.decode(Bool.self, forKey: .inEgoPath)
    ttcS = try container.decodeIfPresent(Double.self, forKey: .ttcS)
    guard box.count == 4, positionM.count == 3, velocityMPS.count == 3 else {
      throw DecodingError.dataCorrupted(
        DecodingError.Context(
          codingPath: container.codingPath,
          debugDescription: "box needs 4 numbers, position_m and velocity_mps 3 each"))
    }
  }

  /// Writes `ttc_s` as null rather than leaving it out, as the label format requires.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(track, forKey: .track)
    try container.encode(objectClass, forKey: .objectClass)
    try container.encode(box, forKey: .box)
    try container.encode(visible, forKey: .visible)
    try container.encode(positionM, forKey: .positionM)
    try container.encode(velocityMPS, forKey: .velocityMPS)
    try container.encode(inEgoPath, forKey: .inEgoPath)
    if let ttcS { try container.encode(ttcS, forKey: .ttcS) } else { try container.encodeNil(forKey: .ttcS) }
  }
}
