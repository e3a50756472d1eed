/// Reconstruction: how well the embedding ranks each node's own relations. Matches gensim's
/// `ReconstructionEvaluation(file_path, embedding).evaluate(max_n)` (protocol `gensim`) and the
/// Poincaré paper (protocol `paper`), exactly and over every node.
///
/// For every node u with relations, with P = u's distinct out-neighbours (a self-loop makes u a
/// positive of itself) and the vector rows as candidates:
/// ```
/// rank(v) = 1 + #{w ∉ P : d(u, w) < d(u, v)}      for v ∈ P
/// AP(u)   = (1/|P|) Σᵢ i / (rᵢ + i − 1)            ranks ascending
/// ```
/// mean rank over all (u, v), MAP over nodes. Distances are compared exactly (ties count as not
/// closer). Under `paper`, u is never a candidate and a self-loop is ignored; under `gensim`, u is
/// a candidate at distance 0 unless it is in P.
public enum ReconstructionEvaluation {
  /// Evaluates `vectors` on `relations`, mapping relation nodes onto vector rows by name.
  ///
  /// - Parameters:
  ///   - relationsPath: names the relations in messages and in the report.
  /// - Throws: `InputError` naming a relation node without a vector (unless
  ///   `options.skipMissing`); `ConfigurationError` for invalid options.
  /// - Complexity: O(N · n · d) for N evaluated nodes, n vectors, dimension d, spread over
  ///   `options.threadCount` threads; memory O(n · d + relations).
  public static func evaluate(
    vectors: KeyedVectors, relations: Relations, relationsPath: String = "relations",
    options: EvaluationOptions = EvaluationOptions()
  ) throws -> EvaluationReport {
    try options.validate()
    let clock = ContinuousClock()
    let started = clock.now
    let mapped = try MappedRelations(
      relations, onto: vectors, path: relationsPath, skipMissing: options.skipMissing)
    let graph = RelationGraph(nodeCount: vectors.count, pairs: mapped.pairs)
    let queries = RankingQueries(
      items: Evaluator.items(vectors.count, mapped.pairs), ranked: graph, filtered: nil,
      maxN: options.maxN)
    var report = Evaluator.run(vectors: vectors, queries: queries, options: options)
    report.task = .reconstruction
    report.relationCount = relations.count
    report.skippedRelations = mapped.skippedRelations
    report.missingNodes = mapped.missingNodes
    report.relationsPath = relationsPath
    report.seconds = Evaluator.seconds(since: started, clock: clock)
    return report
  }
}

/// Link prediction: how well the embedding ranks held-out relations. Matches gensim's
/// `LinkPredictionEvaluation(train_path, test_path, embedding).evaluate(max_n)` (protocol
/// `gensim`) and the paper's filtered setting (protocol `paper`).
///
/// For every node u with test relations U, with K = u's train relations:
/// ```
/// rank(v) = 1 + #{w ∉ K ∪ U : d(u, w) < d(u, v)}      for v ∈ U
/// ```
/// AP and aggregation as in `ReconstructionEvaluation`; gensim iterates the union of the nodes of
/// both files in index order.
public enum LinkPredictionEvaluation {
  /// Evaluates `vectors` on `test`, filtering `train` and `test` positives.
  ///
  /// - Throws: `InputError` naming a node without a vector (unless `options.skipMissing`);
  ///   `ConfigurationError` for invalid options.
  /// - Complexity: as `ReconstructionEvaluation.evaluate`, over the nodes with test relations.
  public static func evaluate(
    vectors: KeyedVectors, train: Relations, trainPath: String = "train", test: Relations,
    testPath: String = "test", options: EvaluationOptions = EvaluationOptions()
  ) throws -> EvaluationReport {
    try options.validate()
    let clock = ContinuousClock()
    let started = clock.now
    let known = try MappedRelations(
      train, onto: vectors, path: trainPath, skipMissing: options.skipMissing)
    let unknown = try MappedRelations(
      test, onto: vectors, path: testPath, skipMissing: options.skipMissing)
    var items = Evaluator.items(vectors.count, known.pairs)
    for row in unknown.pairs { items[Int(row)] = true }
    let queries = RankingQueries(
      items: items, ranked: RelationGraph(nodeCount: vectors.count, pairs: unknown.pairs),
      filtered: RelationGraph(nodeCount: vectors.count, pairs: known.pairs), maxN: options.maxN)
    var report = Evaluator.run(vectors: vectors, queries: queries, options: options)
    report.task = .linkPrediction
    report.relationCount = train.count
    report.testRelationCount = test.count
    report.skippedRelations = known.skippedRelations + unknown.skippedRelations
    report.missingNodes = Evaluator.missingNodes(train, test, vectors: vectors)
    report.relationsPath = trainPath
    report.testPath = testPath
    report.seconds = Evaluator.seconds(since: started, clock: clock)
    return report
  }
}

/// The steps both evaluations share.
enum Evaluator {
  /// Marks every row that occurs in `pairs` (gensim's `items`).
  static func items(_ count: Int, _ pairs: [NodeID]) -> [Bool] {
    var items = [Bool](repeating: false, count: count)
    for row in pairs { items[Int(row)] = true }
    return items
  }

  /// Ranks the queries and aggregates both protocols as numpy does.
  static func run(vectors: KeyedVectors, queries: RankingQueries, options: EvaluationOptions)
    -> EvaluationReport
  {
    let engine = RankingEngine(vectors)
    let (outcomes, statistics) = engine.rank(queries, threadCount: options.threadCount)
    return EvaluationReport(
      task: .reconstruction,
      paper: aggregate(outcomes.map(\.paper)),
      gensim: aggregate(outcomes.map(\.gensim)),
      vectorCount: vectors.count, dimension: vectors.dimension, relationCount: 0,
      testRelationCount: nil, skippedRelations: 0, missingNodes: 0, maxN: options.maxN,
      threadCount: options.threadCount, seconds: 0, loadSeconds: nil,
      candidatePairs: statistics.candidates,
      exactComparisons: statistics.exactComparisons)
  }

  /// Mean rank = Σ ranks / edges (numpy's mean of integers is exact below 2⁵³); MAP = numpy's
  /// pairwise mean of the nodes' APs in evaluation order.
  static func aggregate(_ outcomes: [QueryOutcome.Ranks]) -> EvaluationMetrics {
    let ranked = outcomes.filter { $0.count > 0 }
    let rankSum = ranked.reduce(0) { $0 + $1.sum }
    let edges = ranked.reduce(0) { $0 + $1.count }
    return EvaluationMetrics(
      meanRank: edges > 0 ? Double(rankSum) / Double(edges) : nil,
      meanAveragePrecision: ranked.isEmpty
        ? nil : AveragePrecision.mean(ranked.map(\.averagePrecision)),
      nodeCount: ranked.count, edgeCount: edges, rankSum: rankSum)
  }

  /// Distinct nodes of either relation set without a vector.
  static func missingNodes(_ a: Relations, _ b: Relations, vectors: KeyedVectors) -> Int {
    var missing = Set<String>()
    for relations in [a, b] {
      for id in 0..<relations.nodeCount
      where relations.vocabulary.withNameBytes(of: id, { vectors.vocabulary.find($0) }) == nil {
        missing.insert(relations.vocabulary.name(of: id))
      }
    }
    return missing.count
  }

  static func seconds(since start: ContinuousClock.Instant, clock: ContinuousClock) -> Double {
    let elapsed = clock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
  }
}
