import Foundation
import TestSupport
import Testing

@testable import PoincareEmbedding

@Suite struct Word2VecFormatTests {
  let folder = TemporaryFolder()

  func sample() -> KeyedVectors {
    var vocabulary = Vocabulary(names: ["a", "b", "c"])
    vocabulary.setCounts([1, 3, 3])
    return KeyedVectors(
      vocabulary: vocabulary, dimension: 2,
      values: [0.1, -0.2, 8.976636599379367e-05, 1e-05, 0.5, -3e-07])
  }

  @Test func textLayoutMatchesGensim() throws {
    let path = folder.file("v.txt")
    try Word2VecFormat.write(sample(), to: path)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    // Descending count, ties in index order; shortest round-trip values as numpy prints them.
    #expect(text == "3 2\nb 8.976636599379367e-05 1e-05\nc 0.5 -3e-07\na 0.1 -0.2\n")
    #expect(folder.fileNames == ["v.txt"])
  }

  @Test(arguments: Word2VecFormat.Encoding.allCases)
  func roundTrip(encoding: Word2VecFormat.Encoding) throws {
    let path = folder.file(encoding == .text ? "v.txt" : "v.bin")
    try Word2VecFormat.write(sample(), to: path, encoding: encoding)
    let read = try Word2VecFormat.read(path)
    #expect(read.vocabulary.names == ["b", "c", "a"])
    let expected: [Double] = [8.976636599379367e-05, 1e-05, 0.5, -3e-07, 0.1, -0.2]
    if encoding == .text {
      #expect(read.values == expected)
    } else {
      #expect(read.values == expected.map { Double(Float($0)) })
    }
  }

  @Test func readsGensimFloat32ReprsExponentsAndCRLF() throws {
    let path = folder.write(
      "g.txt", "2 3\r\nx -0.022055417 1e-04 0.12345679\r\ny 1E-3 -2.5e-05 0 \r\n")
    let read = try Word2VecFormat.read(path)
    #expect(read.values == [-0.022055417, 1e-4, 0.12345679, 1e-3, -2.5e-05, 0])
  }

