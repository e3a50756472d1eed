/// Draws the negatives of one relation exactly as gensim's `_sample_negatives` distributes them.
///
/// Candidates for a node u are all nodes except u's out-neighbours (u itself is allowed unless it
/// has a self-loop), drawn with probability proportional to their gensim count, distinct within
/// the relation. gensim has two regimes, reproduced in distribution (not in random stream):
/// - out-degree below 1% of the nodes: `negative` independent draws, all redrawn when any is an
///   out-neighbour or a repeat. Redrawing only the out-neighbours gives the same distribution
///   (independent draws conditioned on validity are independent draws from the valid set), so
///   we reject those one at a time and restart the set only on repeats;
/// - otherwise: numpy's `choice(valid, negative, p, replace=False)`, which draws the missing
///   count independently, keeps the first occurrence of each new node, and repeats with the
///   chosen nodes removed.
///
/// One departure, where gensim would nearly hang: when independent draws would repeat so often
/// that a whole distinct set is unlikely (more than `repeatLimit` expected repeated pairs, which
/// happens with many negatives over a few heavy nodes: 50 negatives on the mammal closure),
/// the second regime is used for that node, as gensim does for nodes with many parents.
///
/// Draws come from an `AliasTable`: gensim's counts by default, or another distribution
/// (`NegativeDistribution`) with the same exclusions.
struct NegativeSampler {
  /// The distribution drawn from; set per round with `use(_:)`.
  private var distribution: AliasView
  /// Descendants per node (the reversed relation graph) and how many negatives come from the
  /// positive's descendants (`localCount`); 0 by default.
  var descendantOffsets: UnsafePointer<Int>? = nil
  var descendantTargets: UnsafePointer<NodeID>? = nil
  var localCount = 0
  /// Per node, its nearest non-ancestors (`HardNegativeTable`), and how many negatives of each
  /// relation come from the child's list (`hardCount`); 0 by default.
  var hardNegatives: HardNegativeView? = nil
  var hardCount = 0
  /// How many hard negatives the last `sample` call drew (they come first in its output).
  var lastHardDrawn = 0
  let offsets: UnsafePointer<Int>
  let targets: UnsafePointer<NodeID>
  let nodeCount: Int
  let negativeCount: Int
  /// Per-worker marks, one array for two uses (to halve its cache footprint):
  /// `marks[x] == exclusionMark` means x may not be drawn now; `marks[x] == seenMark` that x is
  /// already among the negatives being drawn. Every mark value is fresh (`nextMark`), and only
  /// nodes that may be drawn get seen marks, so the two never clash.
  private let marks: UnsafeMutablePointer<UInt32>
  private var lastMark: UInt32 = 0
  private var exclusionMark: UInt32 = 0
  private var seenMark: UInt32 = 0
  /// Pre-drawn candidates; `drawIndex` is the next unused one.
  private let draws: UnsafeMutablePointer<NodeID>
  /// The refill's uniform draws: per candidate, a bucket and a threshold test value.
  private let uniforms: UnsafeMutablePointer<UInt64>
  private var drawIndex: Int
  private static let bufferCapacity = 256

  /// Consecutive rejections after which a draw is made from an explicit table instead.
  private static let rejectionLimit = 64
  /// Out-degree up to which exclusions are tested against the out-neighbours
  /// (`drawListedCandidate`) rather than marked: the marks array is then not touched at all.
  private static let listedExclusionLimit = 32
  /// Restarts of the low-out-degree regime after which the always-terminating regime is used.
  private static let restartLimit = 64
  /// Expected repeated pairs among a set's independent draws above which sets are drawn
  /// without replacement: two expected repeats make a distinct set e⁻² ≈ 14% likely.
  private static let repeatLimit = 2.0

  init(
    distribution: AliasView, offsets: UnsafeBufferPointer<Int>,
    targets: UnsafeBufferPointer<NodeID>, negativeCount: Int,
    marks: UnsafeMutableBufferPointer<UInt32>
  ) {
    let nodeCount = offsets.count - 1
    precondition(marks.count >= nodeCount)
    self.distribution = distribution
    self.offsets = offsets.baseAddress!
    self.targets = targets.baseAddress ?? UnsafePointer(bitPattern: 8)!
    self.nodeCount = nodeCount
    self.negativeCount = negativeCount
    marks.initialize(repeating: 0)
    self.marks = marks.baseAddress!
    self.draws = .allocate(capacity: Self.bufferCapacity)
    self.uniforms = .allocate(capacity: 2 * Self.bufferCapacity)
    self.drawIndex = Self.bufferCapacity
  }

  /// Draws from `distribution` from now on, discarding pre-drawn candidates, so that draws
  /// after this depend only on the generator passed next (each round's generator is derived from
  /// its coordinates; see `TrainingEngine`).
  mutating func use(_ distribution: AliasView) {
    self.distribution = distribution
    drawIndex = Self.bufferCapacity
  }

