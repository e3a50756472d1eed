import Foundation
import Testing
import TestSupport

@testable import poincare_embed

/// `poincare-embed closure`: help, the toy and mini-WordNet outputs, and every error path with
/// its exit status and no output file left behind.
@Suite final class ClosureCommandTests {
  let folder: String
  let toyEdges = "\(repositoryRoot)/data/toy_edges.tsv"
  let miniWordNet = "\(repositoryRoot)/Tests/Fixtures/wordnet-mini"

  /// The closure of the mini WordNet's nouns (Tests/Fixtures/wordnet-mini), checked against
  /// NLTK 3.10.4 reading the same files with facebookresearch's script.
  static let miniNounClosure = """
    alecto.n.01\tfury.n.01
    animal.n.01\tentity.n.01
    deity.n.01\tentity.n.01
    deity.n.01\tperson.n.01
    dog.n.01\tanimal.n.01
    dog.n.01\tentity.n.01
    dog.n.02\tentity.n.01
    dog.n.02\tperson.n.01
    fury.n.01\tdeity.n.01
    fury.n.01\tentity.n.01
    fury.n.01\tperson.n.01
    lassie.n.01\tanimal.n.01
    lassie.n.01\tdog.n.01
    lassie.n.01\tentity.n.01
    person.n.01\tentity.n.01

    """

  init() throws {
    folder = FileManager.default.temporaryDirectory.path + "/closure-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: folder) }

  var outputPath: String { "\(folder)/out.tsv" }

  func contents(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
  }

  /// Files in the test folder (the output and any temporary sibling would show up here).
  var folderContents: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
  }

  func write(_ name: String, _ text: String) throws -> String {
    let path = "\(folder)/\(name)"
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    return path
  }

