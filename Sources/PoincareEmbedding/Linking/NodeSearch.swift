// Goals, in priority order:
// 1. Exact answers by Poincaré distance for points that are not nodes (predictions): ranks
//    count strictly closer nodes only, as `eval` does.
// 2. One pass over the nodes per query for the rank, the nearest nodes and the ancestor
//    candidates together.
// 3. Queries spread over threads; results independent of the thread count.
//
// For a fixed point p, d(p, w) = arcosh(1 + 2‖p − w‖²/((1 − ‖p‖²)(1 − ‖w‖²))) increases with
// key(w) = ‖p − w‖² / (1 − ‖w‖²), so nodes are compared by that key (no arcosh per node); the
// distances reported are computed by `PoincareBall.distance`.

import Dispatch

/// One query of a `NodeSearch`: a point and what to find about it.
struct NodeQuery {
  /// The node whose rank to find, or -1.
  var target: Int32 = -1
  /// Nodes left out of the rank's competitors and of the ancestor candidates (the other nodes
  /// of the same key, the target itself).
  var excluded: ArraySlice<Int32> = []
  /// How many ancestor candidates to list: the nearest nodes with a smaller norm than the point.
  var ancestorCount = 0
}

/// What a `NodeSearch` found for one query.
struct NodeSearchResult: Sendable {
  /// 1 + the number of nodes (not excluded, not the target) strictly closer than the target;
  /// 0 without a target.
  var rank = 0
  /// The nearest nodes, ascending by distance (ties by row).
  var nearest: [KeyedVectors.Neighbor] = []
  /// The nearest nodes with a smaller norm than the point, not excluded, ascending.
  var ancestors: [Int32] = []
}

/// The nodes of an embedding, prepared for searches from arbitrary points of the ball.
struct NodeSearch: @unchecked Sendable {
  // @unchecked Sendable: arrays written in `init`, only read afterwards.
  let vectors: KeyedVectors
  /// Per node: 1/(1 − ‖w‖²), with 1 − ‖w‖² floored as `LinkDistance` floors it.
  let inverseGaps: [Double]
  let squaredNorms: [Double]

  init(_ vectors: KeyedVectors) {
    self.vectors = vectors
    let n = vectors.dimension
    var norms = [Double](repeating: 0, count: vectors.count)
    var inverse = [Double](repeating: 0, count: vectors.count)
    vectors.values.withUnsafeBufferPointer { values in
      for row in 0..<vectors.count {
        let squared = VectorKernels.squaredNorm(values.baseAddress! + row * n, count: n)
        norms[row] = squared
        inverse[row] = 1 / max(1 - squared, LinkDistance.minimumGap)
      }
    }
    squaredNorms = norms
    inverseGaps = inverse
  }

  /// Searches from `points` (`queries.count × dimension`), listing `nearestCount` nearest nodes
  /// per query.
  ///
  /// - Complexity: O(queries × nodes × dimension) over `threadCount` threads.
  func search(
    points: [Double], queries: [NodeQuery], nearestCount: Int, threadCount: Int
  ) -> [NodeSearchResult] {
    let count = queries.count
    var results = [NodeSearchResult](repeating: NodeSearchResult(), count: count)
    let threads = max(1, min(threadCount, count))
    results.withUnsafeMutableBufferPointer { output in
      points.withUnsafeBufferPointer { points in
        let shared = SharedSearch(
          output: output.baseAddress!, points: points.baseAddress!, queries: queries)
        let work: @Sendable (Int) -> Void = { worker in
          var keys = [Double](repeating: 0, count: vectors.count)
          keys.withUnsafeMutableBufferPointer { keys in
            for query in stride(from: worker, to: count, by: threads) {
              shared.output[query] = search(
                from: shared.points + query * vectors.dimension, shared.queries[query],
                nearestCount: nearestCount, keys: keys.baseAddress!)
            }
          }
        }
        if threads == 1 {
          work(0)
        } else {
          DispatchQueue.concurrentPerform(iterations: threads, execute: work)
        }
      }
    }
    return results
  }

