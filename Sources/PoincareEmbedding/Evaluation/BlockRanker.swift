/// One positive of one query: its row and the interval of its key.
struct Positive {
  var row: Int32
  var low: Double
  var high: Double
}

/// What the candidate path needs about one query of the block being ranked.
struct Slot {
  var row: UnsafePointer<Double>
  /// `positives[positiveStart..<positiveEnd]`, sorted by exact key.
  var positiveStart = 0
  var positiveEnd = 0
  /// `buckets[bucketStart + lane · (m + 1) + j]` counts candidates with exactly j of the m
  /// positives at or below them, seen in SIMD lane `lane` (0…7): one histogram per lane, so
  /// that the eight rows of a group never wait on each other's increments.
  var bucketStart = 0
}

/// A worker's scratch and the per-block ranking logic.
///
/// Scratch lives in buffers allocated once, sized for the largest block, and reached through
/// `let` pointers: the candidate path runs hundreds of millions of times on a poor embedding, and
/// array properties of a class would cost exclusivity checks and retains on every access.
final class BlockRanker {
  let engine: RankingEngine
  let queries: RankingQueries
  private let counters: UnsafeMutablePointer<Int>  // candidates, exact comparisons
  private let slots: UnsafeMutablePointer<Slot>
  private let positives: UnsafeMutablePointer<Positive>
  private let buckets: UnsafeMutablePointer<Int>
  /// Bit `slot` of `excluded[w]` is set when w is u itself or a filtered node of the query in
  /// that slot (blockSize = 64 slots, one bit each).
  private let excluded: UnsafeMutablePointer<UInt64>
  /// Per group of eight rows: the OR of their `excluded` bits.
  private let excludedGroups: UnsafeMutablePointer<UInt64>
  /// Per positive: float bounds of its key, each repeated in four lanes (`thresholds[2i]` low,
  /// `thresholds[2i + 1]` high).
  private let thresholds: UnsafeMutablePointer<SIMD4<Float>>
  /// Candidate rows counted in SIMD, per lane, since the block started.
  private var candidateLanes = SIMD4<Int32>()
  // Per tile of four queries: −2u coordinates (coordinate-major, each 4 times), ‖u‖², bound.
  private let tileQueries: UnsafeMutablePointer<SIMD4<Float>>
  private let tileNorms: UnsafeMutablePointer<Float>
  private let tileBounds: UnsafeMutablePointer<Float>
  private var ranks: [Int] = []
  private var scratch: [Double] = []

  init(engine: RankingEngine, queries: RankingQueries) {
    self.engine = engine
    self.queries = queries
    let blockSize = RankingEngine.blockSize
    var largest = 0
    var start = 0
    while start < queries.count {
      let end = min(start + blockSize, queries.count)
      largest = max(largest, queries.rankedOffsets[end] - queries.rankedOffsets[start])
      start = end
    }
    counters = .allocate(capacity: 2)
    counters.initialize(repeating: 0, count: 2)
    slots = .allocate(capacity: blockSize)
    slots.initialize(repeating: Slot(row: UnsafePointer(engine.rows)), count: blockSize)
    positives = .allocate(capacity: max(1, largest))
    buckets = .allocate(capacity: 8 * (largest + blockSize))
    // One entry per row of every group; padding rows are excluded for every slot.
    excluded = .allocate(capacity: max(8, engine.groupCount * 8))
    excluded.initialize(repeating: .max, count: max(8, engine.groupCount * 8))
    excluded.update(repeating: 0, count: engine.count)
    excludedGroups = .allocate(capacity: max(1, engine.groupCount))
    excludedGroups.initialize(repeating: 0, count: max(1, engine.groupCount))
    if engine.count % 8 != 0 { excludedGroups[engine.groupCount - 1] = .max }
    thresholds = .allocate(capacity: max(2, 2 * largest))
    tileQueries = .allocate(capacity: blockSize * engine.dimension)
    tileNorms = .allocate(capacity: blockSize)
    tileBounds = .allocate(capacity: blockSize)
  }

  deinit {
    counters.deallocate()
    slots.deallocate()
    positives.deallocate()
    buckets.deallocate()
    excluded.deallocate()
    excludedGroups.deallocate()
    thresholds.deallocate()
    tileQueries.deallocate()
    tileNorms.deallocate()
    tileBounds.deallocate()
  }

  var statistics: RankingStatistics {
    RankingStatistics(candidates: counters[0], exactComparisons: counters[1])
  }

