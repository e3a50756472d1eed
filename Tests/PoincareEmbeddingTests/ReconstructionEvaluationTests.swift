import Foundation
import TestSupport
import Testing

@testable import PoincareEmbedding

/// Hand-computed ranks and average precisions on graphs small enough to rank by eye.
@Suite struct ReconstructionEvaluationTests {
  func evaluate(
    _ vectors: KeyedVectors, _ pairs: [(String, String)], maxN: Int? = nil, threads: Int = 1
  ) throws -> EvaluationReport {
    try ReconstructionEvaluation.evaluate(
      vectors: vectors, relations: relations(pairs),
      options: EvaluationOptions(threadCount: threads, maxN: maxN))
  }

  /// Six points on a ray from u at the origin, so the distances from u are in index order.
  let ray = points([
    ("u", [0, 0]), ("a", [0.1, 0]), ("b", [0.2, 0]), ("c", [0.3, 0]), ("d", [0.4, 0]),
    ("e", [0.5, 0]),
  ])

  @Test func gensimsCheckValue() throws {
    // GENSIM-REFERENCE §9.1: distances [0, 1, 2, 3, 4, 5] with positives {2, 4} give ranks
    // [3, 4] and AP (1/3 + 2/5)/2 under gensim, which counts u itself at distance 0.
    let report = try evaluate(ray, [("u", "b"), ("u", "d")])
    #expect(report.gensim.rankSum == 3 + 4)
    #expect(report.gensim.edgeCount == 2)
    #expect(report.gensim.meanRank == 3.5)
    #expect(report.gensim.meanAveragePrecision == (1.0 / 3 + 2.0 / 5) / 2)
    #expect(isClose(report.gensim.meanAveragePrecision!, 0.3667, absolute: 5e-5))
    // paper: without u, b has rank 2 (a is closer) and d rank 3 (a, c): AP (1/2 + 2/4)/2.
    #expect(report.paper.rankSum == 2 + 3)
    #expect(report.paper.meanAveragePrecision == 0.5)
    #expect(report.paper.nodeCount == 1 && report.gensim.nodeCount == 1)
  }

  /// A perfect embedding of the chain c → b → r, plus two unrelated points far away.
  let chain = points([
    ("r", [0, 0]), ("b", [0.3, 0]), ("c", [0.6, 0]), ("x", [-0.5, 0.5]), ("y", [-0.5, -0.5]),
  ])

  @Test func perfectToyWithoutSelfLoops() throws {
    // GENSIM-REFERENCE §9.1's quirk: gensim ranks u before each of its positives, so a perfect
    // embedding scores mean rank 2 and MAP (1/2 + (1/2 + 2/3)/2)/2 = 0.5417 (gensim 4.4.0
    // printed 0.5416666666666666 for these vectors); the paper protocol scores 1 and 1.
    let report = try evaluate(chain, [("c", "b"), ("c", "r"), ("b", "r")])
    #expect(report.gensim.meanRank == 2.0)
    #expect(report.gensim.meanAveragePrecision == 0.5416666666666666)
    #expect(report.paper.meanRank == 1.0)
    #expect(report.paper.meanAveragePrecision == 1.0)
    #expect(report.paper.nodeCount == 2 && report.paper.edgeCount == 3)
  }

  @Test func perfectToyWithSelfLoops() throws {
    // A self-loop makes u a positive of itself (rank 1), so gensim scores 1 and 1 as well; the
    // paper protocol ignores self-loops (facebookresearch drops them when loading).
    let report = try evaluate(
      chain, [("c", "b"), ("c", "r"), ("b", "r"), ("r", "r"), ("b", "b"), ("c", "c")])
    #expect(report.gensim.meanRank == 1.0)
    #expect(report.gensim.meanAveragePrecision == 1.0)
    #expect(report.gensim.nodeCount == 3 && report.gensim.edgeCount == 6)
    #expect(report.paper.meanRank == 1.0)
    #expect(report.paper.meanAveragePrecision == 1.0)
    #expect(report.paper.nodeCount == 2 && report.paper.edgeCount == 3)
  }

  @Test func tiesAreNotCloser() throws {
    // v and three negatives lie at exactly the same distance from u at the origin (mirror
    // images and a rotation by 90°): strictly closer only, so none of them counts.
    let vectors = points([
      ("u", [0, 0]), ("v", [0.5, 0]), ("w1", [-0.5, 0]), ("w2", [0, 0.5]), ("w3", [0, -0.5]),
      ("near", [0.25, 0]),
    ])
    let report = try evaluate(vectors, [("u", "v")])
    #expect(report.paper.rankSum == 2)  // only `near`
    #expect(report.gensim.rankSum == 3)  // `near` and u itself
  }

