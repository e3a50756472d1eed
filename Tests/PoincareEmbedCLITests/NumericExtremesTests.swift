import Foundation
import TestSupport
import Testing

/// Points at the edge of the ball, identical points and a huge learning rate, through the built
/// binary: no NaN or Inf reaches a query answer, a picture or a written vectors file.
@Suite struct NumericExtremesTests {
  let folder = TemporaryFolder()

  /// Norms 1 − 1e-15 and 1 − 2⁻⁵³ (the largest double below 1), identical points, the origin.
  static let extremes = """
    7 3
    top 0 0 0
    edge 0.999999999999999 0 0
    twin 0.999999999999999 0 0
    rim 0.9999999999999999 0 0
    pairA 0.5 0.5 0.5
    pairB 0.5 0.5 0.5
    far -0.5773502691896251 0 -0.8164965809277259

    """
  static let names = ["top", "edge", "twin", "rim", "pairA", "pairB", "far"]
  static let relations =
    "edge\ttop\ntwin\tedge\nrim\tedge\npairA\ttop\npairB\tpairA\nfar\ttop\nrim\tfar\n"

  func expectFinite(_ text: String, _ context: String) {
    for word in ["nan", "inf", "NaN", "Inf", "\"norm\": null", "\"distance\": null"] {
      #expect(!text.contains(word), "\(context): \(word) in \(text)")
    }
  }

  @Test func everyQueryAnswerIsFinite() throws {
    let vectors = folder.write("extremes.txt", Self.extremes)
    for node in Self.names {
      for other in Self.names {
        let options = [
          "--norm", "--parent", "--child", "--ancestors", "--descendants", "5", "--nearest", "10",
          "--distance", other, "--rank", other,
        ]
        for format in [[], ["--json"]] {
          let result = runInProcess(["query", vectors, node] + options + format)
          #expect(result.status == 0, "\(node) \(other): \(result.errors)")
          expectFinite(result.output, "query \(node) --distance \(other) \(format)")
        }
      }
    }
    // Identical points are at distance 0, and points at the edge stay far but finite.
    let twins = runInProcess(["query", vectors, "edge", "--distance", "twin"])
    #expect(twins.output == "0.0\n")
    let across = runInProcess(["query", vectors, "rim", "--distance", "far"])
    let distance = try #require(
      Double(across.output.trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(distance.isFinite && distance > 70)
  }

  /// Reconstruction at the edge: ranks are whole numbers and MAP lies in (0, 1] in both
  /// protocols, text and JSON; identical points (edge, twin) tie rather than order at random.
  @Test func theReconstructionReportIsFinite() throws {
    let vectors = folder.write("extremes.txt", Self.extremes)
    let relations = folder.write("relations.tsv", Self.relations)
    let table = runInProcess(["eval", vectors, relations])
    #expect(table.status == 0, "\(table.errors)")
    expectFinite(table.output, "eval")
    let json = runInProcess(["eval", vectors, relations, "--json"])
    #expect(json.status == 0, "\(json.errors)")
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
    let protocols = try #require(object["protocols"] as? [String: [String: Any]])
    for name in ["paper", "gensim"] {
      let map = try #require(protocols[name]?["map"] as? Double)
      let meanRank = try #require(protocols[name]?["mean_rank"] as? Double)
      #expect(map > 0 && map <= 1, "\(name) MAP \(map)")
      #expect(meanRank >= 1 && meanRank.isFinite, "\(name) mean rank \(meanRank)")
    }
  }

  @Test(arguments: [3, 2])
  func thePictureIsFiniteAndInsideTheDisk(dimension: Int) throws {
    let text =
      dimension == 3
      ? Self.extremes
      : "5 2\ntop 0 0\nedge 0.999999999999999 0\ntwin 0.999999999999999 0\n"
        + "rim 0 -0.9999999999999999\nfar -0.999999999999999 0\n"
    let vectors = folder.write("extremes.txt", text)
    let relations = folder.write(
      "relations.tsv",
      Self.relations.replacingOccurrences(
        of: "pairA\ttop\npairB\tpairA\n", with: dimension == 3 ? "pairA\ttop\npairB\tpairA\n" : ""))
    let result = try runBinary([
      "plot", vectors, "--relations", relations, "-o", "-", "--labels", "7",
    ])
    #expect(result.status == 0, "\(result.errors)")
    expectFinite(result.output, "plot")
    // Every dot lies in the drawn disk: centre (400, 400), radius 380.
    let centres = result.output.split(separator: "<circle cx=\"").dropFirst().map { circle in
      circle.split(separator: "\"").enumerated().compactMap {
        $0.offset % 2 == 0 ? Double($0.element) : nil
      }
    }
    #expect(centres.count == (dimension == 3 ? 7 : 5))
    for centre in centres {
      let radius = ((centre[0] - 400) * (centre[0] - 400) + (centre[1] - 400) * (centre[1] - 400))
        .squareRoot()
      #expect(radius <= 380.01, "\(centre)")
    }
  }

  /// At 1e6 the projection keeps every row inside (the run completes); at 1e300 an update
  /// overflows and the run stops (exit 1) before writing.
  @Test(arguments: ["1e6", "1e300"])
  func aHugeLearningRateWritesFiniteVectorsOrStopsWithoutWriting(rate: String) throws {
    let output = folder.file("out.txt")
    let result = try runBinary([
      "train", "\(repositoryRoot)/data/toy_closure.tsv", "-o", output, "--learning-rate", rate,
      "--burn-in-learning-rate", rate, "--dimension", "3", "--negatives", "3", "--epochs", "3",
      "--burn-in", "1", "-q",
    ])
    if result.status == 0 {
      let text = try String(contentsOfFile: output, encoding: .utf8)
      expectFinite(text, "vectors")
      let rows = text.split(separator: "\n").dropFirst()
      #expect(rows.count == 14)
      for row in rows {
        let values = row.split(separator: " ").dropFirst().compactMap { Double($0) }
        #expect(values.count == 3 && values.reduce(0) { $0 + $1 * $1 } < 1, "\(row)")
      }
    } else {
      #expect(result.status == 1, "\(result.errors)")
      #expect(result.errors.hasPrefix("Error: training diverged: a non-finite value appeared"))
      #expect(!FileManager.default.fileExists(atPath: output))
    }
  }
}
