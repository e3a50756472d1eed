// Goals, in priority order:
// 1. Exact ranks: every comparison decided as the true Poincaré distances of the stored
//    coordinates decide it, ties included (strictly closer negatives count, as in gensim).
// 2. Both protocols, `paper` and `gensim`, from one pass over the all-pairs work.
// 3. Speed: the whole WordNet noun closure (82,115 × 82,115 pairs) in seconds on two cores.
//
// How (see `RankingEngine` for the bounds that make each step safe):
// - For a query u, d(u, w) increases with the key k(w) = ‖u − w‖² / (1 − ‖w‖²): no arcosh, no
//   division per pair.
// - The scan computes, for 4 queries × 8 rows at a time in SIMD4<Float> lanes, an interval of
//   k(w) from ‖w‖² + ‖u‖² − 2u·w with a proven error margin. Float32 because baseline x86-64
//   (SSE2) holds 4 floats but only 2 doubles per register; the coarser rounding only widens
//   the intervals. A group whose lower bounds all exceed the query's farthest positive is done.
// - Otherwise, per row and branch-free, the positives certainly at or below its key and those
//   possibly so are counted against float bounds of the positives' keys (sorted by exact key).
//   Where the counts agree, the row is strictly closer than exactly the remaining positives: one
//   increment of a histogram. Where they differ (a near-tie) the row gets a double-precision
//   interval from direct differences and, if intervals still overlap, `ExactKeyComparison`
//   decides in integer arithmetic.
// - Ranks are prefix sums of the histogram; u itself and self-loops are handled per protocol at
//   the end, so both protocols come from the same counts.

import Dispatch
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Per-query results of both protocols.
struct QueryOutcome: Sendable, Equatable {
  /// One protocol's ranks of one query.
  struct Ranks: Sendable, Equatable {
    /// Σ ranks and the number of ranked positives.
    var sum = 0
    var count = 0
    /// Average precision; meaningless when `count == 0`.
    var averagePrecision = 0.0
  }

  /// u excluded.
  var paper = Ranks()
  /// u counted as a negative at distance 0.
  var gensim = Ranks()
}

/// Work counters, for reports and tests.
struct RankingStatistics: Sendable, Equatable {
  /// Pairs (u, w) with w not certainly farther than every positive of u (approximately: rows of
  /// groups the scan could not rule out, strictly below the farthest positive's float bound).
  var candidates = 0
  /// Comparisons decided in exact integer arithmetic.
  var exactComparisons = 0
}

/// Ranks positives among all vector rows, exactly, for many query nodes at once.
///
/// Error bounds (ε = 2⁻⁵³, n = dimension), all deliberately loose by a factor of two or more:
/// - `1 − ‖x‖²` per row from a double-double sum of squares: error ≤ 2ε·T + 4(n+2)²ε².
/// - The scan's float `‖w‖² + ‖u‖² − 2u·w` (η = 2⁻²⁴; coordinates, norms and products rounded
///   to float) has absolute error ≤ (4n + 12)η because all norms are < 1; subtracting
///   `filterSlack` = 2(4n + 16)η and multiplying by a float lower bound of 1/(1 − ‖w‖²) gives a
///   value that never exceeds the exact key, and the sum plus 2·filterSlack bounds ‖u − w‖² from
///   above.
/// - A candidate's `Σ(uᵢ − wᵢ)²` from direct differences has relative error ≤ (n + 2)ε (all terms
///   are ≥ 0) plus n·2⁻¹⁰⁷⁴ from underflow; its key interval widens that by (2n + 8)ε.
final class RankingEngine: @unchecked Sendable {
  // @unchecked Sendable: every buffer is written once in `init` and only read afterwards.
  let count: Int
  let dimension: Int
  /// Row-major coordinates, `count × dimension`.
  let rows: UnsafeMutablePointer<Double>
  /// Lower and upper bounds of 1 / (1 − ‖x‖²) per row (upper: +∞ when 1 − ‖x‖² may be ≤ 0).
  let inverseTLow: UnsafeMutablePointer<Double>
  let inverseTHigh: UnsafeMutablePointer<Double>
  /// ‖x‖² per row (the high word of its double-double sum).
  let squaredNorms: UnsafeMutablePointer<Double>
  /// Rows in groups of eight, coordinate-major, as floats: `panels[g · dimension + k]` holds
  /// coordinate k of rows 8g…8g+7. The last group is padded with zero rows.
  let groupCount: Int
  let panels: UnsafeMutablePointer<SIMD8<Float>>
  /// Per group: ‖w‖² − filterSlack (1e30 for padding) and a lower bound of 1 / (1 − ‖w‖²)
  /// (1 for padding), as floats.
  let panelOffsets: UnsafeMutablePointer<SIMD8<Float>>
  let panelScales: UnsafeMutablePointer<SIMD8<Float>>
  /// Per group: an upper bound of 1 / (1 − ‖w‖²) as a float (+∞ where 1 − ‖w‖² may be ≤ 0;
  /// 1 for padding).
  let panelScalesHigh: UnsafeMutablePointer<SIMD8<Float>>
  /// The slack subtracted from ‖w‖² in `panelOffsets`: at least twice the rounding error of the
  /// scan's float ‖w‖² + ‖u‖² − 2u·w, so `sum + 2 · filterSlack` bounds ‖u − w‖² from above.
  let filterSlack: Double