  @Test func positiveTiedWithUItself() throws {
    // A positive at u's own position (distance 0): u is not strictly closer, so gensim ranks it 1
    // like the paper protocol; the other positive gets gensim's extra rank.
    let vectors = points([("u", [0.1, 0.2]), ("twin", [0.1, 0.2]), ("far", [0.5, 0.5])])
    let report = try evaluate(vectors, [("u", "twin"), ("u", "far")])
    #expect(report.paper.rankSum == 1 + 1)
    #expect(report.gensim.rankSum == 1 + 2)
    // gensim: ranks [1, 2] → AP (1/1 + 2/3)/2.
    #expect(report.gensim.meanAveragePrecision == (1.0 + 2.0 / 3) / 2)
  }

  @Test func duplicateRelationsCountOnce() throws {
    let once = try evaluate(ray, [("u", "b"), ("u", "d")])
    let thrice = try evaluate(ray, [("u", "b"), ("u", "d"), ("u", "b"), ("u", "b")])
    #expect(thrice.paper == once.paper)
    #expect(thrice.gensim == once.gensim)
    #expect(thrice.relationCount == 4)
  }

  @Test func nodeWithOnlyASelfLoop() throws {
    // gensim evaluates e (its only positive, itself, ranks 1); the paper protocol has nothing to
    // rank for e.
    let report = try evaluate(ray, [("e", "e"), ("u", "b")])
    #expect(report.gensim.nodeCount == 2 && report.gensim.edgeCount == 2)
    #expect(report.gensim.rankSum == 1 + 3)
    #expect(report.paper.nodeCount == 1 && report.paper.edgeCount == 1)
    #expect(report.paper.rankSum == 2)
  }

  @Test func manyPositivesAlternatingWithNegatives() throws {
    // 40 positives and 40 negatives alternate in distance from u (radii 0.01 j, odd j negative,
    // in scattered directions): the i-th positive has i negatives closer, so its paper rank is
    // 1 + i and AP = (1/40) Σ i / (2i) = 0.5; gensim adds u: rank 2 + i, AP = mean of i/(2i + 1).
    var rows: [(String, [Double])] = [("u", [0, 0])]
    var pairs: [(String, String)] = []
    for j in 1...80 {
      let angle: Double = Double(j) * 2.399963229728653  // the golden angle
      let radius: Double = 0.01 * Double(j)
      let coordinates: [Double] = [radius * cos(angle), radius * sin(angle)]
      rows.append(("n\(j)", coordinates))
      if j % 2 == 0 { pairs.append(("u", "n\(j)")) }
    }
    let report = try evaluate(points(rows), pairs)
    #expect(report.paper.rankSum == (1...40).reduce(0) { $0 + 1 + $1 })
    #expect(report.paper.meanAveragePrecision == 0.5)
    #expect(report.gensim.rankSum == (1...40).reduce(0) { $0 + 2 + $1 })
    var sum = 0.0
    for i in 1...40 { sum += Double(i) / Double(2 * i + 1) }
    let expected = sum / 40
    // Summation order differs from numpy's pairwise order: a few ulps.
    #expect(isClose(report.gensim.meanAveragePrecision!, expected, relative: 1e-14))
  }

  /// Vector rows z r b c d e; z has no relations of its own, so gensim's counter skips it.
  let truncation = points([
    ("z", [0, 0.05]), ("r", [0.1, 0]), ("b", [0.4, 0.1]), ("c", [0.3, -0.4]), ("d", [0.7, 0.2]),
    ("e", [-0.5, 0.3]),
  ])
  let truncationPairs = [("b", "r"), ("c", "r"), ("d", "b"), ("d", "r"), ("e", "z"), ("r", "z")]

  @Test(arguments: [(0, 1), (1, 1), (2, 2), (3, 3), (4, 4), (10, 5)])
  func maxNMimicsGensimsCounter(maxN: Int, nodes: Int) throws {
    // gensim's `evaluate_mean_rank_and_map`: `i` counts every item (z too) and the loop breaks
    // after evaluating an item once i > max_n. Node counts confirmed with gensim 4.4.0.
    let report = try evaluate(truncation, truncationPairs, maxN: maxN)
    #expect(report.gensim.nodeCount == nodes)
    #expect(report.paper.nodeCount == nodes)
    #expect(report.maxN == maxN)
  }

  @Test func fullTruncationExampleMatchesGensim() throws {
    // gensim 4.4.0 on these vectors and relations: mean_rank 2.0, MAP 0.5166666666666666.
    let report = try evaluate(truncation, truncationPairs)
    #expect(report.gensim.meanRank == 2.0)
    #expect(report.gensim.meanAveragePrecision == 0.5166666666666666)
  }

