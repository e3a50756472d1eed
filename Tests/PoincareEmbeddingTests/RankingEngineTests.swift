import TestSupport
import Testing

@testable import PoincareEmbedding

/// The fast path (float SIMD bound, double intervals, exact fallback) against naive O(n²)
/// references, over many seeded random embeddings.
@Suite struct RankingEngineTests {
  /// How coordinates are drawn; each style stresses another part of the fast path.
  enum Style: CaseIterable {
    /// Uniform in the ball.
    case generic
    /// Multiples of 1/8: many exact ties between different points (mirror images, swaps).
    /// At most 6 dimensions.
    case grid
    /// Radii 1 − 10⁻ᵏ, k up to 12: keys with huge 1/(1 − ‖x‖²) and wide error bounds.
    case nearBoundary
    /// Mixed scales down to 1e-160: squares underflow.
    case tiny
  }

  struct Instance {
    var vectors: KeyedVectors
    var pairs: [(String, String)]
  }

  /// A random embedding with `count` rows (a fifth of them copies of earlier rows) and about
  /// 2·count relations, self-loops and duplicates included.
  static func instance(seed: UInt64, style: Style, count: Int, dimension: Int) -> Instance {
    var random = RandomSource(seed: seed)
    var values: [Double] = []
    for row in 0..<count {
      if row > 0 && random.bounded(5) == 0 {
        let source = random.bounded(row)
        values += values[(source * dimension)..<((source + 1) * dimension)]
        continue
      }
      var point = (0..<dimension).map { _ in 2 * random.unitInterval() - 1 }
      let norm = point.map { $0 * $0 }.reduce(0, +).squareRoot()
      switch style {
      case .generic:
        let radius = random.unitInterval() * (1 - 1e-9)
        if norm > 0 { point = point.map { $0 / norm * radius } }
      case .grid:
        // Multiples of 1/8 up to 2/8 in magnitude: every point of up to 6 dimensions fits.
        point = point.map { ($0 * 2.5).rounded(.towardZero) / 8 }
      case .nearBoundary:
        let radius = 1 - 1 / pow10(Int(random.bounded(13)))
        if norm > 0 { point = point.map { $0 / norm * radius } }
      case .tiny:
        point = point.map { $0 / Double(dimension) * pow10(-Int(random.bounded(161))) }
      }
      values += point
    }
    let names = (0..<count).map { "n\($0)" }
    var pairs: [(String, String)] = []
    for _ in 0..<(2 * count) {
      let child = random.bounded(count)
      let parent = random.bounded(10) == 0 ? child : random.bounded(count)
      pairs.append((names[child], names[parent]))
    }
    // Relation files list nodes in another order than the vectors: reverse the rows.
    let reversed = KeyedVectors(
      vocabulary: Vocabulary(names: names.reversed()), dimension: dimension,
      values: (0..<count).reversed().flatMap { values[($0 * dimension)..<(($0 + 1) * dimension)] })
    return Instance(vectors: reversed, pairs: pairs)
  }

  static func pow10(_ exponent: Int) -> Double {
    var value = 1.0
    for _ in 0..<abs(exponent) { value *= 10 }
    return exponent < 0 ? 1 / value : value
  }

  /// Positives and items of `pairs`, in vector rows.
  static func graph(_ pairs: [(String, String)], _ vectors: KeyedVectors)
    -> (ranked: [Int: Set<Int>], items: Set<Int>)
  {
    var ranked: [Int: Set<Int>] = [:]
    var items = Set<Int>()
    for (child, parent) in pairs {
      let u = vectors.vocabulary.index(of: child)!
      let v = vectors.vocabulary.index(of: parent)!
      ranked[u, default: []].insert(v)
      items.formUnion([u, v])
    }
    return (ranked, items)
  }

  /// d(u, w) < d(u, v), decided in exact integer arithmetic.
  static func exactlyCloser(_ vectors: KeyedVectors) -> (Int, Int, Int) -> Bool {
    { u, w, v in
      vectors.values.withUnsafeBufferPointer { values in
        let base = values.baseAddress!
        let n = vectors.dimension
        return ExactKeyComparison.compare(
          query: base + u * n, base + w * n, base + v * n, dimension: n) < 0
      }
    }
  }