  /// Queries per unit of work; a multiple of 4.
  static let blockSize = 64

  init(_ vectors: KeyedVectors) {
    count = vectors.count
    dimension = vectors.dimension
    let n = dimension
    let epsilon = Double.ulpOfOne / 2
    let rows = UnsafeMutablePointer<Double>.allocate(capacity: max(1, count * n))
    rows.initialize(repeating: 0, count: max(1, count * n))
    for (index, value) in vectors.values.enumerated() { rows[index] = value }
    self.rows = rows
    inverseTLow = .allocate(capacity: max(1, count))
    inverseTHigh = .allocate(capacity: max(1, count))
    squaredNorms = .allocate(capacity: max(1, count))
    let tSlack =
      4 * Double((n + 2) * (n + 2)) * epsilon * epsilon
      + Double(4 * n) * Double.leastNormalMagnitude
    for row in 0..<count {
      let (high, low) = Self.squaredNorm(rows + row * n, dimension: n)
      squaredNorms[row] = high
      // 1 − (high + low) with the rounding of 1 − high recovered exactly (TwoSum).
      let t = 1 - high
      let virtualHigh = 1 - t
      let roundOff = (1 - (t + virtualHigh)) + (virtualHigh - high)
      let tValue = t + (roundOff - low)
      let tError = 2 * epsilon * abs(tValue) + tSlack
      inverseTLow[row] = (1 / (tValue + tError)) * (1 - 8 * epsilon)
      let tLow = tValue - tError
      inverseTHigh[row] = tLow > 0 ? (1 / tLow) * (1 + 8 * epsilon) : .infinity
    }
    groupCount = (count + 7) / 8
    panels = .allocate(capacity: max(1, groupCount * n))
    panelOffsets = .allocate(capacity: max(1, groupCount))
    panelScales = .allocate(capacity: max(1, groupCount))
    panelScalesHigh = .allocate(capacity: max(1, groupCount))
    let floatEpsilon = Double(Float.ulpOfOne) / 2
    let filterSlack = 2 * Double(4 * n + 16) * floatEpsilon
    self.filterSlack = filterSlack
    for group in 0..<groupCount {
      // Padding: a huge finite offset, so that `low − bound` is never ∞ − ∞.
      var offset = SIMD8<Float>(repeating: 1e30)
      var scale = SIMD8<Float>(repeating: 1)
      var scaleHigh = SIMD8<Float>(repeating: 1)
      for lane in 0..<8 where group * 8 + lane < count {
        offset[lane] = Float(squaredNorms[group * 8 + lane] - filterSlack)
        // Shrunk by 4η so that rounding to float cannot push it above 1 / (1 − ‖w‖²).
        scale[lane] = Float(inverseTLow[group * 8 + lane] * (1 - 4 * floatEpsilon))
        scaleHigh[lane] = Float(inverseTHigh[group * 8 + lane] * (1 + 4 * floatEpsilon))
      }
      panelOffsets[group] = offset
      panelScales[group] = scale
      panelScalesHigh[group] = scaleHigh
      for k in 0..<n {
        var lanes = SIMD8<Float>(repeating: 0)
        for lane in 0..<8 where group * 8 + lane < count {
          lanes[lane] = Float(rows[(group * 8 + lane) * n + k])
        }
        panels[group * n + k] = lanes
      }
    }
  }

