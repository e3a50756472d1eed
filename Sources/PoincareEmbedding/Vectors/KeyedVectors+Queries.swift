// Goals, in priority order:
// 1. gensim's answers (`PoincareKeyedVectors` and the `KeyedVectors` methods it inherits), with
//    the deliberate differences documented on each method.
// 2. Never NaN: every distance goes through `PoincareBall`, whose formula stays finite for rows
//    inside the ball (the readers refuse rows outside it).
// 3. Simple linear scans: a query touches every row once, O(count × dimension), which answers in
//    milliseconds even for the 82,115 WordNet nouns.

extension KeyedVectors {
  /// A node and its Poincaré distance from the node a query started at.
  public struct Neighbor: Sendable, Equatable {
    /// The node's row index.
    public var index: Int
    /// The Poincaré distance from the query node.
    public var distance: Double

    public init(index: Int, distance: Double) {
      self.index = index
      self.distance = distance
    }
  }

  /// The key of row `index` (gensim's `index_to_key[index]`).
  public func key(of index: Int) -> String { vocabulary.name(of: index) }

  /// The Euclidean norm of row `index`: its depth in the hierarchy, 0 at the top.
  ///
  /// Matches gensim's `PoincareKeyedVectors.norm`.
  public func norm(of index: Int) -> Double {
    precondition(index >= 0 && index < count, "row \(index) out of range")
    return values.withUnsafeBufferPointer { rows in
      Self.norm(rows.baseAddress! + index * dimension, dimension: dimension)
    }
  }

  /// The Euclidean norm of every row, in index order.
  ///
  /// - Complexity: O(count × dimension).
  public func norms() -> [Double] {
    values.withUnsafeBufferPointer { rows in
      (0..<count).map { Self.norm(rows.baseAddress! + $0 * dimension, dimension: dimension) }
    }
  }

  /// The Poincaré distance between rows `a` and `b`.
  ///
  /// Matches gensim's `PoincareKeyedVectors.distance`, computed in double precision.
  public func distance(_ a: Int, _ b: Int) -> Double {
    precondition(a >= 0 && a < count && b >= 0 && b < count, "row out of range")
    return values.withUnsafeBufferPointer { rows in
      PoincareBall.distance(
        rows.baseAddress! + a * dimension, rows.baseAddress! + b * dimension,
        dimension: dimension)
    }
  }

  /// The Poincaré distances from row `index` to every row, itself included, in index order.
  ///
  /// Matches gensim's `PoincareKeyedVectors.distances(node)` with no `other_nodes`.
  /// - Complexity: O(count × dimension).
  public func distances(from index: Int) -> [Double] {
    precondition(index >= 0 && index < count, "row \(index) out of range")
    return values.withUnsafeBufferPointer { rows in
      [Double](unsafeUninitializedCapacity: count) { result, initialized in
        PoincareBall.distances(
          from: rows.baseAddress! + index * dimension, toRows: rows.baseAddress!, count: count,
          dimension: dimension, into: result.baseAddress!)
        initialized = count
      }
    }
  }

  /// A similarity in (0, 1] derived from the distance.
  ///
  /// ```
  /// similarity(a, b) = 1 / (1 + d(a, b))
  /// ```
  /// Matches gensim's `PoincareKeyedVectors.similarity`.
  public func similarity(_ a: Int, _ b: Int) -> Double { 1 / (1 + distance(a, b)) }

  /// The nodes nearest to row `index`, by ascending Poincaré distance, the query node excluded.
  ///
  /// Matches gensim's `PoincareKeyedVectors.most_similar(node, topn)`, which (despite its name)
  /// returns distances, not similarities. One difference, on purpose: gensim fails to drop the
  /// query when it is the node at index 0 (its test is `not node_index or index != node_index`),
  /// so `most_similar` of the first key lists the key itself at distance 0. Here the query node is
  /// always excluded. Equal distances are ordered by index.
  /// - Parameters:
  ///   - index: the query node's row.
  ///   - count: how many neighbours to return; nil for all other nodes. Below 1 gives `[]`, as
  ///     gensim's `topn < 1` does.
  /// - Complexity: O(count × dimension + count × log count).
  public func mostSimilar(to index: Int, count limit: Int? = 10) -> [Neighbor] {
    if let limit, limit < 1 { return [] }
    let all = distances(from: index)
    var neighbors: [Neighbor] = []
    neighbors.reserveCapacity(count - 1)
    for other in 0..<count where other != index {
      neighbors.append(Neighbor(index: other, distance: all[other]))
    }
    neighbors.sort { (x: Neighbor, y: Neighbor) -> Bool in
      x.distance != y.distance ? x.distance < y.distance : x.index < y.index
    }
    if let limit, limit < neighbors.count { neighbors.removeSubrange(limit...) }
    return neighbors
  }

