import Testing

@testable import Engine

@Suite struct SHA256Tests {
  @Test func matchesTheFIPSVectors() {
    #expect(
      SHA256.hash(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hash([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test func incrementalUpdatesEqualOneShot() {
    let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    var hasher = SHA256()
    var offset = 0
    for size in [1, 63, 64, 65, 7, 300, 500] where offset < bytes.count {
      let end = min(offset + size, bytes.count)
      hasher.update(Array(bytes[offset..<end]))
      offset = end
    }
    #expect(SHA256.hex(hasher.finalize()) == SHA256.hash(bytes))
    // A million 'a's: the standard long vector.
    #expect(
      SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000))
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }
}
