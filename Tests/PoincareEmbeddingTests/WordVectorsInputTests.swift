import TestSupport
import Testing

@testable import PoincareEmbedding

/// Word vectors for `link`: GloVe's header-less text, word2vec text and binary, any norm.
@Suite struct WordVectorsInputTests {
  @Test func gloveTextIsReadWithoutAHeaderAndNormsAboveOne() throws {
    let folder = TemporaryFolder()
    let path = folder.write("g.txt", "the 0.418 0.24968 -4.1\n, 0.013441 0.23682 12\r\nof 1e30 0 0\n")
    for format in [WordVectorsInput.Format.auto, .glove] {
      let vectors = try WordVectorsInput.read(path, format: format)
      #expect(vectors.vocabulary.names == ["the", ",", "of"])
      #expect(vectors.dimension == 3)
      #expect(vectors.values == [0.418, 0.24968, -4.1, 0.013441, 0.23682, 12, 1e30, 0, 0])
    }
  }

  @Test func word2vecTextAndBinaryAreRecognised() throws {
    let folder = TemporaryFolder()
    let text = folder.write("w.txt", "2 2\nking 3.5 -2\nqueen 0.5 7\n")
    #expect(try WordVectorsInput.read(text).values == [3.5, -2, 0.5, 7])
    let binary = folder.write(
      "w.bin", bytes: word2vecBinary("2 2\n", [("king", [3.5, -2]), ("queen", [0.5, 7])]))
    #expect(try WordVectorsInput.read(binary).values == [3.5, -2, 0.5, 7])
    // The ball readers still refuse these rows.
    #expect(throws: InputError.self) { try Word2VecFormat.read(text) }
  }

  @Test func aBadGloveLineIsALocatedError() {
    let folder = TemporaryFolder()
    let short = folder.write("short.txt", "a 1 2 3\nb 1 2\n")
    #expect {
      try WordVectorsInput.read(short)
    } throws: { error in
      (error as? InputError)?.description == "\(short):2: expected 3 values, found 2"
    }
    let blank = folder.write("blank.txt", "a 1 2\n\nb 1 2\n")
    #expect {
      try WordVectorsInput.read(blank)
    } throws: { error in
      (error as? InputError)?.description.hasPrefix("\(blank):2: expected a key and 2 values") == true
    }
    let infinite = folder.write("inf.txt", "a 1 inf\n")
    #expect(throws: InputError.self) { try WordVectorsInput.read(infinite) }
    let empty = folder.write("empty.txt", "")
    #expect(throws: InputError.self) { try WordVectorsInput.read(empty, format: .glove) }
  }
}