  deinit {
    rows.deallocate()
    inverseTLow.deallocate()
    inverseTHigh.deallocate()
    squaredNorms.deallocate()
    panels.deallocate()
    panelOffsets.deallocate()
    panelScales.deallocate()
    panelScalesHigh.deallocate()
  }

  /// Σ xᵢ² as an unevaluated sum high + low (Dekker's exact squares, TwoSum accumulation).
  static func squaredNorm(_ x: UnsafePointer<Double>, dimension: Int) -> (Double, Double) {
    var high = 0.0
    var low = 0.0
    for index in 0..<dimension {
      let a = x[index]
      let split = 134_217_729 * a  // 2^27 + 1
      let aHigh = split - (split - a)
      let aLow = a - aHigh
      let product = a * a
      let productError = ((aHigh * aHigh - product) + 2 * aHigh * aLow) + aLow * aLow
      let sum = high + product
      let virtual = sum - high
      let sumError = (high - (sum - virtual)) + (product - virtual)
      high = sum
      low += sumError + productError
    }
    let sum = high + low
    return (sum, low - (sum - high))
  }

  /// An interval [low, high] holding the exact key ‖u − x‖² / (1 − ‖x‖²); both 0 exactly when x
  /// equals u coordinate for coordinate.
  @inline(__always)
  func keyInterval(query u: UnsafePointer<Double>, row x: Int) -> (low: Double, high: Double) {
    let n = dimension
    let p = rows + x * n
    var sum = 0.0
    var differs = false
    for index in 0..<n {
      let difference = u[index] - p[index]
      differs = differs || difference != 0
      sum += difference * difference
    }
    guard differs else { return (0, 0) }
    let epsilon = Double.ulpOfOne / 2
    let relative = Double(2 * n + 8) * epsilon
    let absolute = Double(2 * n) * Double.leastNonzeroMagnitude
    let low = max(sum * (1 - relative) - absolute, 0) * inverseTLow[x] * (1 - 8 * epsilon)
    let high = (sum * (1 + relative) + absolute) * inverseTHigh[x] * (1 + 8 * epsilon)
    return (low, high)
  }

  /// Ranks every query's positives; results in query order, independent of `threadCount`.
  func rank(_ queries: RankingQueries, threadCount: Int) -> ([QueryOutcome], RankingStatistics) {
    let blockCount = (queries.count + Self.blockSize - 1) / Self.blockSize
    let threads = max(1, min(threadCount, blockCount))
    let shared = SharedRankingState(queries: queries, blockCount: blockCount)
    let work: @Sendable (Int) -> Void = { worker in
      let ranker = BlockRanker(engine: self, queries: shared.queries)
      while true {
        let block = shared.nextBlock.add(1, ordering: .relaxed).oldValue
        if block >= blockCount { break }
        let start = block * Self.blockSize
        let end = min(start + Self.blockSize, shared.queries.count)
        let outcomes = ranker.rank(start..<end)
        shared.store(outcomes, at: start)
      }
      shared.add(ranker.statistics)
    }
    if threads == 1 {
      work(0)
    } else {
      DispatchQueue.concurrentPerform(iterations: threads, execute: work)
    }
    return shared.results()
  }
}

/// What the workers share: the queries, the next block to take, and the results.
private final class SharedRankingState: Sendable {
  let queries: RankingQueries
  let nextBlock = Atomic<Int>(0)
  private let outcomes: Mutex<[QueryOutcome]>
  private let statistics = Mutex(RankingStatistics())

  init(queries: RankingQueries, blockCount: Int) {
    self.queries = queries
    outcomes = Mutex([QueryOutcome](repeating: QueryOutcome(), count: queries.count))
  }

  func store(_ block: [QueryOutcome], at start: Int) {
    outcomes.withLock { $0.replaceSubrange(start..<(start + block.count), with: block) }
  }

  func add(_ counts: RankingStatistics) {
    statistics.withLock {
      $0.candidates += counts.candidates
      $0.exactComparisons += counts.exactComparisons
    }
  }

  func results() -> ([QueryOutcome], RankingStatistics) {
    (outcomes.withLock { $0 }, statistics.withLock { $0 })
  }
}
