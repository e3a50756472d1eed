import Foundation
import TestSupport
import Testing

@testable import PoincareEmbedding

/// The OBO reader and the closure of an ontology: the hand-written fixture
/// (Tests/Fixtures/obo/mini.obo, whose closures the `obo` interop check also compares with
/// fastobo's reading), OBO syntax in small inline files, and every bad input as a located error.
@Suite struct OBOOntologyTests {
  let folder = TemporaryFolder()
  static let fixture = "\(repositoryRoot)/Tests/Fixtures/obo/mini.obo"

  /// The ontology in `text`, read from bytes as the fuzzer reads them, in small chunks.
  func ontology(_ text: String) throws -> OBOOntology {
    try Array(text.utf8).withUnsafeBytes {
      try OBOOntology(bytes: $0, path: "t.obo", chunkSize: 7, initialCapacity: 3)
    }
  }

  func written(_ closure: TransitiveClosure) throws -> String {
    let path = folder.file("closure.tsv")
    try AtomicFileWriter.write(to: path) { try closure.write(to: &$0) }
    return try String(contentsOfFile: path, encoding: .utf8)
  }

  func name(_ ontology: OBOOntology, _ id: String) -> String? {
    ontology.ids.index(of: id).flatMap { ontology.names[$0] }
  }

  @Test func fixtureTermsNamesRelationsAndTypedefs() throws {
    let ontology = try OBOOntology(path: Self.fixture)
    #expect(ontology.formatVersion == "1.4")
    #expect(ontology.termCount == 10 && ontology.obsoleteTermCount == 1)
    // The two stanzas of MINI:0000002 are one term; MINI:9999999 is only pointed at.
    #expect(ontology.ids.index(of: "MINI:9999999").map { ontology.isTerm[$0] } == false)
    #expect(ontology.ids.index(of: "MINI:instance1") == nil)
    #expect(ontology.relations == ["part_of", "has_part"])
    #expect(ontology.typedefs == ["part_of", "has_part"])
    #expect(name(ontology, "MINI:0000005") == "finger, with {escapes}!")
    #expect(name(ontology, "MINI:0000003") == "forelimb")
    #expect(ontology.edges.count == 16)
    let limb = try #require(ontology.ids.index(of: "MINI:0000002"))
    let edges = ontology.edges.filter { $0.child == NodeID(limb) }
    #expect(edges.map(\.line) == [16, 87])
  }