  /// Ranks queries `range` (at most `RankingEngine.blockSize`).
  func rank(_ range: Range<Int>) -> [QueryOutcome] {
    let n = engine.dimension
    let tileCount = (range.count + 3) / 4
    tileQueries.update(repeating: SIMD4(), count: tileCount * 4 * n)
    tileNorms.update(repeating: 0, count: tileCount * 4)
    tileBounds.update(repeating: -.infinity, count: tileCount * 4)
    var positiveCount = 0
    var bucketCount = 0
    for (slot, query) in range.enumerated() {
      prepare(query: query, slot: slot, positiveCount: &positiveCount, bucketCount: &bucketCount)
    }

    // The scan: runs of candidate groups small enough to stay in cache while every tile of the
    // block passes over them.
    let groupsPerRun = max(16, 4096 / max(1, n))
    var groupStart = 0
    while groupStart < engine.groupCount {
      let groupEnd = min(groupStart + groupsPerRun, engine.groupCount)
      for tile in 0..<tileCount
      where (0..<4).contains(where: { tileBounds[tile * 4 + $0] > -.infinity }) {
        scan(tile: tile, groups: groupStart..<groupEnd)
      }
      groupStart = groupEnd
    }
    counters[0] +=
      Int(candidateLanes[0]) + Int(candidateLanes[1]) + Int(candidateLanes[2])
      + Int(candidateLanes[3])
    candidateLanes = SIMD4()
    for query in range {
      let u = Int(queries.nodes[query])
      excluded[u] = 0
      excludedGroups[u / 8] = u / 8 == engine.groupCount - 1 && engine.count % 8 != 0 ? .max : 0
      for w in queries.filtered[queries.filteredOffsets[query]..<queries.filteredOffsets[query + 1]]
      {
        excluded[Int(w)] = 0
        let group = Int(w) / 8
        excludedGroups[group] = group == engine.groupCount - 1 && engine.count % 8 != 0 ? .max : 0
      }
    }
    return range.enumerated().map { slot, query in finish(query: query, slot: slot) }
  }

  /// Collects, sorts and bounds query `query`'s ranked positives other than u itself.
  private func prepare(query: Int, slot: Int, positiveCount: inout Int, bucketCount: inout Int) {
    let n = engine.dimension
    let u = Int(queries.nodes[query])
    let uRow = UnsafePointer(engine.rows + u * n)
    let bit = UInt64(1) << UInt64(slot)
    excluded[u] |= bit
    excludedGroups[u / 8] |= bit
    for w in queries.filtered[queries.filteredOffsets[query]..<queries.filteredOffsets[query + 1]] {
      excluded[Int(w)] |= bit
      excludedGroups[Int(w) / 8] |= bit
    }
    let start = positiveCount
    for target in queries.ranked[queries.rankedOffsets[query]..<queries.rankedOffsets[query + 1]]
    where Int(target) != u {
      let (low, high) = engine.keyInterval(query: uRow, row: Int(target))
      positives[positiveCount] = Positive(row: target, low: low, high: high)
      positiveCount += 1
    }
    var sorted = UnsafeMutableBufferPointer(start: positives + start, count: positiveCount - start)
    sorted.sort { a, b in compare(a, b, query: uRow) < 0 }
    for index in start..<positiveCount {
      thresholds[2 * index] = SIMD4(repeating: Self.floatBelow(positives[index].low))
      thresholds[2 * index + 1] = SIMD4(repeating: Self.floatAbove(positives[index].high))
    }
    slots[slot] = Slot(
      row: uRow, positiveStart: start, positiveEnd: positiveCount,
      bucketStart: bucketCount)
    (buckets + bucketCount).update(repeating: 0, count: 8 * (sorted.count + 1))
    bucketCount += 8 * (sorted.count + 1)
    let tile = slot / 4
    let lane = slot % 4
    for k in 0..<n {
      tileQueries[(tile * n + k) * 4 + lane] = SIMD4(repeating: Float(-2 * uRow[k]))
    }
    tileNorms[slot] = Float(engine.squaredNorms[u])
    if let bound = sorted.lazy.map(\.high).max() {
      // The farthest positive's upper bound, rounded up to a float.
      tileBounds[slot] = Self.floatAbove(bound)
    }
  }

  /// The largest float ≤ `value`.
  static func floatBelow(_ value: Double) -> Float {
    let rounded = Float(value)
    return Double(rounded) <= value ? rounded : rounded.nextDown
  }

  /// The smallest float ≥ `value`.
  static func floatAbove(_ value: Double) -> Float {
    let rounded = Float(value)
    return Double(rounded) >= value ? rounded : rounded.nextUp
  }