  /// d(u, w) < d(u, v) by `PoincareBall.distance` in double precision.
  static func closerInDouble(_ vectors: KeyedVectors) -> (Int, Int, Int) -> Bool {
    { u, w, v in
      PoincareBall.distance(vectors.vector(u), vectors.vector(w))
        < PoincareBall.distance(vectors.vector(u), vectors.vector(v))
    }
  }

  @Test(arguments: Style.allCases)
  func reconstructionEqualsExactReference(style: Style) throws {
    for seed in UInt64(0)..<12 {
      var random = RandomSource(seed: seed &* 977 &+ 5)
      let count = 2 + random.bounded(30)
      let dimension = 1 + random.bounded(6)
      let instance = Self.instance(seed: seed, style: style, count: count, dimension: dimension)
      let (ranked, items) = Self.graph(instance.pairs, instance.vectors)
      let maxN = seed % 3 == 0 ? random.bounded(count) : nil
      let expected = referenceReport(
        count: count, ranked: ranked, filtered: [:], items: items, maxN: maxN,
        isCloser: Self.exactlyCloser(instance.vectors))
      let report = try ReconstructionEvaluation.evaluate(
        vectors: instance.vectors, relations: relations(instance.pairs),
        options: EvaluationOptions(threadCount: 1 + Int(seed % 2), maxN: maxN))
      #expect(report.paper == expected.paper, "seed \(seed), \(count)×\(dimension)")
      #expect(report.gensim == expected.gensim, "seed \(seed), \(count)×\(dimension)")
    }
  }

  @Test func linkPredictionEqualsExactReference() throws {
    for seed in UInt64(100)..<116 {
      let style = Style.allCases[Int(seed % 4)]
      let instance = Self.instance(seed: seed, style: style, count: 24, dimension: 3)
      let split = instance.pairs.count / 2
      let train = Array(instance.pairs[..<split])
      let test = Array(instance.pairs[split...])
      let known = Self.graph(train, instance.vectors)
      let unknown = Self.graph(test, instance.vectors)
      var filtered = known.ranked
      for (u, positives) in unknown.ranked { filtered[u, default: []].formUnion(positives) }
      let expected = referenceReport(
        count: 24, ranked: unknown.ranked, filtered: filtered,
        items: known.items.union(unknown.items), maxN: nil,
        isCloser: Self.exactlyCloser(instance.vectors))
      let report = try LinkPredictionEvaluation.evaluate(
        vectors: instance.vectors, train: relations(train), test: relations(test),
        options: EvaluationOptions(threadCount: 2))
      #expect(report.paper == expected.paper, "seed \(seed)")
      #expect(report.gensim == expected.gensim, "seed \(seed)")
    }
  }

  @Test func largerInstancesEqualDoubleDistanceRanking() throws {
    // Generic random points have no near-ties other than copies (whose double distances are
    // identical), so ranking by double-precision distances must give the same answer. Sizes
    // cross block (64 queries) and group (8 rows) boundaries.
    for seed in UInt64(200)..<204 {
      let count = [67, 130, 200, 9][Int(seed % 4)]
      let dimension = [10, 3, 13, 50][Int(seed % 4)]
      let instance = Self.instance(seed: seed, style: .generic, count: count, dimension: dimension)
      let (ranked, items) = Self.graph(instance.pairs, instance.vectors)
      let expected = referenceReport(
        count: count, ranked: ranked, filtered: [:], items: items, maxN: nil,
        isCloser: Self.closerInDouble(instance.vectors))
      let report = try ReconstructionEvaluation.evaluate(
        vectors: instance.vectors, relations: relations(instance.pairs),
        options: EvaluationOptions(threadCount: 2))
      #expect(report.paper == expected.paper, "seed \(seed)")
      #expect(report.gensim == expected.gensim, "seed \(seed)")
    }
  }

