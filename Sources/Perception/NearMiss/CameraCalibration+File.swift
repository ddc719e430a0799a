import Engine
import FoundationEssentials

extension CameraCalibration {
  /// A calibration file is tiny; anything larger is not one.
  public static let maximumFileBytes = 1 << 20

  /// Reads a calibration JSON file (the keys of `CameraCalibration`'s Codable form); the error
  /// names the file and what was wrong with it.
  public static func load(path: String) throws(PerceptionError) -> CameraCalibration {
    let file: MappedFile
    do {
      file = try MappedFile(path: path, maximumBytes: maximumFileBytes)
    } catch {
      throw PerceptionError("calibration \(error.description)")
    }
    do {
      return try JSONDecoder().decode(CameraCalibration.self, from: Data(UnsafeRawBufferPointer(file.bytes)))
    } catch let error as PerceptionError {
      throw PerceptionError("calibration \(path): \(error.reason)")
    } catch let DecodingError.keyNotFound(key, _) {
      throw PerceptionError("calibration \(path): missing \(key.stringValue)")
    } catch let DecodingError.typeMismatch(_, context) {
      throw PerceptionError(
        "calibration \(path): \(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
      )
    } catch {
      throw PerceptionError("calibration \(path): not a calibration JSON object (\(error))")
    }
  }
}
