import Foundation
import TestSupport
import Testing

@testable import poincare_embed

/// An OBO file through the tool: `closure <file.obo>` with its counts, `--names`, `--relation`,
/// `--strict` and `--root`, bad files as `Error: <file>:<line>:` with status 65 and no output,
/// then `query` and `plot` with `--names`.
@Suite struct OntologyCommandTests {
  let folder = TemporaryFolder()
  let fixture = "\(repositoryRoot)/Tests/Fixtures/obo/mini.obo"

  var closurePath: String { folder.file("closure.tsv") }
  var namesPath: String { folder.file("names.tsv") }

  func contents(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
  }

  @Test func closureWithNamesCountsAndWarnings() throws {
    let result = runInProcess(["closure", fixture, "-o", closurePath, "--names", namesPath])
    #expect(result.status == 0 && result.output.isEmpty)
    let lines = result.errors.split(separator: "\n").map(String.init)
    #expect(lines.count == 6)
    #expect(
      lines.first
        == "\(fixture): OBO 1.4, 10 terms (1 obsolete, left out); edges followed: 9 is_a")
    #expect(
      lines.dropFirst().first
        == "Warning: dropped 1 edge(s) to terms the file does not define (the first: "
        + "MINI:9999999 at \(fixture):46); --strict refuses them")
    #expect(
      lines.dropFirst(2).first
        == "Warning: dropped 1 edge(s) to obsolete terms (the first: MINI:0000007 at "
        + "\(fixture):58); --strict refuses them")
    #expect(
      lines.dropFirst(3).first
        == "Note: 1 term(s) have no followed edge to or from another term and are in no pair")
    #expect(lines.dropFirst(4).first == "wrote the names of 8 nodes to \(namesPath)")
    #expect(lines.last?.hasPrefix("closure: 8 nodes, 12 pairs in ") == true)
    #expect(try contents(closurePath).split(separator: "\n").count == 12)
    #expect(
      try contents(namesPath) == """
        MINI:0000001\tanatomical entity
        MINI:0000002\tlimb
        MINI:0000003\tforelimb
        MINI:0000004\thand
        MINI:0000005\tfinger, with {escapes}!
        MINI:0000006\tnail
        MINI:0000008\ttoe
        MINI:0000010\tbody

        """)
  }

  @Test func relationsRootByNameAndSniffedFormat() throws {
    let both = runInProcess(
      [
        "closure", fixture, "--relation", "part_of", "--relation=has_part", "--relation",
        "part_of", "-o", closurePath,
      ])
    #expect(both.status == 0)
    #expect(both.errors.contains("edges followed: 9 is_a, 3 part_of, 1 has_part\n"))
    #expect(both.errors.contains("closure: 8 nodes, 20 pairs in "))

    // A file without the .obo extension is recognised by its first line; --root takes a name.
    let copy = folder.write("ontology.txt", try contents(fixture))
    let limb = runInProcess(["closure", copy, "--root", "limb", "-o", closurePath])
    #expect(limb.status == 0)
    #expect(
      try contents(closurePath) == """
        MINI:0000003\tMINI:0000002
        MINI:0000008\tMINI:0000002

        """)
    #expect(limb.errors.contains("closure below limb: 3 nodes, 2 pairs in "))
  }

  /// Runs a failing command: its status, its first error line, and no file left behind.
  func expectFailure(
    _ arguments: [String], status: Int32, firstLine: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let before = folder.fileNames
    let result = runInProcess(arguments)
    #expect(result.status == status, sourceLocation: sourceLocation)
    #expect(result.output.isEmpty, sourceLocation: sourceLocation)
    let first = result.errors.split(separator: "\n").first.map(String.init)
    #expect(first == firstLine, sourceLocation: sourceLocation)
    #expect(folder.fileNames == before, sourceLocation: sourceLocation)
  }

  @Test func badFilesAreDataErrorsNamingTheLineAndLeaveNoFile() throws {
    let noID = folder.write("no-id.obo", "format-version: 1.4\n\n[Term]\nname: x\n")
    expectFailure(
      ["closure", noID, "-o", closurePath, "--names", namesPath], status: 65,
      firstLine: "Error: \(noID):3: this [Term] stanza has no id: line")
    let qualifier = folder.write("qualifier.obo", "[Term]\nid: A\nis_a: B {source=\"x\"\n")
    expectFailure(
      ["closure", qualifier, "-o", closurePath], status: 65,
      firstLine: "Error: \(qualifier):3: the qualifier list `{…` is not closed: no `}` before "
        + "the end of the line")
    let latin1 = folder.write(
      "latin1.obo", bytes: Array("[Term]\nid: A\nname: caf".utf8) + [0xE9, 0x0A])
    expectFailure(
      ["closure", latin1, "-o", closurePath], status: 65,
      firstLine: "Error: \(latin1):3: the line is not valid UTF-8")
    let edges = folder.write("edges.obo", "dog\tmammal\n")
    expectFailure(
      ["closure", edges, "-o", closurePath], status: 65,
      firstLine: "Error: \(edges):1: not an OBO file: 'dog?mammal' is neither a header tag "
        + "such as `format-version: 1.4` nor a `[Term]` stanza")
    expectFailure(
      ["closure", fixture, "--strict", "-o", closurePath, "--names", namesPath], status: 65,
      firstLine: "Error: \(fixture):46: is_a: MINI:9999999 is not the id of a [Term] of this "
        + "file")
  }

  @Test func optionsThatNeedAnOBOFileOrAKnownRelationAreUsageErrors() {
    let edges = "\(repositoryRoot)/data/toy_edges.tsv"
    expectFailure(
      ["closure", edges, "--names", namesPath, "-o", closurePath], status: 64,
      firstLine: "Error: --names applies only to an OBO file")
    expectFailure(
      ["closure", edges, "--relation", "part_of", "-o", closurePath], status: 64,
      firstLine: "Error: --relation applies only to an OBO file")
    expectFailure(
      ["closure", fixture, "--names", closurePath, "-o", closurePath], status: 64,
      firstLine: "Error: --names and --output name the same file (\(closurePath))")
    expectFailure(
      ["closure", fixture, "--relation", "partof", "-o", closurePath], status: 64,
      firstLine: "Error: relation 'partof' is neither used in a relationship: line nor "
        + "declared by a [Typedef] of \(fixture) (relations used there: part_of, has_part)")
  }

  /// Vectors of four fixture terms on a line (the root at the centre) and their names file.
  func vectorsAndNames() -> (vectors: String, names: String) {
    let vectors = folder.write(
      "mini.txt",
      """
      4 2
      MINI:0000001 0.01 0
      MINI:0000002 0.3 0
      MINI:0000003 0.6 0
      MINI:0000008 0.6 0.1

      """)
    let names = folder.write(
      "mini-names.tsv",
      "MINI:0000001\tanatomical entity\nMINI:0000002\tlimb\nMINI:0000003\tforelimb\n"
        + "MINI:0000008\tlimb\n")
    return (vectors, names)
  }

  @Test func queryShowsNamesAndAcceptsAUniqueName() throws {
    let (vectors, names) = vectorsAndNames()
    let ancestors = runInProcess(
      ["query", vectors, "forelimb", "--names", names, "--ancestors"])
    #expect(ancestors.status == 0 && ancestors.errors.isEmpty)
    #expect(ancestors.output == "MINI:0000002\tlimb\nMINI:0000001\tanatomical entity\n")

    let nearest = runInProcess(
      ["query", vectors, "MINI:0000003", "--names", names, "--nearest", "1"])
    #expect(nearest.output.hasPrefix("MINI:0000008\t"))
    #expect(nearest.output.hasSuffix("\tlimb\n"))

    let summary = runInProcess(["query", vectors, "Forelimb", "--names", names])
    let lines = summary.output.split(separator: "\n").map(String.init)
    #expect(lines.first == "node            MINI:0000003  forelimb")
    #expect(lines.dropFirst(2).first?.hasPrefix("closest parent  MINI:0000002  limb  ") == true)

    let json = runInProcess(
      ["query", vectors, "MINI:0000003", "--names", names, "--parent", "--json"])
    #expect(json.output.contains(#""names": {"MINI:0000003": "forelimb", "MINI:0000002": "limb"}"#))

    let ambiguous = runInProcess(["query", vectors, "limb", "--names", names])
    #expect(ambiguous.status == 65 && ambiguous.output.isEmpty)
    #expect(
      ambiguous.errors
        == "Error: 'limb' is the name of 2 nodes: MINI:0000002, MINI:0000008\n"
        + "Hint: give the id of the node you mean.\n")
    let unknown = runInProcess(["query", vectors, "fore", "--names", names, "--norm"])
    #expect(unknown.status == 65)
    #expect(unknown.errors.contains("Hint: did you mean 'MINI:0000003 (forelimb)'?"))
  }

  @Test func plotLabelsShowNamesAndTooltipsShowBoth() throws {
    let (vectors, names) = vectorsAndNames()
    let picture = folder.file("mini.svg")
    let result = runInProcess(
      ["plot", vectors, "--names", names, "--labels", "1", "-o", picture])
    #expect(result.status == 0)
    let svg = try contents(picture)
    #expect(svg.contains("<title>MINI:0000001 anatomical entity</title>"))
    #expect(svg.contains("<title>MINI:0000003 forelimb</title>"))
    #expect(svg.contains(">anatomical entity</text>"))
    #expect(!svg.contains(">MINI:0000001</text>"))
    let badNames = folder.write("bad-names.tsv", "MINI:0000001 no tab\n")
    let bad = runInProcess(["plot", vectors, "--names", badNames, "-o", picture])
    #expect(bad.status == 65 && bad.output.isEmpty)
    #expect(bad.errors.hasPrefix("Error: \(badNames):1: expected `id<TAB>name`, found no tab\n"))
  }
}
