@testable import PoincareEmbedding

/// Named points: `points([("u", [0, 0]), …])`.
func points(_ rows: [(String, [Double])]) -> KeyedVectors {
  KeyedVectors(
    vocabulary: Vocabulary(names: rows.map(\.0)), dimension: rows[0].1.count,
    values: rows.flatMap(\.1))
}

/// Relations from `child → parent` name pairs.
func relations(_ pairs: [(String, String)]) -> Relations { Relations(pairs) }

/// A straightforward O(n²·m) reference for both protocols, from the definitions in
/// `ReconstructionEvaluation` and gensim's `evaluate_mean_rank_and_map`, with `isCloser(u, w, v)`
/// deciding d(u, w) < d(u, v).
func referenceReport(
  count: Int, ranked: [Int: Set<Int>], filtered: [Int: Set<Int>], items: Set<Int>, maxN: Int?,
  isCloser: (Int, Int, Int) -> Bool
) -> (paper: EvaluationMetrics, gensim: EvaluationMetrics) {
  var paperRanks: [Int] = []
  var gensimRanks: [Int] = []
  var paperPrecisions: [Double] = []
  var gensimPrecisions: [Double] = []
  var scratch: [Double] = []
  func averagePrecision(_ ranks: [Int]) -> Double {
    ranks.sorted().withUnsafeBufferPointer {
      AveragePrecision.of(sortedRanks: $0, scratch: &scratch)
    }
  }
  for (position, u) in items.sorted().enumerated() {
    guard let positives = ranked[u], !positives.isEmpty else { continue }
    let excluded = positives.union(filtered[u] ?? [])
    // gensim: every row is a candidate, u included.
    let gensim = positives.map { v in
      1 + (0..<count).filter { !excluded.contains($0) && isCloser(u, $0, v) }.count
    }
    gensimRanks += gensim
    gensimPrecisions.append(averagePrecision(gensim))
    // paper: u is never a candidate nor a positive of itself.
    let paper = positives.subtracting([u]).map { v in
      1 + (0..<count).filter { $0 != u && !excluded.contains($0) && isCloser(u, $0, v) }.count
    }
    if !paper.isEmpty {
      paperRanks += paper
      paperPrecisions.append(averagePrecision(paper))
    }
    if let maxN, position + 1 > maxN { break }
  }
  func metrics(_ ranks: [Int], _ precisions: [Double]) -> EvaluationMetrics {
    let sum = ranks.reduce(0, +)
    return EvaluationMetrics(
      meanRank: ranks.isEmpty ? nil : Double(sum) / Double(ranks.count),
      meanAveragePrecision: precisions.isEmpty ? nil : AveragePrecision.mean(precisions),
      nodeCount: precisions.count, edgeCount: ranks.count, rankSum: sum)
  }
  return (metrics(paperRanks, paperPrecisions), metrics(gensimRanks, gensimPrecisions))
}
