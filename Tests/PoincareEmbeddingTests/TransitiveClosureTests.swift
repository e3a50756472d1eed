import Foundation
import Testing
import TestSupport

@testable import PoincareEmbedding

@Suite struct TransitiveClosureTests {
  let folder = TemporaryFolder()

  /// The closure of `edges` (file text), written as the command writes it.
  func closureText(_ edges: String) throws -> String {
    let (closure, _) = try TransitiveClosure.read(edgeFile: folder.write("edges.tsv", edges))
    return try written(closure)
  }

  func written(_ closure: TransitiveClosure) throws -> String {
    let path = folder.file("closure.tsv")
    try AtomicFileWriter.write(to: path) { try closure.write(to: &$0) }
    return try String(contentsOfFile: path, encoding: .utf8)
  }

  @Test func toyEdgesGiveTheCheckedInToyClosureByteForByte() throws {
    let (closure, summary) = try TransitiveClosure.read(
      edgeFile: "\(repositoryRoot)/data/toy_edges.tsv")
    #expect(closure.nodeCount == 14 && closure.pairCount == 31)
    #expect(summary == EdgeFileSummary(edgeCount: 13, distinctEdgeCount: 13, selfLoopCount: 0))
    let expected = try String(
      contentsOfFile: "\(repositoryRoot)/data/toy_closure.tsv", encoding: .utf8)
    #expect(try written(closure) == expected)
  }

  @Test func pairsAreSortedByChildThenParentInByteOrder() throws {
    // Byte order: uppercase before lowercase, a name before its extensions, '.' before '_',
    // and multi-byte UTF-8 last.
    let text = try closureText("é\tz\na_b\tz\na.b\tz\na\tz\nB\tz\na\tB\n")
    #expect(text == "B\tz\na\tB\na\tz\na.b\tz\na_b\tz\né\tz\n")
  }

  @Test func duplicatesAreMergedAndSelfLoopsSkipped() throws {
    let path = folder.write("edges.tsv", "b\ta\nb\ta\nc\tb\nc\tc\n")
    let (closure, summary) = try TransitiveClosure.read(edgeFile: path)
    #expect(summary == EdgeFileSummary(edgeCount: 4, distinctEdgeCount: 2, selfLoopCount: 1))
    #expect(try written(closure) == "b\ta\nc\ta\nc\tb\n")
  }

  @Test func aCycleIsAnErrorListingItsNodes() throws {
    let path = folder.write("edges.tsv", "x\ta\na\tb\nb\tc\nc\ta\n")
    let error = try #require(throws: InputError.self) {
      try TransitiveClosure.read(edgeFile: path)
    }
    #expect(error.kind == .malformed)
    #expect(error.description == "\(path): the edges form a cycle: a → b → c → a")
    #expect(error.hint != nil)
  }

  @Test func restrictionKeepsDescendantsOfTheRoot() throws {
    let (closure, _) = try TransitiveClosure.read(edgeFile: "\(repositoryRoot)/data/toy_edges.tsv")
    let animal = try #require(closure.names.index(of: "animal"))
    let below = closure.restricted(toDescendantsOf: animal)
    #expect(below.nodeCount == 7)
    #expect(
      try written(below) == """
        bird\tanimal
        cat\tanimal
        cat\tmammal
        dog\tanimal
        dog\tmammal
        mammal\tanimal
        penguin\tanimal
        penguin\tbird
        sparrow\tanimal
        sparrow\tbird

        """)
    let leaf = try #require(closure.names.index(of: "rose"))
    #expect(closure.restricted(toDescendantsOf: leaf).pairCount == 0)
  }

  @Test func suggestionsForUnknownNames() {
    let names = Vocabulary(names: ["mammal.n.01", "dog.n.01", "dog.n.03", "dogma.n.01", "cat.n.01"])
    #expect(names.suggestions(for: "mamal.n.01") == ["mammal.n.01"])
    #expect(names.suggestions(for: "dog") == ["dog.n.01", "dog.n.03"])
    #expect(names.suggestions(for: "dog.n.02") == ["dog.n.01", "dog.n.03"])
    #expect(names.suggestions(for: "zebra.n.01").isEmpty)
  }

  @Test func idsSortedByNameUseByteOrder() {
    let names = Vocabulary(names: ["b", "a.b", "A", "a", "a_b"])
    #expect(
      names.idsSortedByName().map { names.name(of: Int($0)) } == ["A", "a", "a.b", "a_b", "b"])
  }
}