  @Test func resultsDoNotDependOnThreadCount() throws {
    let instance = Self.instance(seed: 7, style: .grid, count: 300, dimension: 4)
    let reports = try [1, 2, 3, 8].map { threads in
      try ReconstructionEvaluation.evaluate(
        vectors: instance.vectors, relations: relations(instance.pairs),
        options: EvaluationOptions(threadCount: threads))
    }
    #expect(reports[0].gensim.nodeCount > 128)  // several blocks of 64 queries
    for report in reports.dropFirst() {
      #expect(report.paper == reports[0].paper)
      #expect(report.gensim == reports[0].gensim)
    }
  }

  @Test func exactWhereDoubleDistancesTie() throws {
    // w is farther from u than v by a margin far below double resolution: ‖w‖² = 0.25 + 1e-40.
    // Double distances tie; the exact comparison does not, and ties never count.
    let vectors = points([("u", [0, 0]), ("v", [0.5, 0]), ("w", [0.5, 1e-20])])
    let closerV = try ReconstructionEvaluation.evaluate(
      vectors: vectors, relations: relations([("u", "v")]),
      options: EvaluationOptions(threadCount: 1))
    #expect(closerV.paper.rankSum == 1)  // w is farther: not counted
    let closerW = try ReconstructionEvaluation.evaluate(
      vectors: vectors, relations: relations([("u", "w")]),
      options: EvaluationOptions(threadCount: 1))
    #expect(closerW.paper.rankSum == 2)  // v is strictly closer than w, though doubles tie
    #expect(closerW.exactComparisons > 0)
    #expect(
      PoincareBall.distance([0, 0], [0.5, 0]) == PoincareBall.distance([0, 0], [0.5, 1e-20]))
  }

  @Test func exactNearTiesAwayFromTheOrigin() throws {
    // Rows one ulp apart in one coordinate, seen from a query that is not the origin: the fast
    // path must agree with the exact reference whichever way each pair falls.
    let base = [0.31, -0.42, 0.17]
    var rows: [(String, [Double])] = [("u", [0.05, 0.1, -0.2])]
    for index in 0..<12 {
      var point = base
      for _ in 0..<(index / 3) { point[index % 3] = point[index % 3].nextUp }
      for _ in 0..<(index % 4) { point[(index + 1) % 3] = point[(index + 1) % 3].nextDown }
      rows.append(("p\(index)", point))
    }
    let vectors = points(rows)
    let pairs = (0..<12).filter { $0 % 3 != 1 }.map { ("u", "p\($0)") }
    let (ranked, items) = Self.graph(pairs, vectors)
    let expected = referenceReport(
      count: vectors.count, ranked: ranked, filtered: [:], items: items, maxN: nil,
      isCloser: Self.exactlyCloser(vectors))
    let report = try ReconstructionEvaluation.evaluate(
      vectors: vectors, relations: relations(pairs), options: EvaluationOptions(threadCount: 1))
    #expect(report.paper == expected.paper)
    #expect(report.gensim == expected.gensim)
  }
}

extension RankingEngineTests {
  @Test func manyCandidatesPerQuery() throws {
    // Each query's farthest positive is the farthest row, so nearly every row is a candidate:
    // more than a worker buffers per query (1024) before counting them.
    let instance = Self.instance(seed: 11, style: .generic, count: 1500, dimension: 3)
    let vectors = instance.vectors
    let origin = [Double](repeating: 0, count: 3)
    let farthest = (0..<vectors.count).max {
      PoincareBall.distance(origin, vectors.vector($0))
        < PoincareBall.distance(origin, vectors.vector($1))
    }!
    let name = vectors.vocabulary.name(of: farthest)
    let pairs = (0..<6).flatMap { query in
      [("n\(query * 7)", name), ("n\(query * 7)", "n\(query * 7 + 3)")]
    }
    let (ranked, items) = Self.graph(pairs, vectors)
    let expected = referenceReport(
      count: vectors.count, ranked: ranked, filtered: [:], items: items, maxN: nil,
      isCloser: Self.closerInDouble(vectors))
    let report = try ReconstructionEvaluation.evaluate(
      vectors: vectors, relations: relations(pairs), options: EvaluationOptions(threadCount: 2))
    #expect(report.paper.rankSum > 6 * 1000)
    #expect(report.paper == expected.paper)
    #expect(report.gensim == expected.gensim)
  }
}