  /// Frees the draw buffer; the sampler must not be used afterwards.
  func deallocate() {
    draws.deallocate()
    uniforms.deallocate()
  }

  /// Writes `negativeCount` negatives for node `u` to `output`.
  ///
  /// - Precondition: u has at least `negativeCount` candidates (checked before training).
  @inline(__always)
  mutating func sample(
    for u: Int, positive: Int, into output: UnsafeMutablePointer<NodeID>,
    random: inout RandomSource
  ) {
    // One relation takes at most restartLimit + negativeCount + 1 marks: clear well before
    // the counter could wrap, never in the middle of a relation.
    if lastMark > UInt32.max - (1 << 24) {
      marks.update(repeating: 0, count: nodeCount)
      lastMark = 0
    }
    exclusionMark = nextMark()
    let start = offsets[u]
    let end = offsets[u + 1]
    let weights = distribution.weights
    // The weight of u's parents, summed once per distribution (`AliasTable.excludedWeights`).
    var excludedWeight = distribution.excludedWeights[u]
    var excludedSquares = distribution.excludedSquares[u]
    let isLowDegree = (end - start) * 100 < nodeCount
    lastHardDrawn = 0
    if localCount == 0 && hardCount == 0 && isLowDegree && end - start <= Self.listedExclusionLimit {
      // Candidates miss the cache on the marks; a few out-neighbours are tested in registers
      // instead. The same draws are accepted as with marks.
      if expectedRepeats(negativeCount, excludedWeight, excludedSquares) <= Self.repeatLimit {
        var filter: UInt64 = 0
        for index in start..<end { filter |= 1 &<< (UInt64(targets[index]) & 63) }
        for _ in 0..<Self.restartLimit {
          for index in 0..<negativeCount {
            guard
              let candidate = drawListedCandidate(
                filter: filter, start: start, end: end, &random)
            else {
              markExclusions(start, end)
              output[index] = drawFromTable(&random)
              continue
            }
            output[index] = candidate
          }
          if isDistinct(output, count: negativeCount) { return }
        }
        markExclusions(start, end)
        sampleWithoutReplacement(into: output, count: negativeCount, random: &random)
        return
      }
    }
    markExclusions(start, end)
    func exclude(_ node: Int) {
      marks[node] = exclusionMark
      excludedWeight += weights[node]
      excludedSquares += Double(weights[node]) * Double(weights[node])
    }
    var local = 0
    // Draws `want` distinct nodes from `list` (of `size`), skipping u and excluded nodes.
    // localCount + hardCount ≤ negativeCount (`TrainingConfiguration.validate`): `output` holds
    // that many.
    func drawListed(from list: UnsafePointer<NodeID>, size: Int, want: Int) {
      let goal = local + want
      var attempts = 0
      while local < goal && size > 0 && attempts < 4 * want {
        attempts += 1
        let node = Int(list[random.bounded(size)])
        if node == u || marks[node] == exclusionMark { continue }
        output[local] = NodeID(node)
        exclude(node)
        local += 1
      }
    }
    if hardCount > 0, let hardNegatives {
      defer { lastHardDrawn = local }
      drawListed(
        from: hardNegatives.nodes + u * hardNegatives.capacity,
        size: Int(hardNegatives.counts[u]), want: hardCount)
    }
    if localCount > 0, let descendantOffsets, let descendantTargets {
      let first = descendantOffsets[positive]
      drawListed(
        from: descendantTargets + first, size: descendantOffsets[positive + 1] - first,
        want: localCount)
    }
    let count = negativeCount - local
    if count == 0 { return }
    let drawn = output + local
    if isLowDegree && expectedRepeats(count, excludedWeight, excludedSquares) <= Self.repeatLimit {
      for _ in 0..<Self.restartLimit {
        for index in 0..<count { drawn[index] = drawCandidate(&random) }
        if isDistinct(drawn, count: count) { return }
      }
    }
    sampleWithoutReplacement(into: drawn, count: count, random: &random)
  }

  /// Reads where each node's out-neighbours are listed, their summed weights, then the first
  /// of them, for a batch of nodes at once: independent reads whose cache misses overlap, ahead
  /// of `sample`, which would otherwise miss on them one node at a time.
  /// - Returns: a value derived from the reads, to keep them.
  @inline(__always)
  func touchExclusions(of nodes: UnsafeBufferPointer<NodeID>) -> UInt64 {
    var sink: UInt64 = 0
    for node in nodes {
      sink &+= UInt64(truncatingIfNeeded: offsets[Int(node) + 1])
      sink &+= UInt64(truncatingIfNeeded: distribution.excludedWeights[Int(node)])
      sink &+= distribution.excludedSquares[Int(node)].bitPattern
    }
    for node in nodes { sink &+= UInt64(truncatingIfNeeded: targets[offsets[Int(node)]]) }
    return sink
  }

