import Testing

@testable import Perception

@Suite struct SmallMatrixTests {
  @Test func inverseTimesMatrixIsIdentity() throws {
    let matrix = SmallMatrix(
      rows: 4, columns: 4, values: [0, 2, 1, 0, 3, 1, 0, 2, 1, 0, 4, 1, 2, 1, 1, 5])
    let inverse = try #require(matrix.inverse)
    let product = matrix * inverse
    for (index, value) in product.values.enumerated() {
      #expect(abs(value - (index % 5 == 0 ? 1 : 0)) < 1e-12)
    }
  }

  @Test func singularMatrixHasNoInverse() {
    #expect(SmallMatrix(rows: 2, columns: 2, values: [1, 2, 2, 4]).inverse == nil)
  }

  @Test func productAndTransposeFollowTheDefinitions() {
    let a = SmallMatrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
    let b = SmallMatrix(rows: 3, columns: 1, values: [1, 0, -1])
    #expect((a * b).values == [-2, -2])
    #expect(a.transposed.values == [1, 4, 2, 5, 3, 6])
  }
}