  @Test func helpText() {
    let result = runInProcess(["closure", "--help"])
    #expect(result.status == 0 && result.errors.isEmpty)
    #expect(
      result.output == """
        OVERVIEW: Build the transitive closure of an is-a hierarchy: WordNet, OBO or edges.

        Writes every (descendant, ancestor) pair as one `child<TAB>ancestor` line,
        without self-loops or duplicates, sorted by child name, then ancestor name, in
        byte order (LC_ALL=C sort). Node and pair counts go to standard error.

        With --wordnet, reads Princeton WordNet 3.0's index.<pos> and data.<pos>
        (Debian/Ubuntu: apt-get install wordnet-base) and names synsets as NLTK does
        (dog.n.01). The pairs are those of the Poincaré paper's script (facebookresearch
        wordnet/transitive_closure.py): each synset with every hypernym ancestor, and
        each instance with its instance hypernyms and their hypernym ancestors. Nouns
        give 82115 nodes and 743086 pairs; --root mammal.n.01 gives 1182 nodes and 6542
        pairs.

        An OBO flat file (.obo, or a file that starts with format-version: or [Term];
        OBO 1.2 or 1.4 as the OBO Foundry publishes the Gene Ontology, HPO, Uberon...)
        gives the closure over the is_a lines of its [Term] stanzas; `{...}` qualifiers
        and `! labels` after a value are ignored, and so are [Typedef] and [Instance]
        stanzas, intersection_of lines (logical definitions, not asserted is_a) and
        replaced_by. Obsolete terms (is_obsolete: true) are left out and counted. An
        edge to a term the file does not define, or to an obsolete term, is dropped with
        a warning (an error with --strict).

        is_a alone is the default because it is the hierarchy the embedding models: a
        term's ancestors are the classes it is a kind of. --relation part_of adds the
        wholes a term is part of, and their ancestors (Uberon: a finger is part of a
        hand, so the hand and everything the hand is a kind of or part of become
        ancestors of the finger): a partonomy mixed into the taxonomy. Use it when that
        mixed hierarchy is what you want; relations such as has_part or regulates point
        sideways or down and make cycles.

        Otherwise <input> holds direct edges, `child<TAB>parent` one a line (or
        facebookresearch's id1,id2,weight CSV for .csv). Duplicate edges are merged,
        self-loops skipped; a cycle is an error that lists its nodes.

        USAGE: poincare-embed closure [<input>] [<options>]
               poincare-embed closure <edges.tsv> -o <out.tsv>
               poincare-embed closure <file.obo> [--names <file>] -o <out.tsv>
               poincare-embed closure --wordnet [<dir>] [--pos <pos>] -o <out.tsv>

        ARGUMENTS:
          <input>                 The edges or OBO file; with --wordnet, the WordNet
                                  database folder.

        OPTIONS:
          --wordnet               Read a WordNet 3.0 database folder instead of an edges
                                  file; <input> names the folder (default:
                                  /usr/share/wordnet).
          --pos <pos>             With --wordnet, the part of speech: noun or verb.
                                  (default: noun)
          --root <node>           Keep only this node's descendants and the node itself
                                  (e.g. mammal.n.01; for an OBO file, a term's id or its
                                  name when no other term has it).
          -o, --output <file>     Where to write the closure; - is standard output.
                                  Required.
          --relation <relation>   For an OBO file, also follow `relationship: <relation>
                                  <id>` lines of this relation (e.g. part_of); repeat
                                  the option for several.
          --names <file>          For an OBO file, also write `id<TAB>name` for every
                                  node of the closure (from its name: tag), for query
                                  and plot --names.
          --strict                For an OBO file, refuse an edge to a term the file
                                  does not define or to an obsolete term, instead of
                                  dropping it with a warning.
          -h, --help              Show help information.

        """)
    #expect(runInProcess(["help", "closure"]).output == result.output)
  }

  @Test func toyEdgesReproduceTheCheckedInClosure() throws {
    let result = runInProcess(["closure", toyEdges, "-o", outputPath])
    #expect(result.status == 0 && result.output.isEmpty)
    #expect(result.errors.hasPrefix("closure: 14 nodes, 31 pairs in "))
    #expect(try contents(outputPath) == contents("\(repositoryRoot)/data/toy_closure.tsv"))
    #expect(folderContents == ["out.tsv"])
  }

  @Test func wordNetNounsVerbsAndRoot() throws {
    let nouns = runInProcess(["closure", "--wordnet", miniWordNet, "-o", outputPath])
    #expect(nouns.status == 0)
    #expect(nouns.errors.hasPrefix("closure: 9 nodes, 15 pairs in "))
    #expect(try contents(outputPath) == Self.miniNounClosure)

    let person = runInProcess(
      ["closure", "--wordnet", miniWordNet, "--root=person.n.01", "-o", outputPath])
    #expect(person.status == 0)
    #expect(person.errors.hasPrefix("closure below person.n.01: 4 nodes, 4 pairs in "))
    #expect(
      try contents(outputPath) == """
        deity.n.01\tperson.n.01
        dog.n.02\tperson.n.01
        fury.n.01\tdeity.n.01
        fury.n.01\tperson.n.01

        """)

    let verbs = runInProcess(
      ["closure", "--wordnet", miniWordNet, "--pos", "verb", "-o", outputPath])
    #expect(try verbs.status == 0 && contents(outputPath) == "walk.v.01\tmove.v.01\n")
  }

  @Test func selfLoopsAreSkippedWithAWarning() throws {
    let edges = try write("edges.tsv", "b\ta\nb\tb\n")
    let result = runInProcess(["closure", edges, "-o", outputPath])
    #expect(try result.status == 0 && contents(outputPath) == "b\ta\n")
    #expect(result.errors.hasPrefix("Warning: skipped 1 self-loop line(s)"))
  }

  /// A copy of the mini WordNet with `data.noun` edited, in the test folder.
  func corruptedWordNet(_ edit: (String) -> String) throws -> String {
    let directory = "\(folder)/wordnet"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for name in ["index.noun", "data.noun"] {
      let text = try contents("\(miniWordNet)/\(name)")
      _ = try text.write(
        toFile: "\(directory)/\(name)", atomically: false, encoding: .utf8)
    }
    let data = try contents("\(directory)/data.noun")
    try edit(data).write(toFile: "\(directory)/data.noun", atomically: false, encoding: .utf8)
    return directory
  }

  /// Runs a failing command and checks its status, its first error line, and that it left no
  /// output or temporary file.
  func expectFailure(
    _ arguments: [String], status: Int32, firstLine: String, inputs: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let result = runInProcess(arguments)
    #expect(result.status == status, sourceLocation: sourceLocation)
    #expect(result.output.isEmpty, sourceLocation: sourceLocation)
    let first = result.errors.split(separator: "\n").first.map(String.init)
    #expect(first == firstLine, sourceLocation: sourceLocation)
    #expect(folderContents == inputs.sorted(), sourceLocation: sourceLocation)
  }

  @Test func usageErrors() {
    expectFailure(
      ["closure", toyEdges], status: 64,
      firstLine: "Error: Missing expected argument '--output <file>'")
    expectFailure(
      ["closure", "-o", outputPath], status: 64,
      firstLine: "Error: Missing expected argument '<input>'")
    expectFailure(
      ["closure", "--wordnet", miniWordNet, "--pos", "adj", "-o", outputPath], status: 64,
      firstLine: "Error: The value 'adj' is invalid for '--pos <pos>'")
    expectFailure(
      ["closure", toyEdges, "--pos", "verb", "-o", outputPath], status: 64,
      firstLine: "Error: --pos applies only with --wordnet")
  }

  @Test func unknownOrLeafRootIsAUsageErrorWithSuggestions() {
    expectFailure(
      ["closure", "--wordnet", miniWordNet, "--root", "persn.n.01", "-o", outputPath],
      status: 64,
      firstLine: "Error: --root 'persn.n.01' is not a node of \(miniWordNet); "
        + "did you mean 'person.n.01'?")
    expectFailure(
      ["closure", toyEdges, "--root", "rose", "-o", outputPath], status: 64,
      firstLine:
        "Error: --root 'rose' has no descendants in \(toyEdges); the closure would be empty")
  }

  @Test func missingWordNetFolderIsNoInput() {
    let missing = "\(folder)/no-wordnet"
    let result = runInProcess(["closure", "--wordnet", missing, "-o", outputPath])
    #expect(result.status == 66)
    #expect(result.errors.hasPrefix("Error: \(missing): no such folder\nHint: install Princeton"))
    #expect(folderContents.isEmpty)
  }

  @Test func corruptWordNetDataIsADataErrorAtAByteOffset() throws {
    // A pointer past the end of the file, in the line at byte offset 266 (animal.n.01).
    var wordnet = try corruptedWordNet {
      $0.replacingOccurrences(
        of: "@ 00000180 n 0000 ~ 00000533", with: "@ 99999999 n 0000 ~ 00000533")
    }
    expectFailure(
      ["closure", "--wordnet", wordnet, "-o", outputPath], status: 65,
      firstLine: "Error: \(wordnet)/data.noun: byte offset 266: a '@' pointer targets offset "
        + "99999999, past the end of the file (1020 bytes)", inputs: ["wordnet"])
    // A file cut in the middle of its last line (alecto.n.01 at byte offset 934).
    wordnet = try corruptedWordNet { String($0.dropLast(20)) }
    expectFailure(
      ["closure", "--wordnet", wordnet, "-o", outputPath], status: 65,
      firstLine: "Error: \(wordnet)/data.noun: byte offset 934: the file ends in the middle of "
        + "a synset line (truncated?)", inputs: ["wordnet"])
  }

  @Test func malformedOrCyclicEdgesAreDataErrors() throws {
    let malformed = try write("bad.tsv", "a\tb\nc\n")
    expectFailure(
      ["closure", malformed, "-o", outputPath], status: 65,
      firstLine: "Error: \(malformed):2: expected 2 tab-separated fields (child, parent), found 1",
      inputs: ["bad.tsv"])
    let cyclic = try write("cycle.tsv", "a\tb\nb\ta\n")
    expectFailure(
      ["closure", cyclic, "-o", outputPath], status: 65,
      firstLine: "Error: \(cyclic): the edges form a cycle: a → b → a",
      inputs: ["bad.tsv", "cycle.tsv"])
    let missing = "\(folder)/missing.tsv"
    expectFailure(
      ["closure", missing, "-o", outputPath], status: 66,
      firstLine: "Error: \(missing): no such file", inputs: ["bad.tsv", "cycle.tsv"])
  }

  @Test func unwritableOutputIsCannotCreate() {
    let output = "\(folder)/no-such-folder/out.tsv"
    expectFailure(
      ["closure", toyEdges, "-o", output], status: 73,
      firstLine: "Error: \(output): cannot create file: No such file or directory")
  }

  // MARK: The built binary

  @Test func binaryWritesTheFileAndReportsOnStandardError() throws {
    let result = try runBinary(["closure", toyEdges, "-o", outputPath])
    #expect(result.status == 0 && result.output.isEmpty)
    #expect(result.errors.hasPrefix("closure: 14 nodes, 31 pairs in "))
    #expect(try contents(outputPath) == contents("\(repositoryRoot)/data/toy_closure.tsv"))
    let standardOutput = try runBinary(["closure", "--wordnet", miniWordNet, "-o", "-"])
    #expect(standardOutput.status == 0 && standardOutput.output == Self.miniNounClosure)
  }

  @Test func binaryExitStatusesForBadInput() throws {
    let missing = try runBinary(["closure", "--wordnet", "\(folder)/none", "-o", outputPath])
    #expect(missing.status == 66 && missing.output.isEmpty)
    #expect(missing.errors.hasPrefix("Error: \(folder)/none: no such folder\n"))
    let cyclic = try write("cycle.tsv", "a\tb\nb\ta\n")
    let cycle = try runBinary(["closure", cyclic, "-o", outputPath])
    #expect(cycle.status == 65 && cycle.output.isEmpty)
    #expect(folderContents == ["cycle.tsv"])
  }
}