  @Test func fixtureClosureOverIsA() throws {
    let (closure, summary) = try TransitiveClosure.closure(of: OBOOntology(path: Self.fixture))
    #expect(
      try written(closure) == """
        MINI:0000002\tMINI:0000001
        MINI:0000002\tMINI:0000010
        MINI:0000003\tMINI:0000001
        MINI:0000003\tMINI:0000002
        MINI:0000003\tMINI:0000010
        MINI:0000004\tMINI:0000001
        MINI:0000005\tMINI:0000001
        MINI:0000006\tMINI:0000001
        MINI:0000008\tMINI:0000001
        MINI:0000008\tMINI:0000002
        MINI:0000008\tMINI:0000010
        MINI:0000010\tMINI:0000001

        """)
    #expect(closure.nodeCount == 8 && closure.pairCount == 12)
    var expected = OBOClosureSummary()
    expected.termCount = 10
    expected.obsoleteTermCount = 1
    expected.followedEdgeCounts = ["is_a": 9]
    expected.undefinedTargets.add(target: "MINI:9999999", line: 46)
    expected.obsoleteTargets.add(target: "MINI:0000007", line: 58)
    expected.isolatedTermCount = 1
    #expect(summary == expected)
  }

  @Test func partOfAddsTheWholesAndTheirAncestors() throws {
    let ontology = try OBOOntology(path: Self.fixture)
    let (closure, summary) = try TransitiveClosure.closure(of: ontology, following: ["part_of"])
    #expect(closure.pairCount == 19)
    #expect(summary.followedEdgeCounts == ["is_a": 9, "part_of": 3])
    // finger part_of hand part_of forelimb is_a limb, and forelimb part_of body.
    let text = try written(closure)
    for ancestor in ["MINI:0000004", "MINI:0000003", "MINI:0000002", "MINI:0000010"] {
      #expect(text.contains("MINI:0000005\t\(ancestor)\n"))
    }
    // has_part is not followed.
    #expect(!text.contains("MINI:0000005\tMINI:0000006"))
    // A relation the file declares but never uses is no error; an unknown one is.
    #expect(try TransitiveClosure.closure(of: ontology, following: ["has_part"]).0.pairCount == 13)
    let error = try #require(throws: ConfigurationError.self) {
      try TransitiveClosure.closure(of: ontology, following: ["partof"])
    }
    #expect(error.message.contains("relations used there: part_of, has_part"))
  }

  @Test func strictRefusesEdgesToUndefinedAndObsoleteTerms() throws {
    let ontology = try OBOOntology(path: Self.fixture)
    let undefined = try #require(throws: InputError.self) {
      try TransitiveClosure.closure(of: ontology, strict: true)
    }
    #expect(
      undefined.description == "\(Self.fixture):46: is_a: MINI:9999999 is not the id of a "
        + "[Term] of this file")
    let obsolete = try #require(throws: InputError.self) {
      try TransitiveClosure.closure(
        of: self.ontology("[Term]\nid: A\nis_obsolete: true\n[Term]\nid: B\nis_a: A\n"),
        strict: true)
    }
    #expect(obsolete.description == "t.obo:6: is_a: A is an obsolete term")
  }

  @Test func aCycleIsAnErrorListingItsTerms() throws {
    let ontology = try ontology(
      "[Term]\nid: A\nis_a: B\n[Term]\nid: B\nrelationship: part_of A\n[Term]\nid: C\nis_a: A\n")
    #expect(try TransitiveClosure.closure(of: ontology).0.pairCount == 3)
    let error = try #require(throws: InputError.self) {
      try TransitiveClosure.closure(of: ontology, following: ["part_of"])
    }
    #expect(error.description == "t.obo: the is_a and part_of edges form a cycle: A → B → A")
  }

  @Test func syntaxOfOBO12And14() throws {
    let ontology = try ontology(
      "\u{FEFF}format-version: 1.2 ! a comment\r\n"
        + "! a comment line\r\n\r\n"
        + "[Term] ! a stanza comment\r\n"
        + "  id:  A:1  \r\n"
        + "name: a \\\"quoted\\\" name\\W\\twith escapes \\{not a qualifier\\} {q=\"v\"}\r\n"
        + "is_a:B:2{a=\"}\", b=\"x\\\"y\"} ! label {not a qualifier}\r\n"
        + "def: \"text with ! and { inside quotes\" []\r\n"
        + "[Term]\nid: B:2\nname: b\nis_obsolete: false\n"
        + "[Typedef]\nid: part_of\nis_a: overlaps\n")
    #expect(ontology.formatVersion == "1.2")
    #expect(name(ontology, "A:1") == "a \"quoted\" name \twith escapes {not a qualifier}")
    #expect(ontology.edges.map(\.line) == [7])
    #expect(ontology.termCount == 2 && ontology.obsoleteTermCount == 0)
    #expect(ontology.typedefs == ["part_of"])
    let (closure, _) = try TransitiveClosure.closure(of: ontology)
    #expect(try written(closure) == "A:1\tB:2\n")
  }

  @Test func mergedStanzasAddUpAndAnyObsoleteMarkWins() throws {
    let ontology = try ontology(
      "[Term]\nid: A\nname: a\nis_a: B\n[Term]\nid: B\n[Term]\nid: C\n[Term]\nid: A\nname: a\n"
        + "is_a: C\n[Term]\nid: C\nis_obsolete: true\n")
    #expect(ontology.termCount == 3 && ontology.obsoleteTermCount == 1)
    let (closure, summary) = try TransitiveClosure.closure(of: ontology)
    #expect(try written(closure) == "A\tB\n")
    #expect(summary.obsoleteTargets.count == 1 && summary.obsoleteTargets.firstLine == 12)
  }

  @Test(arguments: [
    ("[Term]\nname: no id\n\n[Term]\nid: B\n", 1, "this [Term] stanza has no id: line"),
    (
      "[Term]\nid: A\nis_a: B {source=\"x\"\n", 3,
      "the qualifier list `{…` is not closed: no `}` before the end of the line"
    ),
    (
      "[Term]\nid: A\nis_a: B {a=\"}\n", 3,
      "the qualifier list `{…` is not closed: no `}` before the end of the line"
    ),
    ("[Term]\nid: A\nis_a: B {a=\"1\"} C\n", 3, "text after the qualifier list: 'C'"),
    ("format-version: 1.4\n[Term]\nid: A\nname: caf\u{E9}\n", 0, ""),
    (
      "a\tb\nb\tc\n", 1,
      "not an OBO file: 'a?b' is neither a header tag such as "
        + "`format-version: 1.4` nor a `[Term]` stanza"
    ),
    (
      "[Term]\nid: A\nthis line has no tag\n", 3,
      "expected `tag: value`, found 'this line has no tag'"
    ),
    ("[term]\nid: A\n", 1, "unknown stanza type '[term]'"),
    ("[Term\nid: A\n", 1, "a stanza header without its closing `]`: '[Term'"),
    ("[Term] x\nid: A\n", 1, "text after the stanza header: '[Term] x'"),
    ("[Term]\nid: A\nid: B\n", 3, "a second id: in one [Term] stanza (the first is at line 2)"),
    (
      "[Term]\nid: A\nname: a\nname: b\n", 4,
      "a second name: in one [Term] stanza (the first is at line 3)"
    ),
    (
      "[Term]\nid: A\nname: a\n[Term]\nid: A\nname: b\n", 6,
      "term A is named 'b' here but 'a' at line 3"
    ),
    ("[Term]\nid: A B\n", 2, "id: expected one id, found 'A B'"),
    ("[Term]\nid:\n", 2, "id: expected one id, found nothing"),
    ("[Term]\nid: A\\Wb\n", 2, "node name 'A b' contains a space"),
    ("[Term]\nid: A\nis_a: B C ! two ids\n", 3, "is_a: expected one id, found 'B C'"),
    (
      "[Term]\nid: A\nrelationship: B\n", 3,
      "relationship: expected a relation and a term id, found 'B'"
    ),
    ("[Term]\nid: A\nis_obsolete: yes\n", 3, "is_obsolete: expected true or false, found 'yes'"),
    ("[Term]\nid: A\nname: a\u{1}b\n", 3, "the line contains a control character (byte 0x1)"),
    ("[Term]\nid: A\nname: a\rb\n", 3, "the line contains a control character (byte 0xd)"),
  ])
  func badInputIsALocatedError(text: String, line: Int, message: String) throws {
    if line == 0 {
      // The control: the same shape of file reads.
      _ = try ontology(text)
      return
    }
    let error = try #require(throws: InputError.self) { try ontology(text) }
    #expect(error.kind == .malformed)
    #expect(error.location == .line(line), "\(error)")
    #expect(error.message.hasPrefix(message), "\(error)")
    #expect(error.hint != nil)
  }

  @Test func invalidUTF8AndBinaryFilesNameTheLine() throws {
    let latin1 = Array("format-version: 1.2\n[Term]\nid: A\nname: caf".utf8) + [0xE9, 0x0A]
    let error = try #require(throws: InputError.self) {
      try latin1.withUnsafeBytes { try OBOOntology(bytes: $0, path: "t.obo") }
    }
    #expect(error.description == "t.obo:4: the line is not valid UTF-8")
    let gzip: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x0A, 0x00]
    let compressed = try #require(throws: InputError.self) {
      try gzip.withUnsafeBytes { try OBOOntology(bytes: $0, path: "t.obo") }
    }
    #expect(compressed.description == "t.obo:1: the file is gzip-compressed")
  }

  @Test(arguments: [
    ("", "the file is empty"),
    ("\n! only a comment\n\n", "the file has only blank lines and comments"),
    ("format-version: 1.4\n[Typedef]\nid: part_of\n", "the file has no [Term] stanza"),
  ])
  func filesWithoutTermsAreWholeFileErrors(text: String, message: String) throws {
    let error = try #require(throws: InputError.self) { try ontology(text) }
    #expect(error.location == .file && error.message == message)
  }

  @Test func theFileIsRecognisedByItsExtensionOrItsFirstLine() {
    let tsv = folder.write("edges.tsv", "a\tb\n")
    let header = folder.write("hp.txt", "\u{FEFF}\nformat-version: 1.2\n")
    let term = folder.write("terms", "[Term]\nid: A\n")
    let obo = folder.write("empty.OBO", "")
    #expect(!OBOOntology.isOBOFile(tsv))
    #expect(OBOOntology.isOBOFile(header) && OBOOntology.isOBOFile(term))
    #expect(OBOOntology.isOBOFile(obo))
    #expect(!OBOOntology.isOBOFile(folder.file("missing")) && !OBOOntology.isOBOFile("-"))
  }

  @Test func labelsAreTheNamesOfTheClosuresNodes() throws {
    let ontology = try OBOOntology(path: Self.fixture)
    let (closure, _) = try TransitiveClosure.closure(of: ontology)
    let labels = ontology.labels(of: closure)
    #expect(labels.count == 8)
    #expect(labels.label(of: "MINI:0000011") == nil)  // isolated: in no pair
    #expect(labels.label(of: "MINI:0000007") == nil)  // obsolete
    #expect(labels.label(of: "MINI:0000010") == "body")
    let limb = try #require(closure.names.index(of: "MINI:0000002"))
    let below = ontology.labels(of: closure.restricted(toDescendantsOf: limb))
    #expect(below.entries.map(\.label).sorted() == ["forelimb", "limb", "toe"])
  }
}