  /// numpy's `choice(..., replace=False)` in distribution: rounds of independent draws, each
  /// keeping first occurrences of nodes not yet chosen.
  private mutating func sampleWithoutReplacement(
    into output: UnsafeMutablePointer<NodeID>, count: Int, random: inout RandomSource
  ) {
    var found = 0
    while found < count {
      let roundStart = found
      seenMark = nextMark()
      for _ in roundStart..<count {
        let candidate = drawCandidate(&random)
        if marks[Int(candidate)] != seenMark {
          marks[Int(candidate)] = seenMark
          output[found] = candidate
          found += 1
        }
      }
      // Chosen nodes leave the candidate set for the next round.
      for index in roundStart..<found { marks[Int(output[index])] = exclusionMark }
    }
  }

  /// One node drawn ∝ count among those not marked excluded.
  @inline(__always)
  private mutating func drawCandidate(_ random: inout RandomSource) -> NodeID {
    for _ in 0..<Self.rejectionLimit {
      let candidate = nextDraw(&random)
      if marks[Int(candidate)] != exclusionMark { return candidate }
    }
    return drawFromTable(&random)
  }

  /// Marks the out-neighbours `targets[start..<end]` as excluded from the current draws.
  @inline(__always)
  private func markExclusions(_ start: Int, _ end: Int) {
    for index in start..<end { marks[Int(targets[index])] = exclusionMark }
  }

  /// Expected repeated pairs among `count` independent draws from the candidates, whose
  /// weights exclude `excludedWeight` (and `excludedSquares` of the squared total).
  @inline(__always)
  private func expectedRepeats(_ count: Int, _ excludedWeight: Int, _ excludedSquares: Double)
    -> Double
  {
    let candidateWeight = Double(Int(distribution.total) - excludedWeight)
    return Double(count * (count - 1) / 2)
      * (distribution.squaredTotal - excludedSquares) / (candidateWeight * candidateWeight)
  }

  /// `drawCandidate` for a node whose out-neighbours are `targets[start..<end]`, tested
  /// against them (after a one-word filter) instead of the marks; nil where `drawCandidate`
  /// would fall back to `drawFromTable`.
  @inline(__always)
  private mutating func drawListedCandidate(
    filter: UInt64, start: Int, end: Int, _ random: inout RandomSource
  ) -> NodeID? {
    for _ in 0..<Self.rejectionLimit {
      let candidate = nextDraw(&random)
      if filter & (1 &<< (UInt64(UInt32(bitPattern: candidate)) & 63)) == 0 { return candidate }
      var index = start
      while index < end && targets[index] != candidate { index += 1 }
      if index == end { return candidate }
    }
    return nil
  }

  /// The next count-proportional draw, from a buffer refilled in bulk: the refill's random
  /// reads of the alias table are independent, so their cache misses overlap instead of each
  /// stalling a draw (gensim keeps a similar buffer, `NegativesBuffer`, for speed in numpy).
  @inline(__always)
  private mutating func nextDraw(_ random: inout RandomSource) -> NodeID {
    if drawIndex == Self.bufferCapacity {
      let nodeCount = UInt64(self.nodeCount)
      let entries = distribution.entries
      let total = distribution.total
      // The random numbers first, then the table reads: a loop of only independent reads keeps
      // many more of their cache misses in flight than one that also runs the generator.
      for index in 0..<Self.bufferCapacity {
        uniforms[2 * index] = random.bounded(nodeCount)
        uniforms[2 * index + 1] = random.bounded(total)
      }
      for index in 0..<Self.bufferCapacity {
        let bucket = uniforms[2 * index]
        let entry = entries[Int(bucket)]
        draws[index] = NodeID(
          truncatingIfNeeded: uniforms[2 * index + 1] < entry >> 32 ? bucket : entry & 0xFFFF_FFFF)
      }
      drawIndex = 0
    }
    defer { drawIndex += 1 }
    return draws[drawIndex]
  }

  /// The exact fallback when nearly all the weight is excluded: an explicit cumulative scan.
  private func drawFromTable(_ random: inout RandomSource) -> NodeID {
    let weights = distribution.weights
    var total = 0
    for node in 0..<nodeCount where marks[node] != exclusionMark { total += weights[node] }
    var target = random.bounded(total)
    for node in 0..<nodeCount where marks[node] != exclusionMark {
      if target < weights[node] { return NodeID(node) }
      target -= weights[node]
    }
    preconditionFailure("no candidate negatives left")
  }

  @inline(__always)
  private mutating func isDistinct(_ output: UnsafeMutablePointer<NodeID>, count: Int) -> Bool {
    if count <= 16 {
      // Few enough to compare pairwise in registers, without touching the marks.
      for later in 1..<max(count, 1) {
        for earlier in 0..<later where output[earlier] == output[later] { return false }
      }
      return true
    }
    seenMark = nextMark()
    for index in 0..<count {
      let node = Int(output[index])
      if marks[node] == seenMark { return false }
      marks[node] = seenMark
    }
    return true
  }

  /// A mark value not used since the marks were last cleared.
  @inline(__always)
  private mutating func nextMark() -> UInt32 {
    lastMark &+= 1
    return lastMark
  }
}
