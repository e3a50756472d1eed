import Foundation
import Testing
import TestSupport

@testable import PoincareEmbedding

@Suite struct WordNetDatabaseTests {
  let folder = TemporaryFolder()

  /// "dog" has two senses whose order in the index (dog1, dog2) differs from the data file;
  /// Lassie and Fury are instances; Alecto's only hypernym is the instance Fury, so its hypernym
  /// chain stops there (as `alecto.n.01` → `fury.n.04` does in WordNet 3.0).
  static let data = [
    "  1 WordNet-style licence header: lines starting with two spaces are skipped.",
    "{entity} 03 n 01 entity 0 000 | that which exists",
    "{dog2} 18 n 02 dog 1 frump 0 001 @ {entity} n 0000 | a dull unattractive woman",
    "{dog1} 05 n 01 Dog 0 002 @ {entity} n 0000 ~i {lassie} n 0000 | a domesticated canid",
    "{lassie} 18 n 01 Lassie 0 001 @i {dog1} n 0000 | a fictional collie",
    "{deity} 18 n 01 deity 0 002 @ {entity} n 0000 ~i {fury} n 0000 | a supernatural being",
    "{fury} 18 n 01 Fury 0 002 @i {deity} n 0000 ~ {alecto} n 0000 | an avenging spirit",
    "{alecto} 18 n 01 Alecto 0 002 @ {fury} n 0000 @ {dog1} n 0101 | one of the Furies",
  ]
  static let index = [
    "  1 WordNet-style licence header.",
    "alecto n 1 1 @ 1 0 {alecto}",
    "deity n 1 2 @ ~i 1 0 {deity}",
    "dog n 2 2 @ ~i 2 1 {dog1} {dog2}",
    "entity n 1 0 1 0 {entity}",
    "frump n 1 1 @ 1 0 {dog2}",
    "fury n 1 2 @i ~ 1 0 {fury}",
    "lassie n 1 1 @i 1 0 {lassie}",
  ]

  /// Writes the fixture (optionally edited) to the test folder and reads it.
  func read(data: [String] = data, index: [String] = index) throws -> WordNetDatabase {
    folder.write("data.noun", WordNetFixture.resolve(data))
    folder.write("index.noun", WordNetFixture.resolve(index, offsetsFrom: data))
    return try WordNetDatabase(directory: folder.path)
  }

  func namePairs(_ pairs: [NodeID], _ database: WordNetDatabase) -> [String] {
    stride(from: 0, to: pairs.count, by: 2).map {
      database.names.name(of: Int(pairs[$0])) + " " + database.names.name(of: Int(pairs[$0 + 1]))
    }
  }

