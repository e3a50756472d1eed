import Foundation
import TestSupport
import Testing

@testable import PoincareEmbedding

@Suite struct VectorsTSVFormatTests {
  let folder = TemporaryFolder()

  @Test func layoutIsKeyThenValuesTabSeparatedInCountOrder() throws {
    var vocabulary = Vocabulary(names: ["a", "b", "c"])
    vocabulary.setCounts([1, 3, 3])
    let vectors = KeyedVectors(
      vocabulary: vocabulary, dimension: 2,
      values: [0.1, -0.2, 8.976636599379367e-05, 1e-05, 0.5, -3e-07])
    let path = folder.file("v.tsv")
    try VectorsTSVFormat.write(vectors, to: path)
    // The same order and digits as the word2vec text format, with tabs and no header.
    #expect(
      try String(contentsOfFile: path, encoding: .utf8)
        == "b\t8.976636599379367e-05\t1e-05\nc\t0.5\t-3e-07\na\t0.1\t-0.2\n")
    #expect(folder.fileNames == ["v.tsv"])
  }

  @Test func everyValueRoundTrips() throws {
    let fixture = try Word2VecFormat.read(try fixturePath("poincare_vectors.bin"))
    let path = folder.file("v.tsv")
    try VectorsTSVFormat.write(fixture, to: path)
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == fixture.count)
    for (row, line) in lines.enumerated() {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      #expect(fields.count == 1 + fixture.dimension)
      #expect(String(fields[0]) == fixture.key(of: row))
      #expect(fields.dropFirst().map { Double($0)! } == Array(fixture.vector(row)))
    }
  }
}