  /// One query, with `keys` as scratch for one key per node.
  private func search(
    from p: UnsafePointer<Double>, _ query: NodeQuery, nearestCount: Int,
    keys: UnsafeMutablePointer<Double>
  ) -> NodeSearchResult {
    let n = vectors.dimension
    let count = vectors.count
    let pp = VectorKernels.squaredNorm(p, count: n)
    fillKeys(from: p, into: keys)
    var result = NodeSearchResult()
    if query.target >= 0 {
      let target = Int(query.target)
      let targetKey = keys[target]
      var closer = 0
      for row in 0..<count where keys[row] < targetKey { closer += 1 }
      // Excluded nodes are no competitors (the target is never closer than itself).
      for excluded in query.excluded where Int(excluded) != target && keys[Int(excluded)] < targetKey {
        closer -= 1
      }
      result.rank = closer + 1
    }
    if nearestCount > 0 {
      let best = Self.smallest(nearestCount, count: count, keys: keys) { _ in true }
      result.nearest = best.map { row in
        KeyedVectors.Neighbor(
          index: Int(row),
          distance: vectors.values.withUnsafeBufferPointer {
            PoincareBall.distance(p, $0.baseAddress! + Int(row) * n, dimension: n)
          })
      }
    }
    if query.ancestorCount > 0 {
      let excluded = Set(query.excluded)
      let norms = squaredNorms
      result.ancestors = Self.smallest(query.ancestorCount, count: count, keys: keys) { row in
        norms[row] < pp && !excluded.contains(Int32(row))
      }
    }
    return result
  }

  /// Writes each node's key (monotone in its distance from `p`) into `keys`.
  private func fillKeys(from p: UnsafePointer<Double>, into keys: UnsafeMutablePointer<Double>) {
    let n = vectors.dimension
    vectors.values.withUnsafeBufferPointer { values in
      inverseGaps.withUnsafeBufferPointer { inverse in
        for row in 0..<vectors.count {
          let (_, dd) = VectorKernels.squaredNormAndDistance(p, values.baseAddress! + row * n, count: n)
          keys[row] = dd * inverse[row]
        }
      }
    }
  }

  /// Writes the `count` nodes nearest `p`, other than `excluded`, into `rows` (ascending, ties
  /// by row; fewer when the embedding has fewer) and returns how many; `keys` is scratch for one
  /// key per node. No allocation: for training's inner loop.
  func nearest(
    to p: UnsafePointer<Double>, count: Int, excluding excluded: ArraySlice<Int32>,
    keys: UnsafeMutablePointer<Double>, into rows: UnsafeMutablePointer<Int32>
  ) -> Int {
    fillKeys(from: p, into: keys)
    return Self.smallest(count, count: vectors.count, keys: keys, into: rows) { row in
      !excluded.contains(Int32(row))
    }
  }

  /// Writes the rows of the `limit` smallest keys among those `accepts` into `rows`, ascending
  /// (ties by row), and returns how many (fewer when fewer are accepted). No allocation.
  private static func smallest(
    _ limit: Int, count: Int, keys: UnsafePointer<Double>, into rows: UnsafeMutablePointer<Int32>,
    accepts: (Int) -> Bool
  ) -> Int {
    guard limit > 0 else { return 0 }
    var found = 0
    for row in 0..<count {
      let key = keys[row]
      if found == limit && key >= keys[Int(rows[limit - 1])] { continue }
      guard accepts(row) else { continue }
      var position = found
      while position > 0 && keys[Int(rows[position - 1])] > key {
        if position < limit { rows[position] = rows[position - 1] }
        position -= 1
      }
      if position < limit { rows[position] = Int32(row) }
      found = min(found + 1, limit)
    }
    return found
  }

  /// `smallest` into a new array.
  private static func smallest(
    _ limit: Int, count: Int, keys: UnsafePointer<Double>, accepts: (Int) -> Bool
  ) -> [Int32] {
    guard limit > 0 else { return [] }
    var rows = [Int32](repeating: 0, count: limit)
    let found = rows.withUnsafeMutableBufferPointer {
      smallest(limit, count: count, keys: keys, into: $0.baseAddress!, accepts: accepts)
    }
    return Array(rows.prefix(found))
  }
}

/// The buffers of one search, seen by every worker; each writes its own queries' results.
private struct SharedSearch: @unchecked Sendable {
  let output: UnsafeMutablePointer<NodeSearchResult>
  let points: UnsafePointer<Double>
  let queries: [NodeQuery]
}

extension KeyedVectors {
  /// The `count` nodes nearest each of `points` (`pointCount × dimension`, any points of the
  /// ball, e.g. `link` predictions), ascending by Poincaré distance, ties by row.
  ///
  /// - Complexity: O(points × nodes × dimension) over `threadCount` threads.
  public func nearest(toPoints points: [Double], count: Int, threadCount: Int) -> [[Neighbor]] {
    precondition(points.count % dimension == 0)
    let queries = [NodeQuery](repeating: NodeQuery(), count: points.count / dimension)
    guard count > 0 else { return queries.map { _ in [] } }
    return NodeSearch(self).search(
      points: points, queries: queries, nearestCount: count, threadCount: threadCount
    ).map(\.nearest)
  }
}