  @Test(arguments: [
    ("3 2\na 0.1 0.2\nb 0.1 0.2\n", 4, "promises 3 rows"),
    ("1 2\na 0.1 0.2\nb 0.1 0.2\n", 3, "has more"),
    ("2 2\na 0.1\nb 0.1 0.2\n", 2, "found 1"),
    ("2 2\na 0.1 0.2 0.3\nb 0.1 0.2\n", 2, "found more"),
    ("2 2\na 0.1 x\nb 0.1 0.2\n", 2, "'x' is not a number"),
    ("2 2\na 0.1 nan\nb 0.1 0.2\n", 2, "not finite"),
    ("2 2\na 0.1 0.2\nb -inf 0.2\n", 3, "value 1 is not finite (-inf)"),
    ("2 2\na 0.1 0.2\nb 1e309 0.2\n", 3, "value 1 is not finite (inf)"),
    ("2 2\na 0.1 0.2\nb 0.1\t0.2\n", 3, "value 1 '0.1\t0.2' is not a number"),
    ("2 2\na 0.1 0.2\nb\u{1} 0.1 0.2\n", 3, "contains a control character"),
    ("2 2\na 0.1 0.2\nb 0.6 0.8\n", 3, "'b' has norm 1.0 ≥ 1"),
    ("2 2\na 0.6 0.8\nb 0.1 0.2\n", 2, "outside the Poincaré ball"),
    ("2 2\na 0.1 0.2\na 0.1 0.2\n", 3, "duplicate key 'a' (first on line 2)"),
    ("two 2\na 0.1 0.2\n", 1, "expected a header"),
  ])
  func malformedTextFilesAreLocated(text: String, line: Int, expected: String) throws {
    let path = folder.write("bad.txt", text)
    let error = try #require(throws: InputError.self) {
      try Word2VecFormat.read(path, encoding: .text)
    }
    #expect(error.location == .line(line))
    #expect(error.description.contains(expected), "\(error)")
  }

  @Test func aTextRowOutsideTheBallIsReportedNotReadAsBinary() throws {
    // "a 0.9 0.9\n" is also a valid binary row of dimension 2 (8 bytes of ASCII digits).
    let path = folder.write("outside.txt", "1 2\na 0.9 0.9\n")
    let error = try #require(throws: InputError.self) { try Word2VecFormat.read(path) }
    #expect(error.location == .line(2))
    #expect(error.description.contains("outside the Poincaré ball"))
  }

  @Test func binaryIsRecognisedWithoutTheBinExtension() throws {
    let path = folder.file("v.vec")
    try Word2VecFormat.write(sample(), to: path, encoding: .binary)
    #expect(try Word2VecFormat.read(path).vocabulary.names == ["b", "c", "a"])
    let fixture = try fixturePath("poincare_vectors.bin")
    let gensimBytes = try Data(contentsOf: URL(fileURLWithPath: fixture))
    let copy = folder.write("gensim.vectors", bytes: [UInt8](gensimBytes))
    let gensim = try Word2VecFormat.read(fixture)
    #expect(try Word2VecFormat.read(copy).values == gensim.values)
  }

  @Test func truncatedBinaryIsLocated() throws {
    let path = folder.file("v.bin")
    try Word2VecFormat.write(sample(), to: path, encoding: .binary)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes.removeLast(3)
    let cut = folder.write("cut.bin", bytes: bytes)
    let error = try #require(throws: InputError.self) { try Word2VecFormat.read(cut) }
    #expect(error.description.contains("row 3 of 3 is cut short"))
  }

  @Test(arguments: [
    (
      word2vecBinary("2 2\n", [("a", [0.1, 0.2]), ("b", [.nan, 0.2])]), 16,
      "row 2: value 1 is not finite (nan)"
    ),
    (
      word2vecBinary("2 2\n", [("a", [0.1, 0.2]), ("b", [0.1, .infinity])]), 20,
      "row 2: value 2 is not finite (inf)"
    ),
    (word2vecBinary("2 2\n", [("a", [0.1, 0.2]), ("b", [0.6, 0.8])]), 14, "row 2: 'b' has norm"),
    (
      word2vecBinary("2 2\n", [("a", [0.1, 0.2]), ("a", [0.1, 0.2])]), 14,
      "row 2: duplicate key 'a'"
    ),
    (
      word2vecBinary("2 2\n", [("a", [0.1, 0.2]), ("b\tc", [0.1, 0.2])]), 14,
      "row 2: node name 'b?c' contains a tab"
    ),
    (
      word2vecBinary("1 2\n", [("a", [0.1, 0.2]), ("b", [0.1, 0.2])]), 14,
      "the header promises 1 rows but more bytes follow"
    ),
    (
      word2vecBinary("3 2\n", [("a", [0.1, 0.2]), ("b", [0.1, 0.2])]), 24, "row 3 of 3 is cut short"
    ),
  ])
  func malformedBinaryFilesNameTheByteOffset(bytes: [UInt8], offset: Int, expected: String) throws {
    let error = try #require(throws: InputError.self) {
      try Word2VecFormat.parse(bytes, path: "v.bin", encoding: .binary)
    }
    #expect(error.location == .byteOffset(offset), "\(error)")
    #expect(error.message.hasPrefix(expected), "\(error)")
  }

  @Test func unwritableFolderIsAnOutputErrorAndLeavesNothing() throws {
    let error = try #require(throws: OutputError.self) {
      try Word2VecFormat.write(sample(), to: folder.file("missing/v.txt"))
    }
    #expect(error.kind == .cannotCreate)
    #expect(folder.fileNames.isEmpty)
  }

  @Test func fullDiskIsAnIOErrorAndLeavesThePreviousFile() throws {
    // /dev/full accepts opening but fails every write with ENOSPC.
    guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
    var output = BufferedOutput(descriptor: open("/dev/full", O_WRONLY), path: "/dev/full")
    let error = try #require(throws: OutputError.self) {
      try Word2VecFormat.write(sample(), encoding: .text, to: &output)
      try output.flush()
    }
    #expect(error.kind == .ioError)
    #expect(error.message.contains("No space left"))
  }
}