  @Test func synsetNamesAreNLTKs() throws {
    let database = try read()
    // Data-file order; the sense number is the position in the lemma's index line, the first
    // word is lowercased, and a second word ("frump") never names the synset.
    #expect(
      database.names.names == [
        "entity.n.01", "dog.n.02", "dog.n.01", "lassie.n.01", "deity.n.01", "fury.n.01",
        "alecto.n.01",
      ])
  }

  @Test func pointersBySymbolAndOnlySemanticOnes() throws {
    let database = try read()
    // alecto's `@ … 0101` is a lexical pointer between two words, which NLTK's hypernyms()
    // does not follow.
    #expect(
      namePairs(database.hypernymPairs, database) == [
        "dog.n.02 entity.n.01", "dog.n.01 entity.n.01", "deity.n.01 entity.n.01",
        "alecto.n.01 fury.n.01",
      ])
    #expect(
      namePairs(database.instanceHypernymPairs, database) == [
        "lassie.n.01 dog.n.01", "fury.n.01 deity.n.01",
      ])
    #expect(
      namePairs(database.instanceHyponymPairs, database) == [
        "dog.n.01 lassie.n.01", "deity.n.01 fury.n.01",
      ])
  }

  @Test func closureFollowsFacebookResearchsScript() throws {
    let closure = TransitiveClosure(wordNet: try read())
    var pairs: [String] = []
    for child in 0..<closure.names.count {
      for parent in closure.ancestors.outNeighbors(child) {
        pairs.append(closure.names.name(of: child) + " " + closure.names.name(of: Int(parent)))
      }
    }
    // Instances get their instance hypernyms and those classes' hypernyms; Alecto, whose
    // hypernym is an instance, gets only fury.n.01 (the script's hypernym closure stops there).
    #expect(
      pairs.sorted() == [
        "alecto.n.01 fury.n.01", "deity.n.01 entity.n.01", "dog.n.01 entity.n.01",
        "dog.n.02 entity.n.01", "fury.n.01 deity.n.01", "fury.n.01 entity.n.01",
        "lassie.n.01 dog.n.01", "lassie.n.01 entity.n.01",
      ])
    #expect(closure.nodeCount == 7 && closure.pairCount == 8)
  }

  @Test(arguments: [
    ("Entity(p)", "entity", "entity.n.01"),  // NLTK strips a final syntactic marker
    ("f(x)(a)", "f(x)", "f(x).n.01"),  // only the last group, without nested parentheses
    ("ENTITY", "entity", "entity.n.01"),
  ])
  func firstWordIsNormalizedAsNLTKDoes(word: String, lemma: String, name: String) throws {
    let data = ["{root} 03 n 01 \(word) 0 000 | gloss"]
    let database = try read(data: data, index: ["\(lemma) n 1 0 1 0 {root}"])
    #expect(database.names.names == [name])
  }

  @Test func readsTheCheckedInMiniDatabaseForBothPartsOfSpeech() throws {
    let directory = "\(repositoryRoot)/Tests/Fixtures/wordnet-mini"
    let nouns = try WordNetDatabase(directory: directory, partOfSpeech: .noun)
    #expect(nouns.names.count == 9)
    #expect(TransitiveClosure(wordNet: nouns).pairCount == 15)
    let verbs = try WordNetDatabase(directory: directory, partOfSpeech: .verb)
    #expect(verbs.names.names == ["move.v.01", "walk.v.01"])
    #expect(namePairs(verbs.hypernymPairs, verbs) == ["walk.v.01 move.v.01"])
  }

  // MARK: Bad input

  /// The data fixture with line `index` (0-based, header included) replaced.
  static func data(replacing index: Int, with line: String) -> [String] {
    var lines = data
    lines[index] = line
    return lines
  }

  static var dataOffsets: [String: Int] { WordNetFixture.offsets(of: data) }

  @Test(arguments: [
    (
      data(replacing: 3, with: "{dog1} 05 n 01 Dog 0 003 @ {entity} n 0000 ~i {lassie} n 0000 | x"),
      "dog1", "expected the target offset of pointer 3 (a decimal number), found 'x'"
    ),
    (
      data(replacing: 3, with: "{dog1} 05 n 01 Dog 0 002 @ {entity} n 0000"), "dog1",
      "the line ends before the symbol of pointer 2 (truncated?)"
    ),
    (
      data(replacing: 3, with: "{dog1} 05 n 01 Dog 0 000 no gloss"), "dog1",
      "no gloss separator '|' after the pointers (truncated line?)"
    ),
    (
      data(replacing: 3, with: "{dog1} 05 v 01 Dog 0 000 | x"), "dog1",
      "synset type 'v' where 'n' was expected"
    ),
    (
      data(replacing: 3, with: "{dog1} 05 n zz Dog 0 000 | x"), "dog1",
      "expected the word count (a hexadecimal number), found 'zz'"
    ),
    (
      data(replacing: 3, with: "{dog1} 05 n 00 000 | x"), "dog1",
      "the word count is 0; a synset has words"
    ),
    (
      data(replacing: 3, with: "{dog1} 05 n 01 Dog 0 001 @ {entity} x 0000 | x"), "dog1",
      "pointer 1 has part of speech 'x' (expected n, v, a, s or r)"
    ),
    (
      data(replacing: 3, with: "{dog1} 05 n 01 Dog 0 001 @ {entity} n 00g0 | x"), "dog1",
      "pointer 1 has source/target field '00g0' (expected 4 hexadecimal digits)"
    ),
    (
      data(replacing: 3, with: "{dog1} 05 n 01 Dog 0 001 @ {entity} v 0000 | x"), "dog1",
      "pointer 1 (@) leads to part of speech 'v'; only links within this file are followed"
    ),
    (
      data(replacing: 3, with: "{dog1} 05 n 01 Dog 0 001 @ 99999999 n 0000 | x"), "dog1",
      "a '@' pointer targets offset 99999999, past the end of the file"
    ),
    (
      data(replacing: 3, with: "{dog1} 05 n 01 Dog 0 001 @ 00000001 n 0000 | x"), "dog1",
      "a '@' pointer targets offset 1, not the start of a synset line"
    ),
  ])
  func corruptDataLinesNameTheFileAndByteOffset(
    lines: [String], label: String, message: String
  ) throws {
    let error = try #require(throws: InputError.self) { try read(data: lines) }
    let offset = WordNetFixture.offsets(of: lines)[label]!
    #expect(error.kind == .malformed)
    #expect(error.path == folder.file("data.noun"))
    #expect(error.location == .byteOffset(offset))
    #expect(error.message.hasPrefix(message), "\(error.message)")
    #expect(error.description.hasPrefix("\(folder.file("data.noun")): byte offset \(offset): "))
    #expect(error.hint != nil)
  }

  @Test func aHypernymCycleEndsAndNoSynsetIsItsOwnAncestor() throws {
    // entity → dog1 → entity (and dog2 → entity, lassie → dog1 …): NLTK's closure visits each
    // synset once and leaves out its start; so does ours, and it terminates.
    let lines = Self.data(
      replacing: 1, with: "{entity} 03 n 01 entity 0 001 @ {dog1} n 0000 | that which exists")
    let database = try read(data: lines)
    let closure = TransitiveClosure(wordNet: database)
    for node in 0..<closure.names.count {
      #expect(!closure.ancestors.contains(child: node, parent: NodeID(node)))
    }
    let entity = try #require(database.names.index(of: "entity.n.01"))
    let dog = try #require(database.names.index(of: "dog.n.01"))
    #expect(Array(closure.ancestors.outNeighbors(entity)) == [NodeID(dog)])
    #expect(Array(closure.ancestors.outNeighbors(dog)) == [NodeID(entity)])
  }

  @Test func aControlCharacterInAWordIsAnError() throws {
    let error = try #require(throws: InputError.self) {
      try read(
        data: ["{root} 03 n 01 Ro\u{1}ot 0 000 | gloss"], index: ["ro\u{1}ot n 1 0 1 0 {root}"])
    }
    #expect(error.location == .byteOffset(0))
    #expect(
      error.message
        == "synset name: node name 'ro?ot.n.01' contains a control character (byte 0x1)")
  }

  @Test func aDataFileWithoutSynsetsIsAnError() throws {
    let error = try #require(throws: InputError.self) {
      try read(data: ["  1 only a header"], index: [])
    }
    #expect(
      error.description
        == "\(folder.file("data.noun")): has no synset lines, only a header or nothing")
  }

  @Test func aTruncatedFileIsReportedAtItsLastLine() throws {
    let text = WordNetFixture.resolve(Self.data)
    let cut = text.utf8.count - 10
    folder.write("data.noun", bytes: Array(text.utf8.prefix(cut)))
    folder.write("index.noun", WordNetFixture.resolve(Self.index, offsetsFrom: Self.data))
    let error = try #require(throws: InputError.self) {
      try WordNetDatabase(directory: folder.path)
    }
    #expect(error.location == .byteOffset(Self.dataOffsets["alecto"]!))
    #expect(error.message == "the file ends in the middle of a synset line (truncated?)")
  }

  @Test func anOffsetFieldThatIsNotTheLinePositionIsAnError() throws {
    // One more header byte shifts every line, as converting line endings to CRLF does.
    var lines = Self.data
    lines[0] += "!"
    folder.write("data.noun", WordNetFixture.resolve(lines, offsetsFrom: Self.data))
    folder.write("index.noun", WordNetFixture.resolve(Self.index, offsetsFrom: Self.data))
    let error = try #require(throws: InputError.self) {
      try WordNetDatabase(directory: folder.path)
    }
    let offset = Self.dataOffsets["entity"]!
    #expect(error.location == .byteOffset(offset + 1))
    #expect(
      error.message.hasPrefix(
        "the synset offset field reads \(offset) but the line starts at byte \(offset + 1)"))
  }

  @Test(arguments: [
    (
      ["dog n 2 2 @ ~i 2 1 {dog1} 00000003"], 1,
      "synset offset 2 of 'dog', 3, is not the start of a synset line in the data file"
    ),
    (["dog n 2 2 @ ~i 1 1 {dog1} {dog2}"], 1, "the sense count 1 differs from the synset count 2"),
    (["dog v 1 0 1 0 {dog1}"], 1, "part of speech 'v' where 'n' was expected"),
    (["dog n 0 0 0 0"], 1, "the synset count is 0"),
    (["dog n 3 0 3 0 {dog1} {dog2}"], 1, "the line ends before the synset offset 3 (truncated?)"),
    (["  header", "", "dog n 1 x"], 3, "expected the pointer symbol count (a decimal number)"),
  ])
  func malformedIndexLinesNameTheLine(lines: [String], line: Int, message: String) throws {
    let error = try #require(throws: InputError.self) { try read(index: lines) }
    #expect(error.path == folder.file("index.noun"))
    #expect(error.location == .line(line))
    #expect(error.message.hasPrefix(message), "\(error.message)")
  }

  @Test func aSynsetTheIndexDoesNotListHasNoName() throws {
    let error = try #require(throws: InputError.self) {
      try read(index: Self.index.filter { !$0.hasPrefix("alecto") })
    }
    #expect(error.path == folder.file("data.noun"))
    #expect(error.location == .byteOffset(Self.dataOffsets["alecto"]!))
    #expect(error.message.contains("lists this synset under its first word 'alecto'"))
  }

  @Test func twoSynsetsWithOneNameAreAnError() throws {
    // A second "dog" line makes dog2 the first sense too.
    let error = try #require(throws: InputError.self) {
      try read(index: Self.index + ["dog n 1 0 1 0 {dog2}"])
    }
    #expect(error.location == .byteOffset(Self.dataOffsets["dog1"]!))
    #expect(error.message == "a second synset is named 'dog.n.01'")
  }

  @Test func missingFolderAndFilesAreNotFoundWithAnInstallHint() throws {
    let missing = folder.file("no-such-folder")
    let error = try #require(throws: InputError.self) {
      try WordNetDatabase(directory: missing)
    }
    #expect(error.kind == .notFound)
    #expect(error.description == "\(missing): no such folder")
    #expect(error.hint?.contains("apt-get install wordnet-base") == true)

    let noData = try #require(throws: InputError.self) {
      try WordNetDatabase(directory: folder.path, partOfSpeech: .verb)
    }
    #expect(noData.kind == .notFound && noData.path == folder.file("data.verb"))
    #expect(noData.hint != nil)

    let file = folder.write("plain.txt", "x")
    let notFolder = try #require(throws: InputError.self) {
      try WordNetDatabase(directory: file)
    }
    #expect(notFolder.kind == .unreadable && notFolder.message == "is not a folder")
  }

  @Test func garbageNeverCrashesOrHangs() throws {
    // Every truncation, and seeded single-byte corruptions, either read or throw InputError.
    let text = Array(WordNetFixture.resolve(Self.data).utf8)
    folder.write("index.noun", WordNetFixture.resolve(Self.index, offsetsFrom: Self.data))
    var variants: [[UInt8]] = stride(from: 0, to: text.count, by: 3).map { Array(text[..<$0]) }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<200 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      var corrupted = text
      corrupted[Int(state >> 33) % text.count] = UInt8(truncatingIfNeeded: state >> 13)
      variants.append(corrupted)
    }
    var failures = 0
    for bytes in variants {
      folder.write("data.noun", bytes: bytes)
      do {
        _ = TransitiveClosure(wordNet: try WordNetDatabase(directory: folder.path))
      } catch is InputError {
        failures += 1
      }
    }
    // Most truncations cut a synset line; a few (inside the header) leave a valid file.
    #expect(failures > variants.count / 2)
  }
}