  /// The order of two nodes' exact keys: −1, 0 or 1.
  @inline(__always)
  private func compare(_ a: Positive, _ b: Positive, query u: UnsafePointer<Double>) -> Int {
    if a.high < b.low { return -1 }
    if a.low > b.high { return 1 }
    return compareExactly(a, b, query: u)
  }

  @inline(never)
  private func compareExactly(_ a: Positive, _ b: Positive, query u: UnsafePointer<Double>)
    -> Int
  {
    if a.low == a.high && b.low == b.high && a.low == b.low { return 0 }
    counters[1] += 1
    let n = engine.dimension
    return ExactKeyComparison.compare(
      query: u, engine.rows + Int(a.row) * n, engine.rows + Int(b.row) * n, dimension: n)
  }

  /// Runs the SIMD bound of one tile (four queries) over `groups` of eight rows.
  private func scan(tile: Int, groups: Range<Int>) {
    let n = engine.dimension
    let panels = UnsafePointer(engine.panels)
    let offsets = UnsafePointer(engine.panelOffsets)
    let scales = UnsafePointer(engine.panelScales)
    let base = tile * 4
    let norms0 = SIMD4<Float>(repeating: tileNorms[base])
    let norms1 = SIMD4<Float>(repeating: tileNorms[base + 1])
    let norms2 = SIMD4<Float>(repeating: tileNorms[base + 2])
    let norms3 = SIMD4<Float>(repeating: tileNorms[base + 3])
    let bound0 = SIMD4<Float>(repeating: tileBounds[base])
    let bound1 = SIMD4<Float>(repeating: tileBounds[base + 1])
    let bound2 = SIMD4<Float>(repeating: tileBounds[base + 2])
    let bound3 = SIMD4<Float>(repeating: tileBounds[base + 3])
    let u = UnsafePointer(tileQueries + tile * n * 4)
    // SIMD8 split by hand into SIMD4 halves: the compiler lowers lane-wise selects on SIMD8 to
    // scalar loops, but SIMD4<Float> maps onto one SSE register.
    for group in groups {
      let offset = offsets[group]
      var sumA0 = offset.lowHalf + norms0
      var sumA1 = offset.lowHalf + norms1
      var sumA2 = offset.lowHalf + norms2
      var sumA3 = offset.lowHalf + norms3
      var sumB0 = offset.highHalf + norms0
      var sumB1 = offset.highHalf + norms1
      var sumB2 = offset.highHalf + norms2
      var sumB3 = offset.highHalf + norms3
      let w = UnsafeRawPointer(panels + group * n).assumingMemoryBound(to: SIMD4<Float>.self)
      for k in 0..<n {
        let wA = w[2 * k]
        let wB = w[2 * k + 1]
        let uk = u + 4 * k
        // Each −2u coordinate is stored four times: one aligned load, no shuffle.
        let u0 = uk[0]
        let u1 = uk[1]
        let u2 = uk[2]
        let u3 = uk[3]
        sumA0 += wA * u0
        sumB0 += wB * u0
        sumA1 += wA * u1
        sumB1 += wB * u1
        sumA2 += wA * u2
        sumB2 += wB * u2
        sumA3 += wA * u3
        sumB3 += wB * u3
      }
      let scale = scales[group]
      let scaleA = scale.lowHalf
      let scaleB = scale.highHalf
      // One test for the 32 pairs: is any key's lower bound at or below its query's bound?
      let marginA = Self.minimum(
        Self.minimum(sumA0 * scaleA - bound0, sumA1 * scaleA - bound1),
        Self.minimum(sumA2 * scaleA - bound2, sumA3 * scaleA - bound3))
      let marginB = Self.minimum(
        Self.minimum(sumB0 * scaleB - bound0, sumB1 * scaleB - bound1),
        Self.minimum(sumB2 * scaleB - bound2, sumB3 * scaleB - bound3))
      guard Self.smallest(Self.minimum(marginA, marginB)) <= 0 else { continue }
      resolve(
        tile: tile, group: group, sumsA: (sumA0, sumA1, sumA2, sumA3),
        sumsB: (sumB0, sumB1, sumB2, sumB3), scale: scale)
    }
  }

  @inline(__always)
  private static func smallest(_ a: SIMD4<Float>) -> Float {
    min(min(a[0], a[1]), min(a[2], a[3]))
  }

  /// Lane-wise minimum (the standard library's `pointwiseMin` is not inlined here).
  @inline(__always)
  private static func minimum(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
    a.replacing(with: b, where: b .< a)
  }

