#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Draws nodes with probability exactly proportional to integer weights in O(1) (Walker's alias
/// method, built with Vose's algorithm in integer arithmetic, so no probability is rounded).
///
/// Each of the n buckets holds a threshold and an alias in one 64-bit entry: draw a bucket i
/// uniformly and r uniformly in `0..<total`; the node is i when r < threshold(i), else alias(i).
/// Bucket i then yields node x with probability (n·weight(x)/total)/n summed over its buckets,
/// which is weight(x)/total exactly. One entry per node keeps the table small enough to stay in
/// cache, unlike a cumulative table searched per draw or a table with one slot per count unit.
struct AliasTable: Sendable {
  /// Per bucket: threshold in the high 32 bits, alias in the low 32 bits.
  let entries: [UInt64]
  /// The weight of each node.
  let weights: [Int]
  /// Σ weight², for the expected number of repeats among independent draws.
  let squaredTotal: Double
  /// Per node, the total weight and squared weight of its parents (the nodes excluded when it
  /// is the child), so the sampler need not add them up for every relation; zeros without a
  /// graph.
  let excludedWeights: [Int]
  let excludedSquares: [Double]
  /// Σ weights: the range of the second uniform draw.
  let total: UInt64

  /// - Precondition: every weight ≥ 0, some weight > 0, and Σ weights < 2³².
  init(weights nodeWeights: [Int]) {
    let total = nodeWeights.reduce(0, +)
    precondition(total > 0 && total < Int(UInt32.max), "weights must sum to 1..<2^32")
    let nodeCount = nodeWeights.count
    // Scaled weights: node x fills n·weight(x) units of buckets holding `total` units each.
    var weights = nodeWeights.map { $0 * nodeCount }
    var entries = [UInt64](repeating: 0, count: nodeCount)
    var small: [Int] = []
    var large: [Int] = []
    for node in 0..<nodeCount {
      if weights[node] < total { small.append(node) } else { large.append(node) }
    }
    while let donor = large.last, let bucket = small.popLast() {
      entries[bucket] = UInt64(weights[bucket]) << 32 | UInt64(donor)
      weights[donor] -= total - weights[bucket]
      if weights[donor] < total {
        large.removeLast()
        small.append(donor)
      }
    }
    // What remains is full (exactly `total` units, up to none in exact arithmetic).
    for node in large + small {
      entries[node] = UInt64(total) << 32 | UInt64(node)
    }
    self.entries = entries
    self.weights = nodeWeights
    self.total = UInt64(total)
    self.squaredTotal = nodeWeights.reduce(0) { $0 + Double($1) * Double($1) }
    self.excludedWeights = [Int](repeating: 0, count: nodeCount)
    self.excludedSquares = [Double](repeating: 0, count: nodeCount)
  }

  /// The table of a negative distribution over nodes with the given gensim counts, with the
  /// parents' weights of every child of `graph`.
  init(_ distribution: NegativeDistribution, counts: [Int], graph: RelationGraph) {
    self.init(distribution, counts: counts)
    var excludedWeights = [Int](repeating: 0, count: counts.count)
    var excludedSquares = [Double](repeating: 0, count: counts.count)
    for node in 0..<counts.count {
      for parent in graph.outNeighbors(node) {
        let weight = weights[Int(parent)]
        excludedWeights[node] += weight
        excludedSquares[node] += Double(weight) * Double(weight)
      }
    }
    self = AliasTable(self, excludedWeights: excludedWeights, excludedSquares: excludedSquares)
  }

  private init(_ table: AliasTable, excludedWeights: [Int], excludedSquares: [Double]) {
    entries = table.entries
    weights = table.weights
    total = table.total
    squaredTotal = table.squaredTotal
    self.excludedWeights = excludedWeights
    self.excludedSquares = excludedSquares
  }

  /// The table of a negative distribution over nodes with the given gensim counts.
  init(_ distribution: NegativeDistribution, counts: [Int]) {
    switch distribution {
    case .counts:
      self.init(weights: counts)
    case .uniform:
      self.init(weights: [Int](repeating: 1, count: counts.count))
    case .countsPower(let power):
      // count^p scaled so the weights sum to about 2³⁰; every node keeps weight ≥ 1.
      let raised = counts.map { pow(Double($0), power) }
      let scale = Double(1 << 30) / raised.reduce(0, +)
      self.init(weights: raised.map { max(1, Int(($0 * scale).rounded())) })
    }
  }

  /// A view for the sampler, valid while the table is alive and `body` runs.
  func withView<R>(_ body: (AliasView) throws -> R) rethrows -> R {
    try entries.withUnsafeBufferPointer { entries in
      try weights.withUnsafeBufferPointer { weights in
        try excludedWeights.withUnsafeBufferPointer { excludedWeights in
          try excludedSquares.withUnsafeBufferPointer { excludedSquares in
            try body(
              AliasView(
                entries: entries.baseAddress!, weights: weights.baseAddress!, total: total,
                squaredTotal: squaredTotal, excludedWeights: excludedWeights.baseAddress!,
                excludedSquares: excludedSquares.baseAddress!))
          }
        }
      }
    }
  }

  /// The probability of drawing `node`: its share of the buckets' units, over `total`.
  func probability(of node: Int) -> Double {
    var units = 0
    let nodeCount = entries.count
    for bucket in 0..<nodeCount {
      let threshold = Int(entries[bucket] >> 32)
      if bucket == node { units += threshold }
      if Int(entries[bucket] & 0xFFFF_FFFF) == node { units += Int(total) - threshold }
    }
    return Double(units) / Double(Int(total) * nodeCount)
  }
}

/// An alias table seen through raw pointers, as the sampler reads it.
struct AliasView: @unchecked Sendable {
  let entries: UnsafePointer<UInt64>
  let weights: UnsafePointer<Int>
  let total: UInt64
  let squaredTotal: Double
  let excludedWeights: UnsafePointer<Int>
  let excludedSquares: UnsafePointer<Double>
}
