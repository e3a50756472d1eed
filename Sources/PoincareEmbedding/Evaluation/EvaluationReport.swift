/// The two ranking protocols; every evaluation computes both in one pass.
public enum EvaluationProtocol: String, Sendable, CaseIterable {
  /// u is excluded from its own ranking, and a self-loop (u, u) is ignored: the Poincaré paper
  /// and facebookresearch/poincare-embeddings (which drops self-loops when loading and sets
  /// d(u, u) to 1e12 when ranking).
  case paper
  /// u is ranked as a negative at distance 0 unless it is one of its own positives (a self-loop):
  /// gensim's `ReconstructionEvaluation` and `LinkPredictionEvaluation`, whose `distances(u)`
  /// include u itself. Without self-loops every rank is then at least 2.
  case gensim

  /// One line saying how the protocol treats u.
  public var summary: String {
    switch self {
    case .paper: return "u excluded from its own ranking (the Poincaré paper, facebookresearch)"
    case .gensim: return "u ranked as a negative at distance 0 (gensim's evaluation classes)"
    }
  }
}

/// Mean rank and MAP under one protocol.
public struct EvaluationMetrics: Sendable, Equatable {
  /// Mean rank over all ranked (u, v) pairs; nil when there are none.
  ///
  /// rank(v) = 1 + #{w not a positive of u : d(u, w) < d(u, v)}: strictly closer negatives only.
  public var meanRank: Double?
  /// Mean over nodes with at least one ranked positive of AP(u) = (1/m) Σᵢ i / (rᵢ + i − 1), the
  /// ranks rᵢ ascending; nil when no node has one.
  public var meanAveragePrecision: Double?
  /// Nodes u with at least one ranked positive.
  public var nodeCount: Int
  /// Ranked (u, v) pairs, duplicates counted once.
  public var edgeCount: Int
  /// The sum of all ranks (mean rank = rankSum / edgeCount, exactly as numpy's mean computes it).
  public var rankSum: Int

  public init(
    meanRank: Double?, meanAveragePrecision: Double?, nodeCount: Int, edgeCount: Int, rankSum: Int
  ) {
    self.meanRank = meanRank
    self.meanAveragePrecision = meanAveragePrecision
    self.nodeCount = nodeCount
    self.edgeCount = edgeCount
    self.rankSum = rankSum
  }
}

/// The result of a reconstruction or link-prediction evaluation, with what was evaluated and how
/// long it took; `table(protocols:)` and `json(protocols:)` render it.
public struct EvaluationReport: Sendable, Equatable {
  public enum Task: String, Sendable {
    /// gensim's `ReconstructionEvaluation`: rank each relation among all nodes.
    case reconstruction
    /// gensim's `LinkPredictionEvaluation`: rank each test relation, filtering train and test.
    case linkPrediction = "link-prediction"
  }

  public var task: Task
  /// Results under the `paper` protocol.
  public var paper: EvaluationMetrics
  /// Results under the `gensim` protocol.
  public var gensim: EvaluationMetrics
  /// Rows and dimension of the vectors; every row takes part in every ranking.
  public var vectorCount: Int
  public var dimension: Int
  /// Relations read: all of them for reconstruction, the train relations for link prediction.
  public var relationCount: Int
  /// Test relations read (link prediction only).
  public var testRelationCount: Int?
  /// Relations dropped (with `skipMissing`) because a node has no vector, and such nodes.
  public var skippedRelations: Int
  public var missingNodes: Int
  /// gensim's `max_n`, when the evaluation was truncated like gensim's.
  public var maxN: Int?
  public var threadCount: Int
  /// Wall-clock seconds of the evaluation (mapping, ranking, aggregation; not file reading).
  public var seconds: Double
  /// Wall-clock seconds spent reading the input files, when the caller measured it.
  public var loadSeconds: Double?
  /// Pairs that the SIMD bound could not rule out, and comparisons decided in exact arithmetic.
  public var candidatePairs: Int
  public var exactComparisons: Int
  /// Where the inputs came from, for the rendered report (set by the caller).
  public var vectorsPath: String?
  public var relationsPath: String?
  public var testPath: String?

  /// The metrics of one protocol.
  public func metrics(_ evaluationProtocol: EvaluationProtocol) -> EvaluationMetrics {
    evaluationProtocol == .paper ? paper : gensim
  }
}