  /// The nearest node higher in the hierarchy: among the rows whose norm is strictly smaller
  /// than row `index`'s, the one at the least Poincaré distance; nil when there is none.
  ///
  /// Matches gensim's `PoincareKeyedVectors.closest_parent` (ties go to the lower index, as
  /// numpy's `argmin` does).
  /// - Complexity: O(count × dimension).
  public func closestParent(of index: Int) -> Neighbor? {
    nearest(to: index) { $0 < $1 }
  }

  /// The nearest node lower in the hierarchy: among the rows whose norm is strictly greater
  /// than row `index`'s, the one at the least Poincaré distance; nil when there is none.
  ///
  /// Matches gensim's `PoincareKeyedVectors.closest_child`.
  /// - Complexity: O(count × dimension).
  public func closestChild(of index: Int) -> Neighbor? {
    nearest(to: index) { $0 > $1 }
  }

  /// The chain of closest parents from row `index` up to a node with no closest parent, nearest
  /// first.
  ///
  /// Matches gensim's `PoincareKeyedVectors.ancestors`. The chain always ends: norms strictly
  /// decrease along it.
  /// - Complexity: O(length × count × dimension).
  public func ancestors(of index: Int) -> [Int] {
    var chain: [Int] = []
    var current = index
    while let parent = closestParent(of: current) {
      chain.append(parent.index)
      current = parent.index
    }
    return chain
  }

  /// The chain of closest children from row `index`, at most `maxDepth` long, nearest first.
  ///
  /// gensim's `PoincareKeyedVectors.descendants(node, max_depth=5)` calls `closest_child`
  /// exactly `max_depth` times and fails with a `KeyError` once a node has no child; here the
  /// chain simply stops there.
  /// - Complexity: O(maxDepth × count × dimension).
  public func descendants(of index: Int, maxDepth: Int = 5) -> [Int] {
    var chain: [Int] = []
    var current = index
    while chain.count < maxDepth, let child = closestChild(of: current) {
      chain.append(child.index)
      current = child.index
    }
    return chain
  }

  /// The rows other than `a` strictly closer to `a` than `b` is, in index order.
  ///
  /// Matches gensim's `KeyedVectors.closer_than(key1, key2)` with Poincaré distances.
  /// - Complexity: O(count × dimension).
  public func closerThan(_ a: Int, _ b: Int) -> [Int] {
    let all = distances(from: a)
    let bound = all[b]
    return (0..<count).filter { $0 != a && all[$0] < bound }
  }

  /// The rank of `b` among `a`'s neighbours: 1 + the number of rows other than `a` strictly
  /// closer to `a` than `b` is.
  ///
  /// ```
  /// rank(a, b) = 1 + #{w ≠ a : d(a, w) < d(a, b)}
  /// ```
  /// Matches gensim's `KeyedVectors.rank(key1, key2)`.
  /// - Complexity: O(count × dimension).
  public func rank(_ a: Int, _ b: Int) -> Int {
    let all = distances(from: a)
    let bound = all[b]
    var closer = 0
    for index in 0..<count where index != a && all[index] < bound { closer += 1 }
    return closer + 1
  }

  /// How much higher in the hierarchy `a` sits than `b`.
  ///
  /// ```
  /// differenceInHierarchy(a, b) = ‖b‖ − ‖a‖
  /// ```
  /// Positive when `a` is closer to the origin (higher). Matches gensim's
  /// `PoincareKeyedVectors.difference_in_hierarchy`.
  public func differenceInHierarchy(_ a: Int, _ b: Int) -> Double { norm(of: b) - norm(of: a) }

  /// The nearest row whose norm stands in `relation` to row `index`'s norm (the first argument
  /// is the candidate's norm); ties go to the lower index.
  private func nearest(to index: Int, where relation: (Double, Double) -> Bool) -> Neighbor? {
    let all = distances(from: index)
    let norms = norms()
    let reference = norms[index]
    var best: Neighbor?
    for candidate in 0..<count where relation(norms[candidate], reference) {
      if best == nil || all[candidate] < best!.distance {
        best = Neighbor(index: candidate, distance: all[candidate])
      }
    }
    return best
  }

  private static func norm(_ row: UnsafePointer<Double>, dimension: Int) -> Double {
    var squared = 0.0
    for index in 0..<dimension { squared += row[index] * row[index] }
    return squared.squareRoot()
  }
}