  @Test func relationsAreMatchedToVectorsByName() throws {
    // The vectors file lists rows in another order than the relations: ranks must not change.
    let shuffled = points([
      ("e", [0.5, 0]), ("d", [0.4, 0]), ("u", [0, 0]), ("c", [0.3, 0]), ("b", [0.2, 0]),
      ("a", [0.1, 0]),
    ])
    let report = try evaluate(shuffled, [("u", "b"), ("u", "d")])
    #expect(report.gensim.rankSum == 7 && report.paper.rankSum == 5)
  }

  @Test func aNodeWithoutAVectorIsNamed() throws {
    let error = try #require(throws: InputError.self) {
      try ReconstructionEvaluation.evaluate(
        vectors: ray, relations: relations([("u", "b"), ("u", "ghost")]),
        relationsPath: "closure.tsv", options: EvaluationOptions(threadCount: 1))
    }
    #expect(error.kind == .malformed)
    #expect(error.description.hasPrefix("closure.tsv: node 'ghost'"))
    #expect(error.description.contains("relation 2"))
  }

  @Test func skipMissingDropsAndCounts() throws {
    let report = try ReconstructionEvaluation.evaluate(
      vectors: ray,
      relations: relations([("u", "b"), ("u", "ghost"), ("ghost", "spook"), ("u", "d")]),
      options: EvaluationOptions(threadCount: 1, skipMissing: true))
    #expect(report.skippedRelations == 2)
    #expect(report.missingNodes == 2)
    #expect(report.gensim.rankSum == 7)
  }

  @Test func invalidOptionsAreConfigurationErrors() {
    #expect(throws: ConfigurationError("--threads must be at least 1 (got 0)")) {
      try ReconstructionEvaluation.evaluate(
        vectors: ray, relations: relations([("u", "b")]), options: EvaluationOptions(threadCount: 0)
      )
    }
    #expect(throws: ConfigurationError("--max-n must be at least 0 (got -1)")) {
      try ReconstructionEvaluation.evaluate(
        vectors: ray, relations: relations([("u", "b")]),
        options: EvaluationOptions(threadCount: 1, maxN: -1))
    }
  }
}

/// gensim's `LinkPredictionEvaluation`: rank test positives, filter train and test positives.
@Suite struct LinkPredictionEvaluationTests {
  let line = points([
    ("u", [0, 0]), ("a", [0.1, 0]), ("b", [0.2, 0]), ("c", [0.3, 0]), ("d", [0.4, 0]),
  ])

  func evaluate(train: [(String, String)], test: [(String, String)]) throws -> EvaluationReport {
    try LinkPredictionEvaluation.evaluate(
      vectors: line, train: relations(train), test: relations(test),
      options: EvaluationOptions(threadCount: 1))
  }

  @Test func trainPositivesAreFiltered() throws {
    // Test u → c; a and b are train positives of u, so nothing unfiltered is closer than c.
    let report = try evaluate(train: [("u", "a"), ("u", "b")], test: [("u", "c")])
    #expect(report.paper.rankSum == 1)
    #expect(report.gensim.rankSum == 2)  // u itself
    #expect(report.paper.nodeCount == 1 && report.paper.edgeCount == 1)
    // Without the train relations a and b are negatives closer than c.
    let unfiltered = try evaluate(train: [("b", "a")], test: [("u", "c")])
    #expect(unfiltered.paper.rankSum == 3)
  }

  @Test func testPositivesAreFilteredToo() throws {
    // Test u → b and u → d: b is not a negative for d.
    let report = try evaluate(train: [("a", "u")], test: [("u", "b"), ("u", "d")])
    // paper: b has a closer (rank 2); d has a and c closer (rank 3).
    #expect(report.paper.rankSum == 2 + 3)
    #expect(report.gensim.rankSum == 3 + 4)
  }

  @Test func onlyNodesWithTestRelationsAreEvaluated() throws {
    let report = try evaluate(train: [("a", "u"), ("b", "u"), ("c", "u")], test: [("d", "u")])
    #expect(report.paper.nodeCount == 1 && report.gensim.nodeCount == 1)
    #expect(report.task == .linkPrediction)
    #expect(report.relationCount == 3 && report.testRelationCount == 1)
  }

  @Test func gensimCountsUUnlessItIsATrainPositive() throws {
    // A train self-loop filters u: gensim then does not count it as a closer negative.
    let report = try evaluate(train: [("u", "u")], test: [("u", "a")])
    #expect(report.gensim.rankSum == 1)
  }
}
