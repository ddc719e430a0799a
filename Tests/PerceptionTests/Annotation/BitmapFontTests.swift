import Testing

@testable import Perception

@Suite struct BitmapFontTests {
  @Test func everyLabelCharacterHasItsOwnGlyphAndOthersShowAsQuestionMarks() {
    let characters = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.-:#")
    let glyphs = characters.map(BitmapFont.glyph)
    #expect(glyphs.allSatisfy { $0.count == BitmapFont.glyphHeight && $0.allSatisfy { $0 < 32 } })
    #expect(Set(glyphs.map { $0.map(String.init).joined(separator: ",") }).count == characters.count)
    #expect(BitmapFont.glyph("a") == BitmapFont.glyph("A"))
    #expect(BitmapFont.glyph("é") == BitmapFont.glyph("?"))
    #expect(BitmapFont.width(of: "TTC") == 17 && BitmapFont.width(of: "") == 0)
  }
}
