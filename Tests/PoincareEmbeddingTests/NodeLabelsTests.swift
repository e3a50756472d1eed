import Foundation
import TestSupport
import Testing

@testable import PoincareEmbedding

/// Names files (`id<TAB>name`) and looking nodes up by name.
@Suite struct NodeLabelsTests {
  let folder = TemporaryFolder()

  func labels(_ text: String) throws -> NodeLabels {
    try Array(text.utf8).withUnsafeBytes {
      try NodeLabels.read(bytes: $0, path: "n.tsv", chunkSize: 5, initialCapacity: 2)
    }
  }

  /// Four nodes on a line; two share the name "Seizure" up to letter case.
  let vectors = KeyedVectors(
    vocabulary: Vocabulary(names: ["HP:1", "HP:2", "HP:3", "HP:4"]), dimension: 1,
    values: [0.1, 0.2, 0.3, 0.4])

  @Test func writesSortedByIdAndReadsBack() throws {
    var labels = NodeLabels()
    labels.add(id: "b", label: "Second\tname\nwith control characters")
    labels.add(id: "a", label: "First")
    labels.add(id: "é", label: "Accented")
    labels.add(id: "a", label: "First, renamed")
    let path = folder.file("names.tsv")
    try labels.write(to: path)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(
      text == "a\tFirst, renamed\nb\tSecond name with control characters\né\tAccented\n")
    let read = try NodeLabels.read(path)
    #expect(read.entries.map(\.id) == ["a", "b", "é"])
    #expect(read.label(of: "b") == "Second name with control characters")
    #expect(read.label(of: "c") == nil)
  }

  @Test func readingSkipsBlankLinesAndKeepsTabsOfTheName() throws {
    let read = try labels("\u{FEFF}a\tx\r\n\n  \nb\tname\twith a tab\n")
    #expect(read.entries.map(\.label) == ["x", "name with a tab"])
  }

  @Test(arguments: [
    ("a\tx\nb\n", 2, "expected `id<TAB>name`, found no tab"),
    ("a\tx\nb\t \n", 2, "the name is empty"),
    ("a b\tx\n", 1, "node name 'a b' contains a space"),
    ("\tx\n", 1, "empty node name"),
    ("a\tx\nb\ty\na\tz\n", 3, "a is named twice (first at line 1)"),
    ("a\tx\u{1}\n", 1, "the name contains a control character (byte 0x1)"),
  ])
  func badLinesAreLocatedErrors(text: String, line: Int, message: String) throws {
    let error = try #require(throws: InputError.self) { try labels(text) }
    #expect(error.location == .line(line) && error.message == message, "\(error)")
  }

  @Test func invalidUTF8AndEmptyFiles() throws {
    let bytes: [UInt8] = Array("a\tx\nb\tcaf".utf8) + [0xE9]
    let error = try #require(throws: InputError.self) {
      try bytes.withUnsafeBytes { try NodeLabels.read(bytes: $0, path: "n.tsv") }
    }
    #expect(error.description == "n.tsv:2: the name is not valid UTF-8")
    for (text, message) in [
      ("", "the file is empty"), ("\n\n", "the file has no names, only blank lines"),
    ] {
      let empty = try #require(throws: InputError.self) { try labels(text) }
      #expect(empty.location == .file && empty.message == message)
    }
  }

  @Test func aUniqueNameFindsItsNode() throws {
    let names = try labels("HP:1\tSeizure\nHP:2\tseizure\nHP:3\tFever\nHP:9\tAbsent node\n")
    #expect(try vectors.index(of: "HP:3", labels: names) == 2)
    #expect(try vectors.index(of: "Fever", labels: names) == 2)
    #expect(try vectors.index(of: "FEVER", labels: names) == 2)
    // An exact match wins over a match in other letter case.
    #expect(try vectors.index(of: "Seizure", labels: names) == 0)
    #expect(try vectors.index(of: "seizure", labels: names) == 1)
    let ambiguous = try #require(throws: AmbiguousNameError.self) {
      try vectors.index(of: "SEIZURE", labels: names)
    }
    #expect(ambiguous.description == "'SEIZURE' is the name of 2 nodes: HP:1, HP:2")
    // A name of a node that is not in the vectors finds nothing.
    let absent = try #require(throws: UnknownNodeError.self) {
      try vectors.index(of: "Absent node", labels: names, in: "v.txt")
    }
    #expect(absent.description == "v.txt: no node named 'Absent node' (among 4 nodes)")
    let unknown = try #require(throws: UnknownNodeError.self) {
      try vectors.index(of: "seiz", labels: names)
    }
    #expect(unknown.suggestions == ["HP:1 (Seizure)", "HP:2 (seizure)"])
    #expect(throws: UnknownNodeError.self) { try vectors.index(of: "Fever", labels: nil) }
  }
}
