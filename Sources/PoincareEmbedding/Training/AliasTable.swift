/// Draws nodes with probability exactly proportional to integer counts in O(1) (Walker's alias
/// method, built with Vose's algorithm in integer arithmetic, so no probability is rounded).
///
/// Each of the n buckets holds a threshold and an alias in one 64-bit entry: draw a bucket i
/// uniformly and r uniformly in `0..<total`; the node is i when r < threshold(i), else alias(i).
/// Bucket i then yields node x with probability (n·count(x)/total)/n summed over its buckets,
/// which is count(x)/total exactly. One entry per node keeps the table small enough to stay in
/// cache, unlike a cumulative table searched per draw or a table with one slot per count unit.
struct AliasTable: Sendable {
  /// Per bucket: threshold in the high 32 bits, alias in the low 32 bits.
  let entries: [UInt64]
  /// Σ counts: the range of the second uniform draw.
  let total: UInt64

  /// - Precondition: every count ≥ 0, some count > 0, and Σ counts < 2³².
  init(counts: [Int]) {
    let total = counts.reduce(0, +)
    precondition(total > 0 && total < Int(UInt32.max), "counts must sum to 1..<2^32")
    let nodeCount = counts.count
    // Scaled weights: node x fills n·count(x) units of buckets holding `total` units each.
    var weights = counts.map { $0 * nodeCount }
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
    self.total = UInt64(total)
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
