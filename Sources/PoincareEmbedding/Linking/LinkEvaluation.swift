/// How well one method places held-out keys.
public struct LinkScores: Sendable, Equatable {
  /// `ours`, `nearest-key` or `tangent-least-squares`.
  public var method: String
  /// A description for reports.
  public var label: String
  /// Mean of 1/rank over pairs; rank = 1 + the nodes strictly closer to the prediction than the
  /// pair's node, the key's other nodes left out.
  public var meanReciprocalRank: Double
  public var hitsAt1: Double
  public var hitsAt10: Double
  public var meanRank: Double
  /// Mean Poincaré distance from the prediction to the pair's node.
  public var meanDistance: Double
  /// Mean ancestor precision (with a closure): of the k nodes with a smaller norm than the
  /// prediction that lie nearest it (the key's own nodes left out), the share that are
  /// ancestors of the pair's node, k being its number of ancestors; pairs whose node has none
  /// are left out.
  public var ancestorPrecision: Double?
  /// MRR over the pairs whose node is also the node of a training pair (a method that copies
  /// training nodes can rank those first), and over the other pairs; nil for an empty part.
  public var trainingNodeMRR: Double?
  public var otherNodeMRR: Double?
}

/// `link eval`'s findings: the model and the two baselines on the same held-out pairs.
public struct LinkEvaluationReport: Sendable {
  public var pairCount: Int
  /// Held-out pairs whose key the model was fitted on (a split that leaks).
  public var pairsWithTrainingKeys: Int
  /// Held-out pairs whose node is also a training pair's node (another key of the same node
  /// was fitted on: a synonym); the nearest-key baseline can copy that node exactly.
  public var pairsWithTrainingNodes: Int
  /// Pairs of the closure's evaluation (their node has ancestors), 0 without a closure.
  public var ancestorPairCount: Int
  public var skippedForKeys: Int
  public var skippedForNodes: Int
  /// Training pairs the baselines could not use (their key has no vector in these inputs).
  public var baselineSkippedPairs: Int
  /// `ours` first, then the baselines.
  public var scores: [LinkScores]
  public var seconds: Double
}

/// Evaluates a link model on held-out pairs against two baselines (`link eval`).
public enum LinkEvaluation {
  public static let methods = [
    ("ours", "ours"), ("nearest-key", "nearest training key (cosine)"),
    ("tangent-least-squares", "tangent least squares + exp map"),
  ]

  /// Each embedding row's ancestors in `closure` (child<TAB>ancestor pairs, mapped by name).
  ///
  /// - Throws: `InputError` naming a closure node without a vector, unless `skipMissing`.
  public static func ancestors(
    in closure: Relations, onto embedding: KeyedVectors, path: String, skipMissing: Bool
  ) throws(InputError) -> RelationGraph {
    let mapped = try MappedRelations(
      closure, onto: embedding, path: path, skipMissing: skipMissing)
    return RelationGraph(nodeCount: embedding.count, pairs: mapped.pairs)
  }