  /// Counts the candidates of a tile's four queries among one group of eight rows.
  ///
  /// `sumsA`/`sumsB` are the scan's ‖w‖² − slack + ‖u‖² − 2u·w per query, for rows 8·group + 0…3
  /// and + 4…7; times `scale` they are the keys' lower bounds.
  @inline(never)
  private func resolve(
    tile: Int, group: Int,
    sumsA: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>),
    sumsB: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>), scale: SIMD8<Float>
  ) {
    let scaleHigh = engine.panelScalesHigh[group]
    resolve(
      slot: tile * 4, group: group, sums: (sumsA.0, sumsB.0), scale: scale, scaleHigh: scaleHigh)
    resolve(
      slot: tile * 4 + 1, group: group, sums: (sumsA.1, sumsB.1), scale: scale, scaleHigh: scaleHigh
    )
    resolve(
      slot: tile * 4 + 2, group: group, sums: (sumsA.2, sumsB.2), scale: scale, scaleHigh: scaleHigh
    )
    resolve(
      slot: tile * 4 + 3, group: group, sums: (sumsA.3, sumsB.3), scale: scale, scaleHigh: scaleHigh
    )
  }

  /// Counts one query's candidates among one group of eight rows, if it has any.
  @inline(__always)
  private func resolve(
    slot: Int, group: Int, sums: (SIMD4<Float>, SIMD4<Float>), scale: SIMD8<Float>,
    scaleHigh: SIMD8<Float>
  ) {
    let bound = SIMD4(repeating: tileBounds[slot])
    let lowA = sums.0 * scale.lowHalf
    let lowB = sums.1 * scale.highHalf
    guard Self.smallest(Self.minimum(lowA - bound, lowB - bound)) <= 0 else { return }
    // ‖u − w‖² ≤ sum + 2·slack, so these are upper bounds of the keys.
    let slack = SIMD4<Float>(repeating: Float(2 * engine.filterSlack))
    let highA = (sums.0 + slack) * scaleHigh.lowHalf
    let highB = (sums.1 + slack) * scaleHigh.highHalf
    count(slot: slot, group: group, lows: (lowA, lowB), highs: (highA, highB))
  }

  /// Counts one query's candidates among one group of eight rows, branch-free over the rows.
  ///
  /// For each row, `lowCount` counts the positives whose key is certainly ≤ the row's (the
  /// positive's upper bound at or below the row's lower bound) and `highCount` those whose key
  /// may be. Where they agree, the row is strictly closer than exactly the other positives,
  /// which come last in the exact order: `buckets[j]` counts rows with j positives not farther.
  /// Rows farther than every positive land in the unused `buckets[m]`. Where the counts differ
  /// (a near-tie), `count(candidate:…)` decides the row exactly.
  @inline(__always)
  private func count(
    slot: Int, group: Int, lows: (SIMD4<Float>, SIMD4<Float>),
    highs: (SIMD4<Float>, SIMD4<Float>)
  ) {
    let state = slots[slot]
    var lowCountA = SIMD4<Int32>()
    var lowCountB = SIMD4<Int32>()
    var highCountA = SIMD4<Int32>()
    var highCountB = SIMD4<Int32>()
    for index in state.positiveStart..<state.positiveEnd {
      let low = thresholds[2 * index]
      let high = thresholds[2 * index + 1]
      // A true lane of a mask is all ones, i.e. −1.
      lowCountA &-= unsafeBitCast(high .<= lows.0, to: SIMD4<Int32>.self)
      lowCountB &-= unsafeBitCast(high .<= lows.1, to: SIMD4<Int32>.self)
      highCountA &-= unsafeBitCast(low .<= highs.0, to: SIMD4<Int32>.self)
      highCountB &-= unsafeBitCast(low .<= highs.1, to: SIMD4<Int32>.self)
    }
    let positiveCount = Int32(state.positiveEnd - state.positiveStart)
    // u itself, filtered nodes and padding rows count for nothing: send them to buckets[m].
    let bit = UInt64(1) << UInt64(slot)
    if excludedGroups[group] & bit != 0 {
      for lane in 0..<4 where excluded[group * 8 + lane] & bit != 0 {
        lowCountA[lane] = positiveCount
        highCountA[lane] = positiveCount
      }
      for lane in 0..<4 where excluded[group * 8 + 4 + lane] & bit != 0 {
        lowCountB[lane] = positiveCount
        highCountB[lane] = positiveCount
      }
    }
    let all = SIMD4<Int32>(repeating: positiveCount)
    candidateLanes &-= unsafeBitCast(lowCountA .< all, to: SIMD4<Int32>.self)
    candidateLanes &-= unsafeBitCast(lowCountB .< all, to: SIMD4<Int32>.self)
    let buckets = self.buckets + state.bucketStart
    let stride = Int(positiveCount) + 1
    let differ =
      unsafeBitCast(lowCountA .!= highCountA, to: SIMD4<Int32>.self)
      | unsafeBitCast(lowCountB .!= highCountB, to: SIMD4<Int32>.self)
    if (differ[0] | differ[1] | differ[2] | differ[3]) == 0 {
      for lane in 0..<4 {
        buckets[lane * stride + Int(lowCountA[lane])] += 1
        buckets[(lane + 4) * stride + Int(lowCountB[lane])] += 1
      }
      return
    }
    for lane in 0..<8 {
      let notFarther = Int(lane < 4 ? lowCountA[lane] : lowCountB[lane - 4])
      let possiblyNotFarther = Int(lane < 4 ? highCountA[lane] : highCountB[lane - 4])
      if notFarther == possiblyNotFarther {
        buckets[lane * stride + notFarther] += 1
        continue
      }
      let low = Double(lane < 4 ? lows.0[lane] : lows.1[lane - 4])
      let high = Double(lane < 4 ? highs.0[lane] : highs.1[lane - 4])
      count(candidate: group * 8 + lane, slot: slot, low: max(low, 0), high: high)
    }
  }

  /// Adds row `w`, whose key lies in [low, high] but near a positive's, to the histogram: the
  /// rare near-ties, decided with a tighter interval and, where needed, exactly.
  @inline(never)
  private func count(candidate w: Int, slot: Int, low: Double, high: Double) {
    let state = slots[slot]
    var candidate = Positive(row: Int32(w), low: low, high: high)
    var isRefined = false
    // The positives are sorted by exact key; find how many have a key ≤ k(w): those are not
    // farther than w, the rest are, so w counts against them.
    var lower = state.positiveStart
    var upper = state.positiveEnd
    while lower < upper {
      let middle = (lower + upper) / 2
      let positive = positives[middle]
      if !isRefined && positive.high >= candidate.low && positive.low <= candidate.high {
        // Undecided by the scan's interval: tighten it with direct differences.
        let (refinedLow, refinedHigh) = engine.keyInterval(query: state.row, row: w)
        candidate.low = refinedLow
        candidate.high = refinedHigh
        isRefined = true
      }
      if compare(positive, candidate, query: state.row) <= 0 {
        lower = middle + 1
      } else {
        upper = middle
      }
    }
    // Rows farther than every positive go to the unused bucket m, like the SIMD path's.
    buckets[state.bucketStart + lower - state.positiveStart] += 1
  }

  /// Turns the counts into ranks and average precisions, for both protocols.
  private func finish(query: Int, slot: Int) -> QueryOutcome {
    let u = queries.nodes[query]
    let state = slots[slot]
    let ranked = queries.ranked[queries.rankedOffsets[query]..<queries.rankedOffsets[query + 1]]
    let isSelfRanked = ranked.contains(u)
    let isSelfFiltered =
      isSelfRanked
      || queries.filtered[queries.filteredOffsets[query]..<queries.filteredOffsets[query + 1]]
        .contains(u)
    var outcome = QueryOutcome()
    // paper: rank = 1 + #{w ∉ filtered, w ≠ u : k(w) < k(v)}, ascending with the sorted positives.
    ranks.removeAll(keepingCapacity: true)
    var counted = 0
    let stride = state.positiveEnd - state.positiveStart + 1
    for index in 0..<(state.positiveEnd - state.positiveStart) {
      for lane in 0..<8 { counted += buckets[state.bucketStart + lane * stride + index] }
      ranks.append(1 + counted)
    }
    outcome.paper = summary(of: ranks)
    // gensim: u is a negative at distance 0 unless filtered (`distances` includes u itself), so
    // it is strictly closer than every positive at a distance > 0; a self-loop makes u a positive
    // of itself, ranked 1.
    if isSelfRanked {
      ranks.insert(1, at: 0)
    } else if !isSelfFiltered {
      for index in ranks.indices where positives[state.positiveStart + index].high > 0 {
        ranks[index] += 1
      }
    }
    outcome.gensim = summary(of: ranks)
    return outcome
  }

  /// The sum, count and average precision of ascending ranks.
  private func summary(of ranks: [Int]) -> QueryOutcome.Ranks {
    guard !ranks.isEmpty else { return QueryOutcome.Ranks() }
    let averagePrecision = ranks.withUnsafeBufferPointer {
      AveragePrecision.of(sortedRanks: $0, scratch: &scratch)
    }
    return QueryOutcome.Ranks(
      sum: ranks.reduce(0, +), count: ranks.count, averagePrecision: averagePrecision)
  }
}
