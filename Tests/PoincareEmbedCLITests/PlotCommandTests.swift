import Foundation
import TestSupport
import Testing

@testable import poincare_embed

@Suite struct PlotCommandTests {
  let folder = TemporaryFolder()

  /// A 2-d toy embedding (node names of data/toy_edges.tsv).
  func toyVectors() -> String {
    folder.write(
      "toy.txt",
      """
      14 2
      entity 0.007 0.023
      animal 0.20 0.15
      plant -0.20 -0.13
      bird 0.05 0.55
      mammal 0.48 0.12
      flower -0.60 0.02
      tree -0.18 -0.50
      sparrow 0.30 0.85
      penguin -0.15 0.82
      dog 0.88 0.35
      cat 0.55 -0.75
      rose -0.92 0.10
      pine -0.60 -0.75
      oak -0.10 -0.93

      """)
  }

  @Test func helpTextIsExact() {
    let result = runInProcess(["plot", "-h"])
    #expect(result.status == 0 && result.errors.isEmpty)
    #expect(
      result.output == """
        OVERVIEW: Draw an embedding in the Poincaré disk as an SVG picture.

        Draws the unit disk, every node as a dot, and the relations given with
        --relations as hyperbolic geodesics: arcs of circles orthogonal to the boundary,
        or straight lines through the centre. Dimension 2 is drawn as is. Higher
        dimensions are projected in three steps that keep the origin at the centre and
        never push a node outwards: the logarithmic map at the origin (x -> artanh(|x|)
        x/|x|), orthogonal projection onto the two principal directions of the mapped
        points (the top two eigenvectors of their uncentred second-moment matrix, by
        power iteration), and the exponential map back (z -> tanh(|z|) z/|z|). The same
        input always gives the same file, written atomically.

        USAGE: poincare-embed plot <vectors> [<options>]

        ARGUMENTS:
          <vectors>               Vectors file (word2vec text or binary, as gensim's
                                  save_word2vec_format writes) or a checkpoint written
                                  by train --checkpoint.

        OPTIONS:
          -o, --output <file>     Where to write the SVG picture (required; - for
                                  standard output).
          --relations <file>      Draw these child-parent pairs (TSV, or
                                  facebookresearch CSV by the .csv extension) as
                                  geodesics. Every node named must be in <vectors>.
                                  Direct edges read better than a whole transitive
                                  closure.
          --labels <k>            Write the names of the k nodes nearest the origin (the
                                  top of the hierarchy); every dot also shows its name
                                  when hovered. (default: 20)
          --size <pixels>         Width and height of the picture. (default: 800)
          --names <file>          An `id<TAB>name` file (closure --names writes one for
                                  an OBO file): labels show names instead of ids, and
                                  each dot's tooltip shows its id and name.
          -h, --help              Show help information.

        """)
  }

  @Test func drawsRelationsAndLabelsIntoAFile() throws {
    let output = folder.file("disk.svg")
    let result = runInProcess([
      "plot", toyVectors(), "--relations", repositoryRoot + "/data/toy_edges.tsv", "--labels",
      "3", "--size", "500", "-o", output,
    ])
    #expect(result.status == 0 && result.output.isEmpty && result.errors.isEmpty)
    let svg = try String(contentsOfFile: output, encoding: .utf8)
    #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
    #expect(svg.contains("width=\"500\" height=\"500\""))
    #expect(svg.components(separatedBy: "<path ").count - 1 == 13)  // the 13 toy edges
    #expect(svg.components(separatedBy: "<text ").count - 1 == 3)
    #expect(svg.contains(">entity</text>") && svg.contains(">animal</text>"))
    #expect(svg.components(separatedBy: "<circle ").count - 1 == 1 + 14)
    #expect(folder.fileNames == ["disk.svg", "toy.txt"])
  }

  @Test func dashWritesTheSVGToStandardOutput() throws {
    let result = try runBinary(["plot", gensimFixture, "--labels", "0", "-o", "-"])
    #expect(result.status == 0 && result.errors.isEmpty)
    #expect(result.output.hasSuffix("</svg>\n"))
    #expect(result.output.components(separatedBy: "<circle ").count - 1 == 1 + 1182)
    #expect(!result.output.contains("<text "))
  }

  @Test func errorsAndExitStatuses() throws {
    let vectors = toyVectors()
    let missingOutput = runInProcess(["plot", vectors])
    #expect(missingOutput.status == 64)
    #expect(missingOutput.errors.hasPrefix("Error: Missing expected argument '--output <file>'\n"))
    let badLabels = runInProcess(["plot", vectors, "--labels", "-1", "-o", folder.file("x.svg")])
    #expect(badLabels.status == 64)
    #expect(badLabels.errors.hasPrefix("Error: --labels must be at least 0 (got -1)\n"))
    let badSize = runInProcess(["plot", vectors, "--size", "5", "-o", folder.file("x.svg")])
    #expect(badSize.status == 64)

    let stranger = folder.write("stranger.tsv", "dog\tanimal\nunicorn\tanimal\n")
    let unknown = runInProcess([
      "plot", vectors, "--relations", stranger, "-o", folder.file("x.svg"),
    ])
    #expect(unknown.status == 65)
    #expect(
      unknown.errors == """
        Error: \(stranger): node 'unicorn' is not in \(vectors)
        Hint: draw relations between nodes of the embedding, e.g. the file it was trained on.

        """)
    let malformed = folder.write("bad.tsv", "dog\tanimal\textra\n")
    let bad = runInProcess(["plot", vectors, "--relations", malformed, "-o", folder.file("x.svg")])
    #expect(bad.status == 65 && bad.errors.hasPrefix("Error: \(malformed):1: "))

    let cannotCreate = try runBinary(["plot", vectors, "-o", folder.file("none/x.svg")])
    #expect(cannotCreate.status == 73 && cannotCreate.output.isEmpty)
    let noInput = try runBinary(["plot", folder.file("none.txt"), "-o", folder.file("x.svg")])
    #expect(noInput.status == 66)
    #expect(!folder.fileNames.contains("x.svg"))
  }
}