  /// Ranks every held-out pair's node among all nodes from the model's prediction and from
  /// the two baselines', fitted on the model's own training pairs.
  ///
  /// - Parameters:
  ///   - test: held-out pairs resolved against `lookup` and `embedding`.
  ///   - ancestors: per embedding row, its ancestors (a closure mapped onto the rows), or nil.
  public static func evaluate(
    model: LinkModel, lookup: KeyLookup, embedding: KeyedVectors, test: LinkExamples,
    ancestors: RelationGraph?, threadCount: Int
  ) -> LinkEvaluationReport {
    let clock = ContinuousClock()
    let started = clock.now
    let n = model.architecture.inputDimension
    let count = test.count
    let rawInputs = (0..<count).flatMap { pair -> ArraySlice<Double> in
      let key = Int(test.pairKeys[pair])
      return test.keyInputs[(key * n)..<((key + 1) * n)]
    }
    let trainingKeys = Set(model.trainingKeys)
    let seenPairs = (0..<count).filter { trainingKeys.contains(test.keys[Int(test.pairKeys[$0])]) }
      .count
    let trainingNodeRows = Set(model.trainingNodes.compactMap { embedding.vocabulary.index(of: $0) })
    let hasTrainingNode = (0..<count).map { trainingNodeRows.contains(Int(test.pairNodes[$0])) }
    let trainingNodePairs = hasTrainingNode.filter { $0 }.count

    // The baselines' training data: the model's pairs, with these inputs.
    var trainingRaw: [Double] = []
    var trainingNodes: [Int32] = []
    var row = [Double](repeating: 0, count: n)
    var skipped = 0
    for (key, node) in zip(model.trainingKeys, model.trainingNodes) {
      guard let nodeRow = embedding.vocabulary.index(of: node),
        row.withUnsafeMutableBufferPointer({ lookup.vector(of: key, into: $0.baseAddress!) })
      else {
        skipped += 1
        continue
      }
      trainingRaw.append(contentsOf: row)
      trainingNodes.append(Int32(nodeRow))
    }

    var predictions = [model.predict(rawInputs: rawInputs, count: count, threadCount: threadCount)]
    if !trainingNodes.isEmpty {
      predictions.append(
        LinkBaselines.nearestKey(
          trainingInputs: trainingRaw, trainingNodes: trainingNodes, queryInputs: rawInputs,
          queryCount: count, dimension: n, embedding: embedding, threadCount: threadCount))
      predictions.append(
        LinkBaselines.tangentLeastSquares(
          trainingInputs: model.scaled(trainingRaw, count: trainingNodes.count),
          trainingNodes: trainingNodes, queryInputs: model.scaled(rawInputs, count: count),
          queryCount: count, dimension: n, embedding: embedding,
          epsilon: model.architecture.epsilon))
    }

    let (keyOffsets, keyNodes) = test.nodesByKey()
    let queries = (0..<count).map { pair -> NodeQuery in
      let key = Int(test.pairKeys[pair])
      let node = test.pairNodes[pair]
      return NodeQuery(
        target: node, excluded: keyNodes[keyOffsets[key]..<keyOffsets[key + 1]],
        ancestorCount: ancestors?.outNeighbors(Int(node)).count ?? 0)
    }
    let search = NodeSearch(embedding)
    var scores: [LinkScores] = []
    let d = embedding.dimension
    for (index, points) in predictions.enumerated() {
      let results = search.search(
        points: points, queries: queries, nearestCount: 0, threadCount: threadCount)
      var reciprocal = 0.0
      var reciprocalTrainingNodes = 0.0
      var hits1 = 0
      var hits10 = 0
      var rankSum = 0.0
      var distanceSum = 0.0
      var precisionSum = 0.0
      var precisionCount = 0
      points.withUnsafeBufferPointer { points in
        embedding.values.withUnsafeBufferPointer { values in
          for pair in 0..<count {
            let rank = results[pair].rank
            reciprocal += 1 / Double(rank)
            if hasTrainingNode[pair] { reciprocalTrainingNodes += 1 / Double(rank) }
            if rank <= 1 { hits1 += 1 }
            if rank <= 10 { hits10 += 1 }
            rankSum += Double(rank)
            let node = Int(test.pairNodes[pair])
            distanceSum += PoincareBall.distance(
              points.baseAddress! + pair * d, values.baseAddress! + node * d, dimension: d)
            if let ancestors, queries[pair].ancestorCount > 0 {
              let truth = ancestors.outNeighbors(node)
              let found = results[pair].ancestors.filter { truth.contains($0) }.count
              precisionSum += Double(found) / Double(truth.count)
              precisionCount += 1
            }
          }
        }
      }
      let total = Double(max(count, 1))
      scores.append(
        LinkScores(
          method: methods[index].0, label: methods[index].1,
          meanReciprocalRank: reciprocal / total, hitsAt1: Double(hits1) / total,
          hitsAt10: Double(hits10) / total, meanRank: rankSum / total,
          meanDistance: distanceSum / total,
          ancestorPrecision: ancestors == nil
            ? nil : precisionCount > 0 ? precisionSum / Double(precisionCount) : 0,
          trainingNodeMRR: trainingNodePairs > 0
            ? reciprocalTrainingNodes / Double(trainingNodePairs) : nil,
          otherNodeMRR: count > trainingNodePairs
            ? (reciprocal - reciprocalTrainingNodes) / Double(count - trainingNodePairs) : nil))
    }
    let ancestorPairs = queries.filter { $0.ancestorCount > 0 }.count
    return LinkEvaluationReport(
      pairCount: count, pairsWithTrainingKeys: seenPairs, pairsWithTrainingNodes: trainingNodePairs,
      ancestorPairCount: ancestors == nil ? 0 : ancestorPairs,
      skippedForKeys: test.skippedForKeys, skippedForNodes: test.skippedForNodes,
      baselineSkippedPairs: skipped, scores: scores,
      seconds: LinkTrainer.seconds(clock.now - started))
  }
}
