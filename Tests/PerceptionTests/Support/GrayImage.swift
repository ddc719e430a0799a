import Capture

/// A 64x48 grey frame of one value whose pixels the test owns.
final class GrayImage {
  let pixels: UnsafeMutableRawPointer
  let frame: Frame

  init(value: UInt8) {
    pixels = UnsafeMutableRawPointer.allocate(byteCount: 64 * 48, alignment: 64)
    pixels.initializeMemory(as: UInt8.self, repeating: value, count: 64 * 48)
    frame = Frame(
      format: .gray8, width: 64, height: 48, planes: [FramePlane(base: pixels, bytesPerRow: 64, rows: 48)])
  }

  deinit { pixels.deallocate() }
}
