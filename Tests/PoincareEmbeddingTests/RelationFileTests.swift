import TestSupport
import Testing

@testable import PoincareEmbedding

@Suite struct RelationFileTests {
  let folder = TemporaryFolder()

  @Test func vocabularyFollowsFirstAppearanceAndGensimCounts() throws {
    // gensim's verified example (GENSIM-REFERENCE §1.2): duplicates and self-loops are kept.
    let path = folder.write("r.tsv", "a\tb\na\tb\nb\tc\nc\tc\n")
    let relations = try RelationFile.read(path)
    #expect(relations.vocabulary.names == ["a", "b", "c"])
    #expect(relations.vocabulary.counts == [2, 3, 3])
    #expect(relations.pairs == [0, 1, 0, 1, 1, 2, 2, 2])
    let graph = RelationGraph(relations)
    #expect(Array(graph.outNeighbors(0)) == [1])
    #expect(Array(graph.outNeighbors(2)) == [2])
    #expect(graph.contains(child: 1, parent: 2))
    #expect(!graph.contains(child: 2, parent: 1))
  }

  @Test(arguments: [
    "x\ty\r\nz\ty\r\n",  // CRLF
    "x\ty\n\n\nz\ty\n",  // blank lines are skipped
    "x\ty\nz\ty",  // no final newline
    "\u{FEFF}x\ty\nz\ty\n",  // a byte order mark is not part of the first name
    "x\ty\n \t \n\r\r\nz\ty\n",  // lines of spaces, tabs and CRs are blank
  ])
  func lineEndingsAndBlankLines(text: String) throws {
    let relations = try RelationFile.read(folder.write("r.tsv", text))
    #expect(relations.vocabulary.names == ["x", "y", "z"])
    #expect(relations.count == 2)
  }

  @Test func utf8NamesAndQuotedFields() throws {
    let path = folder.write("r.tsv", "tímto\tbudeš\n\"quoted\"\t\"a\"\"b\"\n")
    let relations = try RelationFile.read(path)
    #expect(relations.vocabulary.names == ["tímto", "budeš", "quoted", "a\"b"])
  }

  @Test func threeFieldsOnLine17IsAnErrorNamingTheLine() throws {
    var text = ""
    for index in 1...16 { text += "n\(index)\tp\n" }
    text += "a\tb\tc\n"
    let path = folder.write("r.tsv", text)
    let error = try #require(throws: InputError.self) { try RelationFile.read(path) }
    #expect(error.kind == .malformed)
    #expect(error.location == .line(17))
    #expect(error.description == "\(path):17: expected 2 tab-separated fields (child, parent), found 3")
    #expect(error.hint != nil)
  }

  @Test(arguments: [
    ("a b\tc\n", "contains a space"),
    ("\"a b\"\tc\n", "contains a space"),
    ("a\t\n", "empty node name"),
    ("a\n", "found 1"),
    ("\"a\tc\n", "not closed"),
  ])
  func malformedLinesAreLocatedErrors(text: String, expected: String) throws {
    let path = folder.write("r.tsv", "ok\tfine\n" + text)
    let error = try #require(throws: InputError.self) { try RelationFile.read(path) }
    #expect(error.location == .line(2))
    #expect(error.description.contains(expected))
  }

  @Test func oldMacLineEndingsAreNamedInTheHint() throws {
    let path = folder.write("mac.tsv", "a\tb\rc\td\re\tf\r")
    let error = try #require(throws: InputError.self) { try RelationFile.read(path) }
    #expect(error.location == .line(1))
    #expect(error.message == "expected 2 tab-separated fields (child, parent), found 4")
    #expect(error.hint?.contains("carriage return") == true)
  }

  @Test func invalidUTF8AndNULAreRefused() throws {
    let bad = folder.write("bad.tsv", bytes: Array("a\t".utf8) + [0xC3, 0x28] + [0x0A])
    let error = try #require(throws: InputError.self) { try RelationFile.read(bad) }
    #expect(error.description.contains("UTF-8"))
    let nul = folder.write("nul.tsv", bytes: Array("a\tb".utf8) + [0] + [0x0A])
    let nulError = try #require(throws: InputError.self) { try RelationFile.read(nul) }
    #expect(nulError.description.contains("NUL"))
  }

  @Test func emptyAndBlankFilesSaySo() throws {
    let empty = try #require(throws: InputError.self) {
      try RelationFile.read(folder.write("e.tsv", ""))
    }
    #expect(empty.description.hasSuffix("the file is empty"))
    let blank = try #require(throws: InputError.self) {
      try RelationFile.read(folder.write("b.tsv", "\n\n\r\n"))
    }
    #expect(blank.description.hasSuffix("has no relations, only blank lines"))
  }

  @Test func missingFileAndDirectoryAreInputErrors() throws {
    let missing = try #require(throws: InputError.self) {
      try RelationFile.read(folder.file("nope.tsv"))
    }
    #expect(missing.kind == .notFound)
    let directory = try #require(throws: InputError.self) { try RelationFile.read(folder.path) }
    #expect(directory.kind == .unreadable)
    #expect(directory.description.contains("directory"))
  }

  @Test func facebookCSVSkipsHeaderAndWeight() throws {
    let path = folder.write("c.csv", "id1,id2,weight\ndog,mammal,1\ncat,mammal,1\n")
    let relations = try RelationFile.read(path)
    #expect(relations.vocabulary.names == ["dog", "mammal", "cat"])
    #expect(relations.vocabulary.counts == [1, 2, 1])
  }

  @Test func longLinesGrowTheBuffer() throws {
    let long = String(repeating: "x", count: 3 << 20)
    let relations = try RelationFile.read(folder.write("l.tsv", "\(long)\ty\na\tb\n"))
    #expect(relations.vocabulary.name(of: 0).count == 3 << 20)
    #expect(relations.count == 2)
  }

  @Test func vocabularyInternsManyNames() {
    var vocabulary = Vocabulary()
    for index in 0..<20_000 {
      var name = "node\(index)"
      let (id, isNew) = name.withUTF8 { vocabulary.intern($0) }
      #expect(isNew && id == NodeID(index))
    }
    #expect(vocabulary.index(of: "node12345") == 12345)
    #expect(vocabulary.index(of: "node20000") == nil)
  }
}
