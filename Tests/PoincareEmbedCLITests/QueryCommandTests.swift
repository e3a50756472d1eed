import Foundation
import TestSupport
import Testing

@testable import poincare_embed

/// gensim's own test vectors (see Tests/PoincareEmbeddingTests/Fixtures/README.md).
let gensimFixture = repositoryRoot + "/Tests/PoincareEmbeddingTests/Fixtures/poincare_vectors.bin"

@Suite struct QueryCommandTests {
  let folder = TemporaryFolder()

  @Test func helpTextIsExact() {
    let result = runInProcess(["query", "--help"])
    #expect(result.status == 0 && result.errors.isEmpty)
    #expect(
      result.output == """
        OVERVIEW: Answer questions about one node of an embedding.

        Without a question option, prints a summary: the norm, the closest parent and
        child, and the 5 nearest nodes. Options combine; answers come in the order of
        the options below. With one option, text output is bare (one value, or one node
        a line, with its distance after a tab); with several, each answer is labelled.
        With --names, bare lines end with a tab and the node's name, and JSON gets a
        "names" object.
        Distances are Poincaré distances; a node nearer the origin is higher in the
        hierarchy. A node that is not in the file is an error (exit status 65) that
        suggests close names.

        USAGE: poincare-embed query <vectors> <node> [<options>]

        ARGUMENTS:
          <vectors>               Vectors file (word2vec text or binary, as gensim's
                                  save_word2vec_format writes) or a checkpoint written
                                  by train --checkpoint.
          <node>                  The node to ask about: its id or, with --names, its
                                  name.

        OPTIONS:
          --norm                  The node's Euclidean norm: its depth, 0 at the top
                                  (gensim's norm).
          --parent                The closest parent: the nearest node with a smaller
                                  norm (gensim's closest_parent).
          --child                 The closest child: the nearest node with a greater
                                  norm (gensim's closest_child).
          --ancestors             Closest parents, repeated up to the top (gensim's
                                  ancestors).
          --descendants <n>       Closest children, repeated at most n times; stops
                                  early at a node without children (gensim's descendants
                                  raises there).
          --nearest <k>           The k nearest nodes and their distances, ascending,
                                  the node itself excluded (gensim's most_similar).
          --distance <other>      The Poincaré distance to another node.
          --rank <other>          The rank of another node among this node's neighbours:
                                  1 + the number of nodes strictly closer (gensim's
                                  rank).
          --json                  Print one JSON object instead of text.
          --names <file>          An `id<TAB>name` file (closure --names writes one for
                                  an OBO file): names are shown next to ids, and <node>,
                                  --distance and --rank also accept the name of a node
                                  when no other node has it.
          -h, --help              Show help information.

        """)
    #expect(runInProcess(["help", "query"]).output == result.output)
  }

  @Test func summaryListsNormParentChildAndFiveNearest() {
    let result = runInProcess(["query", gensimFixture, "dog.n.01"])
    #expect(result.status == 0 && result.errors.isEmpty)
    let lines = result.output.split(separator: "\n").map(String.init)
    #expect(lines.count == 9)
    #expect(lines[0] == "node            dog.n.01")
    #expect(lines[1].hasPrefix("norm            0.97757"))
    #expect(lines[2].hasPrefix("closest parent  canine.n.02  3.25842"))
    #expect(lines[3].hasPrefix("closest child   terrier.n.01  5.43345"))
    #expect(lines[4].hasPrefix("nearest         canine.n.02       3.25842"))
    #expect(lines[8].hasPrefix("                mammal.n.01       4.52787"))
  }

  @Test func bareAnswersAreOneValueOrTabSeparatedLines() {
    let nearest = runInProcess(["query", gensimFixture, "dog.n.01", "--nearest", "5"])
    let rows = nearest.output.split(separator: "\n").map { $0.split(separator: "\t") }
    #expect(
      rows.map { String($0[0]) }
        == ["canine.n.02", "hunting_dog.n.01", "carnivore.n.01", "placental.n.01", "mammal.n.01"])
    let distances = rows.compactMap { Double($0[1]) }
    #expect(distances.count == 5 && isClose(distances[0], 3.2584238052368164, relative: 5e-5))
    #expect(
      runInProcess(["query", gensimFixture, "dog.n.01", "--ancestors"]).output
        == "canine.n.02\ncarnivore.n.01\nplacental.n.01\nmammal.n.01\n")
    #expect(
      runInProcess(["query", gensimFixture, "dog.n.01", "--descendants", "2"]).output
        == "terrier.n.01\nsporting_dog.n.01\n")
    #expect(
      runInProcess(["query", gensimFixture, "dog.n.01", "--rank", "carnivore.n.01"]).output == "3\n"
    )
    let norm = runInProcess(["query", gensimFixture, "dog.n.01", "--norm"]).output
    #expect(Double(norm.dropLast()).map { isClose($0, 0.9775760173797607, relative: 1e-7) } == true)
    let distance = runInProcess(["query", gensimFixture, "dog.n.01", "--distance=mammal.n.01"])
    #expect(
      Double(distance.output.dropLast()).map { isClose($0, 4.5278745, relative: 5e-5) } == true)
    #expect(
      runInProcess(["query", gensimFixture, "dog.n.01", "--parent"]).output.hasPrefix(
        "canine.n.02\t3.258"))
  }

  @Test func missingParentPrintsNothingAndANote() {
    let result = runInProcess(["query", gensimFixture, "mammal.n.01", "--parent"])
    #expect(result.status == 0 && result.output.isEmpty)
    #expect(result.errors == "Note: no node has a smaller norm than mammal.n.01\n")
    let child = runInProcess(["query", gensimFixture, "harbor_porpoise.n.01", "--child", "--json"])
    #expect(child.output == "{\"node\": \"harbor_porpoise.n.01\", \"child\": null}\n")
  }

  @Test func jsonHoldsEveryAnswerInOptionOrder() throws {
    let result = runInProcess([
      "query", gensimFixture, "dog.n.01", "--json", "--rank", "carnivore.n.01", "--nearest", "2",
      "--ancestors", "--descendants", "3", "--norm", "--parent", "--child", "--distance",
      "mammal.n.01",
    ])
    #expect(result.status == 0 && result.errors.isEmpty)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    #expect(object["node"] as? String == "dog.n.01")
    #expect((object["parent"] as? [String: Any])?["node"] as? String == "canine.n.02")
    #expect((object["child"] as? [String: Any])?["node"] as? String == "terrier.n.01")
    #expect(
      object["ancestors"] as? [String]
        == ["canine.n.02", "carnivore.n.01", "placental.n.01", "mammal.n.01"])
    #expect(
      object["descendants"] as? [String] == ["terrier.n.01", "sporting_dog.n.01", "spaniel.n.01"])
    let nearest = try #require(object["nearest"] as? [[String: Any]])
    #expect(nearest.map { $0["node"] as? String } == ["canine.n.02", "hunting_dog.n.01"])
    #expect((object["rank"] as? [String: Any])?["rank"] as? Int == 3)
    let distance = try #require((object["distance"] as? [String: Any])?["distance"] as? Double)
    #expect(isClose(distance, 4.5278745, relative: 5e-5))
    // Members follow the options' order in the help, not the command line's.
    let members = result.output.split(separator: "\n").filter { $0.hasPrefix("  \"") }
      .map { $0.dropFirst(3).prefix { $0 != "\"" } }
    #expect(
      members == [
        "node", "norm", "parent", "child", "ancestors", "descendants", "nearest", "distance",
        "rank",
      ])
  }

  @Test func readsTextVectorsAndEscapesJSON() throws {
    let path = folder.write(
      "v.txt", "3 2\ntop 0.0 0.0\nsay\"hi\\ 0.5 0.0\nlow 0.0 -0.6\n")
    let result = runInProcess(["query", path, "top", "--child", "--json"])
    #expect(
      result.output.contains("\n  \"child\": {\"node\": \"say\\\"hi\\\\\", \"distance\": 1.09861"))
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    let child = try #require(object["child"] as? [String: Any])
    #expect(child["node"] as? String == "say\"hi\\")
    // d(0, x) = 2 artanh(‖x‖)
    #expect((child["distance"] as? Double).map { isClose($0, 2 * atanh(0.5)) } == true)
  }

  @Test func unknownNodeIsADataErrorWithSuggestions() {
    let result = runInProcess(["query", gensimFixture, "dgo.n.01"])
    #expect(result.status == 65 && result.output.isEmpty)
    #expect(
      result.errors == """
        Error: \(gensimFixture): no node named 'dgo.n.01' (among 1182 nodes)
        Hint: did you mean 'dog.n.01', 'dingo.n.01', 'dun.n.01'?

        """)
    let other = runInProcess(["query", gensimFixture, "dog.n.01", "--distance", "nope"])
    #expect(other.status == 65)
    #expect(other.errors == "Error: \(gensimFixture): no node named 'nope' (among 1182 nodes)\n")
  }

  @Test(arguments: [
    (["--nearest", "0"], "Error: --nearest must be at least 1 (got 0)"),
    (["--descendants", "-2"], "Error: --descendants must be at least 1 (got -2)"),
    (["--nearest", "many"], "Error: The value 'many' is invalid for '--nearest <k>'"),
    (["--parent=yes"], "Error: The flag '--parent' does not take a value (got 'yes')"),
  ])
  func badOptionsAreUsageErrors(options: [String], message: String) {
    let result = runInProcess(["query", gensimFixture, "dog.n.01"] + options)
    #expect(result.status == 64 && result.output.isEmpty)
    #expect(
      result.errors == """
        \(message)
        Usage: poincare-embed query <vectors> <node> [<options>]
          See 'poincare-embed query --help' for more information.

        """)
  }

  @Test func malformedAndMissingFiles() {
    let bad = folder.write("bad.txt", "2 2\na 0.1 0.2\nb 0.9 0.9\n")
    let malformed = runInProcess(["query", bad, "a"])
    #expect(malformed.status == 65 && malformed.output.isEmpty)
    #expect(malformed.errors.hasPrefix("Error: \(bad):3: 'b' has norm "))
    let missing = runInProcess(["query", folder.file("none.bin"), "a"])
    #expect(missing.status == 66)
    #expect(missing.errors.hasPrefix("Error: \(folder.file("none.bin")): "))
  }

  @Test func builtBinaryExitStatusesAndStreams() throws {
    let success = try runBinary(["query", gensimFixture, "dog.n.01", "--rank", "carnivore.n.01"])
    #expect(success.status == 0 && success.output == "3\n" && success.errors.isEmpty)
    let unknown = try runBinary(["query", gensimFixture, "dgo.n.01"])
    #expect(unknown.status == 65 && unknown.output.isEmpty)
    #expect(unknown.errors.contains("Hint: did you mean 'dog.n.01'"))
    let missing = try runBinary(["query", folder.file("none.bin"), "dog.n.01"])
    #expect(missing.status == 66 && missing.output.isEmpty)
    let usage = try runBinary(["query", gensimFixture])
    #expect(usage.status == 64)
    #expect(usage.errors.hasPrefix("Error: Missing expected argument '<node>'\n"))
  }
}
