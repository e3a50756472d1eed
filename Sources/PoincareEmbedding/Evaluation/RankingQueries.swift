/// What to rank, per query node, in vector-row indices: the nodes u to evaluate in gensim's
/// order, each with its *ranked* positives (whose ranks are reported) and its *filtered* nodes
/// (positives excluded from the negatives; a superset of the ranked ones).
///
/// Reconstruction ranks and filters u's out-neighbours (gensim's `relations[u]`, a set). Link
/// prediction ranks the test out-neighbours and filters train ∪ test (gensim's `unknown[u]` and
/// `known[u] ∪ unknown[u]`).
struct RankingQueries: Sendable {
  /// Query nodes (vector rows) in evaluation order: ascending row index.
  var nodes: [Int32]
  /// `ranked[rankedOffsets[q]..<rankedOffsets[q + 1]]`: query q's ranked positives, ascending.
  var rankedOffsets: [Int]
  var ranked: [Int32]
  /// `filtered[filteredOffsets[q]..<filteredOffsets[q + 1]]`: query q's filtered nodes, ascending.
  var filteredOffsets: [Int]
  var filtered: [Int32]

  var count: Int { nodes.count }

  /// Builds the queries from relation graphs over vector rows.
  ///
  /// `items` marks every row that occurs in any relation (gensim's `items` set). gensim iterates
  /// `items` in Python set order, ascending for these integer indices, skipping items without
  /// ranked positives; its counter `i` counts every item, and the loop stops *after* evaluating an
  /// item once `i > maxN` (`evaluate_mean_rank_and_map`), so roughly maxN + 1 items are considered.
  init(items: [Bool], ranked: RelationGraph, filtered: RelationGraph?, maxN: Int?) {
    var nodes: [Int32] = []
    var rankedOffsets = [0]
    var rankedTargets: [Int32] = []
    var filteredOffsets = [0]
    var filteredTargets: [Int32] = []
    var counter = 0
    for node in items.indices where items[node] {
      counter += 1
      let positives = ranked.outNeighbors(node)
      if positives.isEmpty { continue }
      nodes.append(Int32(node))
      rankedTargets.append(contentsOf: positives)
      rankedOffsets.append(rankedTargets.count)
      if let filtered {
        filteredTargets.append(contentsOf: Self.union(positives, filtered.outNeighbors(node)))
      } else {
        filteredTargets.append(contentsOf: positives)
      }
      filteredOffsets.append(filteredTargets.count)
      if let maxN, counter > maxN { break }
    }
    self.nodes = nodes
    self.rankedOffsets = rankedOffsets
    self.ranked = rankedTargets
    self.filteredOffsets = filteredOffsets
    self.filtered = filteredTargets
  }

  /// The sorted union of two ascending, duplicate-free lists.
  private static func union(_ a: ArraySlice<Int32>, _ b: ArraySlice<Int32>) -> [Int32] {
    var result: [Int32] = []
    result.reserveCapacity(a.count + b.count)
    var i = a.startIndex
    var j = b.startIndex
    while i < a.endIndex || j < b.endIndex {
      if j == b.endIndex || (i < a.endIndex && a[i] < b[j]) {
        result.append(a[i])
        i += 1
      } else if i == a.endIndex || b[j] < a[i] {
        result.append(b[j])
        j += 1
      } else {
        result.append(a[i])
        i += 1
        j += 1
      }
    }
    return result
  }
}

/// Relations translated from their own vocabulary onto the rows of a vectors file, by name
/// (vectors files are in count order, relation files in first-appearance order).
struct MappedRelations {
  /// Interleaved (child, parent) vector rows of the relations kept.
  var pairs: [NodeID] = []
  /// Relations dropped because a node has no vector (only with `skipMissing`).
  var skippedRelations = 0
  /// Distinct relation nodes without a vector (only with `skipMissing`).
  var missingNodes = 0

  /// Maps every relation onto `vectors`' rows.
  ///
  /// - Throws: `InputError.malformed` at `path` naming the first node without a vector, unless
  ///   `skipMissing`, which drops each relation that has one and counts them.
  init(_ relations: Relations, onto vectors: KeyedVectors, path: String, skipMissing: Bool)
    throws(InputError)
  {
    var rows = [NodeID](repeating: -1, count: relations.nodeCount)
    for id in 0..<relations.nodeCount {
      rows[id] = relations.vocabulary.withNameBytes(of: id) { vectors.vocabulary.find($0) } ?? -1
    }
    missingNodes = rows.lazy.filter { $0 < 0 }.count
    pairs.reserveCapacity(relations.pairs.count)
    for index in 0..<relations.count {
      let child = rows[Int(relations.child(index))]
      let parent = rows[Int(relations.parent(index))]
      if child >= 0 && parent >= 0 {
        pairs.append(child)
        pairs.append(parent)
        continue
      }
      guard skipMissing else {
        let names = relations.vocabulary
        let missing = names.name(
          of: Int(child < 0 ? relations.child(index) : relations.parent(index)))
        let relation =
          "'\(names.name(of: Int(relations.child(index))))' → "
          + "'\(names.name(of: Int(relations.parent(index))))'"
        let others = missingNodes > 1 ? "; \(missingNodes - 1) more nodes lack one too" : ""
        let suggestions = vectors.vocabulary.suggestions(for: missing)
        let guess =
          suggestions.isEmpty
          ? "" : "did you mean " + suggestions.map { "'\($0)'" }.joined(separator: ", ") + "? "
        throw InputError(
          .malformed, path: path,
          message: "node '\(missing)' (relation \(index + 1): \(relation)) has no vector\(others)",
          hint: guess
            + "Evaluate vectors trained on these relations, or skip such relations with --skip-missing."
        )
      }
      skippedRelations += 1
    }
  }
}
