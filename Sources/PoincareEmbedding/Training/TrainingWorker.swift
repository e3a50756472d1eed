// Goals, in priority order:
// 1. gensim's update (`PoincareBatch`, `_update_vectors_batch`): softmax loss over the positive and
//    its negatives, gradients from the rows as they were before the batch, duplicate updates
//    summed, u rows updated and clipped before the v and negative rows.
// 2. Never write a NaN or Inf: a batch whose updates are not all finite changes no row.
// 3. Speed: no allocation, no ARC and no bounds-checked array access per relation; all scratch is
//    allocated once per worker.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A row-major table of coordinates seen through a raw pointer, shared by workers.
///
/// With one thread `base` is the table. With several (`TrainingEngine`) it is the worker's view
/// of the table: it owns the rows `ownedStart ..< ownedStart + ownedCount` and writes them in
/// place, as it writes its copies of the hot rows (`hotBits`); it only reads the other rows and
/// sends its updates of them to `log`. So no row is written by two threads at once.
struct SharedRows: @unchecked Sendable {
  let base: UnsafeMutablePointer<Double>
  let dimension: Int
  var ownedStart = 0
  var ownedCount = UInt.max
  /// One bit per node: a hot row; and per node its hot slot (for the counts in `log`).
  var hotBits: UnsafePointer<UInt64>? = nil
  var hotSlots: UnsafePointer<Int32>? = nil
  /// Where changes are recorded and updates sent; nil with one thread.
  var log: UnsafeMutablePointer<RoundLog>? = nil

  init(base: UnsafeMutablePointer<Double>, dimension: Int) {
    self.base = base
    self.dimension = dimension
  }

  @inline(__always)
  func row(_ node: NodeID) -> UnsafeMutablePointer<Double> { base + Int(node) &* dimension }

  @inline(__always)
  func owns(_ node: NodeID) -> Bool { UInt(bitPattern: Int(node) &- ownedStart) < ownedCount }

  /// Whether `node`'s row is hot (only with several threads).
  @inline(__always)
  func isHot(_ node: NodeID) -> Bool {
    hotBits.unsafelyUnwrapped[Int(node) &>> 6] & (1 &<< UInt64(Int(node) & 63)) != 0
  }

  /// The hot slot of a hot `node`.
  @inline(__always)
  func hotSlot(_ node: NodeID) -> Int { Int(hotSlots.unsafelyUnwrapped[Int(node)]) }
}

/// Read-only training data seen through raw pointers, valid while the trainer holds them.
struct TrainingData: @unchecked Sendable {
  /// Distinct out-neighbours per node (`RelationGraph`'s CSR arrays).
  let offsets: UnsafeBufferPointer<Int>
  let targets: UnsafeBufferPointer<NodeID>
  /// The negative distribution workers start with.
  let distribution: AliasView
  /// Descendants per node, for local negatives.
  var descendantOffsets: UnsafePointer<Int>? = nil
  var descendantTargets: UnsafePointer<NodeID>? = nil
  /// Nearest non-ancestors per node, for hard negatives.
  var hardNegatives: HardNegativeView? = nil
}

/// The outcome of training some batches: the summed softmax loss and the number of batches.
struct BatchTotals {
  var loss = 0.0
  var batches = 0
  var relations = 0
  var sawNonFiniteValue = false
}

/// One worker's state: its sampler and scratch buffers, allocated once (fastText's
/// `Model::State`), and the batch step.
struct TrainingWorker: ~Copyable {
  let dimension: Int
  /// Values per stored row: `dimension`, plus the time coordinate x₀ in the Lorentz model,
  /// padded with zeros to a multiple of 4 (`TrainingConfiguration.rowStride`).
  let rowLength: Int
  let model: EmbeddingModel
  /// The Lorentz model's bound on x₀ (the image of norm 1 − ε).
  let maximumTime: Double
  let negativeCount: Int
  let batchSize: Int
  let epsilon: Double
  /// Whether the projection only rescales (`BoundaryProjection.rescale`).
  let keepsDirection: Bool
  let regularization: Double
  private var sampler: NegativeSampler
  /// Per relation of the batch: the positive then the negatives.
  let slotNodes: UnsafeMutablePointer<NodeID>
  /// Per relation of the batch: the child u.
  let childNodes: UnsafeMutablePointer<NodeID>
  /// Per relation of the batch: Δu, then Δv for each slot, `rowLength` values each.
  let updates: UnsafeMutablePointer<Double>
  /// Per slot of one relation: β, ‖u − v‖², c, e^(−d), 1/β (ball) or s, e^(−d), γ (hyperboloid).
  let slotValues: UnsafeMutablePointer<Double>
  /// Keeps the reads of `touchRows` from being optimized away.
  var touched: UInt64 = 0
  /// Per slot of the batch: the row's squared norm after an update was added.
  let norms: UnsafeMutablePointer<Double>
  /// Per relation of the batch: how many of its negatives (the first ones) are hard negatives.
  let hardDrawn: UnsafeMutablePointer<Int32>
  /// The nearest non-ancestors per node and their push scales, when hard negatives are drawn.
  let hardNegatives: HardNegativeView?
  private let marks: UnsafeMutableBufferPointer<UInt32>

  init(data: TrainingData, configuration: TrainingConfiguration) {
    dimension = configuration.dimension
    model = configuration.model
    rowLength = configuration.rowStride
    maximumTime = LorentzModel.maximumTime(epsilon: configuration.epsilon)
    negativeCount = configuration.negativeCount
    batchSize = configuration.batchSize
    epsilon = configuration.epsilon
    keepsDirection = configuration.projection == .rescale
    regularization = configuration.regularizationCoefficient
    let slots = 1 + negativeCount
    slotNodes = .allocate(capacity: batchSize * slots)
    childNodes = .allocate(capacity: batchSize)
    updates = .allocate(capacity: batchSize * (1 + slots) * rowLength)
    slotValues = .allocate(capacity: 5 * slots)
    norms = .allocate(capacity: batchSize * slots)
    hardNegatives = data.hardNegatives
    hardDrawn = .allocate(capacity: batchSize)
    hardDrawn.initialize(repeating: 0, count: batchSize)
    marks = .allocate(capacity: data.offsets.count - 1)
    sampler = NegativeSampler(
      distribution: data.distribution, offsets: data.offsets, targets: data.targets,
      negativeCount: negativeCount, marks: marks)
    sampler.descendantOffsets = data.descendantOffsets
    sampler.descendantTargets = data.descendantTargets
    sampler.localCount = configuration.localNegativeCount
    sampler.hardNegatives = data.hardNegatives
    sampler.hardCount = data.hardNegatives == nil ? 0 : configuration.hardNegativeCount
  }

  deinit {
    slotNodes.deallocate()
    childNodes.deallocate()
    updates.deallocate()
    slotValues.deallocate()
    norms.deallocate()
    hardDrawn.deallocate()
    marks.deallocate()
    sampler.deallocate()
  }

  /// Trains on interleaved `(child, parent)` pairs in batches of consecutive relations,
  /// updating `rows`, with negatives from `distribution`.
  ///
  /// Stops early, before the next batch, when `shouldStop` returns true or a batch produces a
  /// non-finite value (that batch changes nothing).
  mutating func train(
    pairs: UnsafeBufferPointer<NodeID>, rows: SharedRows, learningRate: Double,
    distribution: AliasView, random: inout RandomSource, totals: inout BatchTotals,
    shouldStop: () -> Bool
  ) {
    let relationCount = pairs.count / 2
    sampler.use(distribution)
    var start = 0
    while start < relationCount {
      if shouldStop() { return }
      let end = min(start + batchSize, relationCount)
      let batch = UnsafeBufferPointer(rebasing: pairs[(2 * start)..<(2 * end)])
      let (loss, isFinite) = trainBatch(
        batch, rows: rows, learningRate: learningRate, random: &random)
      if !isFinite {
        totals.sawNonFiniteValue = true
        return
      }
      totals.loss += loss
      totals.batches += 1
      totals.relations += end - start
      start = end
    }
  }

  /// One gensim batch: sample, compute every update from the pre-batch rows, then apply.
  ///
  /// - Returns: the batch's summed loss (gensim's `PoincareBatch.loss`, without the
  ///   regularization term) and whether every update was finite.
  @inline(__always)
  mutating func trainBatch(
    _ batch: UnsafeBufferPointer<NodeID>, rows: SharedRows, learningRate: Double,
    random: inout RandomSource
  ) -> (loss: Double, isFinite: Bool) {
    let slots = 1 + negativeCount
    let count = batch.count / 2
    for position in 0..<count {
      childNodes[position] = batch[2 * position]
      slotNodes[position * slots] = batch[2 * position + 1]
    }
    touched &+= sampler.touchExclusions(of: UnsafeBufferPointer(start: childNodes, count: count))
    for position in 0..<count {
      sampler.sample(
        for: Int(childNodes[position]), positive: Int(slotNodes[position * slots]),
        into: slotNodes + position * slots + 1, random: &random)
      hardDrawn[position] = Int32(sampler.lastHardDrawn)
    }
    return updateBatch(count: count, rows: rows, learningRate: learningRate)
  }

  /// Computes every update of the batch in `childNodes` and `slotNodes` from the current rows,
  /// then applies them unless one is not finite.
  @inline(__always)
  private mutating func updateBatch(count: Int, rows: SharedRows, learningRate: Double)
    -> (loss: Double, isFinite: Bool)
  {
    touchRows(count: count, rows: rows)
    var loss = 0.0
    var check = 0.0
    for position in 0..<count {
      let (relationLoss, relationCheck) =
        model == .poincare
        ? computeUpdates(position: position, rows: rows, learningRate: learningRate)
        : computeLorentzUpdates(position: position, rows: rows, learningRate: learningRate)
      loss += relationLoss
      check += relationCheck
    }
    // Coefficients beyond 1e100 count as divergence: applied, they could overflow a row.
    guard check < 1e100 && loss.isFinite else { return (loss, false) }
    if model == .poincare {
      applyUpdates(count: count, rows: rows)
    } else {
      applyLorentzUpdates(count: count, rows: rows)
    }
    return (loss, true)
  }

  /// Reads one value of every cache line of every row the batch uses, before any arithmetic:
  /// the reads are independent, so the cache misses of a batch's ~100 random rows overlap
  /// instead of stalling the distance computations one after another.
  @inline(__always)
  private mutating func touchRows(count: Int, rows: SharedRows) {
    let slots = 1 + negativeCount
    var sink: UInt64 = 0
    // The children first: each relation's arithmetic starts with its child's whole row.
    for position in 0..<count {
      sink &+= touch(rows.row(childNodes[position]))
    }
    for entry in 0..<(count * slots) {
      sink &+= touch(rows.row(slotNodes[entry]))
    }
    touched = sink
  }

  /// Reads one value of every cache line of `row`.
  @inline(__always)
  private func touch(_ row: UnsafeMutablePointer<Double>) -> UInt64 {
    var sink = row[rowLength - 1].bitPattern
    var index = 0
    while index < rowLength {
      sink &+= row[index].bitPattern
      index &+= 8
    }
    return sink
  }

  /// One batch with given negatives instead of sampled ones: the seam that interop checks and
  /// tests use to compare a single update with gensim's `PoincareBatch`.
  ///
  /// - Parameters:
  ///   - relations: `(child, parent)` rows of the batch.
  ///   - negatives: `negativeCount` rows per relation.
  /// - Returns: the batch loss and whether the update was applied (all values finite).
  package mutating func trainBatch(
    relations: [(NodeID, NodeID)], negatives: [[NodeID]], hardCount: Int = 0, rows: SharedRows,
    learningRate: Double
  ) -> (loss: Double, isFinite: Bool) {
    precondition(relations.count <= batchSize && negatives.count == relations.count)
    precondition(hardCount == 0 || (hardNegatives != nil && hardCount <= negativeCount))
    let slots = 1 + negativeCount
    for (position, relation) in relations.enumerated() {
      precondition(negatives[position].count == negativeCount)
      hardDrawn[position] = Int32(hardCount)
      childNodes[position] = relation.0
      slotNodes[position * slots] = relation.1
      for (index, node) in negatives[position].enumerated() {
        slotNodes[position * slots + 1 + index] = node
      }
    }
    return updateBatch(count: relations.count, rows: rows, learningRate: learningRate)
  }

  /// Writes Δu and each slot's Δv for relation `position` of the batch.
  ///
  /// With α = 1 − ‖u‖², βⱼ = 1 − ‖vⱼ‖², tⱼ = 2‖u − vⱼ‖²/(αβⱼ) = γⱼ − 1, sⱼ = √(tⱼ(tⱼ + 2)):
  /// ```
  /// dⱼ = arcosh(1 + tⱼ) = log(1 + tⱼ + sⱼ),  so  e^(−dⱼ) = 1/(1 + tⱼ + sⱼ)
  /// pⱼ = e^(−dⱼ) / Σₖ e^(−dₖ),  wⱼ = [j = 0] − pⱼ,  cⱼ = 4/(αβⱼsⱼ)  (0 when tⱼ = 0)
  /// ∇u  = Σⱼ wⱼcⱼ((‖u − vⱼ‖² + α)/α · u − vⱼ)
  /// ∇vⱼ = wⱼcⱼ((‖u − vⱼ‖² + βⱼ)/βⱼ · vⱼ − u) + [j = 0]·2·reg·v₀
  /// Δx  = −lr · (1 − ‖x‖²)²/4 · ∇x
  /// ```
  /// cⱼ is gensim's `4 / (α β √(γ² − 1))`, zeroed like gensim when γ == 1. The softmax needs no
  /// exp or log: e^(−d) is a ratio, and the loss is log(Σₖ e^(−dₖ) / e^(−d₀)).
  /// - Returns: the relation's loss (without the regularization term, as gensim reports it)
  ///   and a sum of the update coefficients' magnitudes, finite and modest exactly when every
  ///   update is.
  @inline(__always)
  private func computeUpdates(position: Int, rows: SharedRows, learningRate: Double)
    -> (loss: Double, check: Double)
  {
    let slots = 1 + negativeCount
    let dimension = rowLength  // padded: whole SIMD4 lanes, zeros beyond the model's dimension
    let u = rows.row(childNodes[position])
    let nodes = slotNodes + position * slots
    let values = slotValues
    let alpha = 1 - VectorKernels.squaredNorm(u, count: dimension)
    let inverseAlpha = 1 / alpha
    var partition = 0.0
    for slot in 0..<slots {
      let (vv, dd) = VectorKernels.squaredNormAndDistance(
        u, rows.row(nodes[slot]), count: dimension)
      let beta = 1 - vv
      let inverseBeta = 1 / beta
      let scale = inverseAlpha * inverseBeta
      let t = 2 * dd * scale
      let s = (t * (t + 2)).squareRoot()
      let weight = 1 / (1 + t + s)
      values[5 * slot] = beta
      values[5 * slot + 1] = dd
      values[5 * slot + 2] = s > 0 ? 4 * scale / s : 0
      values[5 * slot + 3] = weight
      values[5 * slot + 4] = inverseBeta
      partition += weight
    }
    // Hard negatives (the relation's first `hard` negatives) move only themselves: away from u,
    // with their probability in the softmax over every slot times their push scale. u, the
    // positive and the other negatives follow the softmax over the slots without them; this is
    // also the loss reported. Without hard negatives both softmaxes are gensim's.
    let hard = Int(hardDrawn[position])
    var softPartition = partition
    for slot in 1..<(1 + hard) { softPartition -= values[5 * slot + 3] }
    let loss = log(softPartition / values[3])

    let output = updates + position * (1 + slots) * dimension
    let uScale = -learningRate * alpha * alpha / 4
    let inversePartition = 1 / partition
    let inverseSoftPartition = 1 / softPartition
    var uCoefficient = 0.0
    var check = 0.0
    output.update(repeating: 0, count: dimension)
    for slot in 0..<slots {
      let beta = values[5 * slot]
      let dd = values[5 * slot + 1]
      let c = values[5 * slot + 2]
      let isHard = slot >= 1 && slot <= hard
      let weight =
        (slot == 0 ? 1 : 0)
        - values[5 * slot + 3] * (isHard ? inversePartition : inverseSoftPartition)
      let wc = weight * c
      var vScale = -learningRate * beta * beta / 4
      if isHard {
        vScale *= hardNegatives!.pushScales[Int(nodes[slot])]
      } else {
        uCoefficient += wc * (dd * inverseAlpha + 1)
      }
      let vCoefficient =
        vScale * (wc * (dd * values[5 * slot + 4] + 1) + (slot == 0 ? 2 * regularization : 0))
      let uInV = -vScale * wc
      check += abs(vCoefficient) + abs(uInV)
      // Δvⱼ = vCoefficient·vⱼ + uInV·u, and Δu gathers −uScale·wⱼcⱼ·vⱼ.
      VectorKernels.combine(
        vCoefficient, rows.row(nodes[slot]), uInV, u,
        into: output + (1 + slot) * dimension, accumulating: isHard ? 0 : -uScale * wc,
        into: output, count: dimension)
    }
    let uFactor = uScale * uCoefficient
    check += abs(uFactor)
    VectorKernels.addScaled(uFactor, u, to: output, count: dimension)
    return (loss, check)
  }

  /// Adds every Δu, clips the u rows, then adds every Δv and clips those rows (gensim's order).
  ///
  /// A row is clipped when the norm after its last addition reaches the threshold; the
  /// squared norm comes out of the addition itself.
  @inline(__always)
  private func applyUpdates(count: Int, rows: SharedRows) {
    let slots = 1 + negativeCount
    let dimension = rowLength  // padded: whole SIMD4 lanes, zeros beyond the model's dimension
    let stride = (1 + slots) * dimension
    let threshold = PoincareBall.projectionThreshold(epsilon: epsilon)
    if let log = rows.log {
      return applyLoggedUpdates(count: count, rows: rows, log: log, threshold: threshold)
    }
    for position in 0..<count {
      norms[position] = VectorKernels.add(
        updates + position * stride, to: rows.row(childNodes[position]), count: dimension)
    }
    clip(childNodes, count: count, rows: rows, threshold: threshold)
    for position in 0..<count {
      for slot in 0..<slots {
        let delta = updates + position * stride + (1 + slot) * dimension
        norms[position * slots + slot] = VectorKernels.add(
          delta, to: rows.row(slotNodes[position * slots + slot]), count: dimension)
      }
    }
    clip(slotNodes, count: count * slots, rows: rows, threshold: threshold)
  }

  /// Projects `nodes[i]`'s row into the ball where `norms[i]`, its squared norm after its last
  /// addition, reached `threshold`.
  @inline(__always)
  func clip(
    _ nodes: UnsafeMutablePointer<NodeID>, count: Int, rows: SharedRows, threshold: Double
  ) {
    for entry in 0..<count where norms[entry] >= threshold {
      PoincareBall.project(
        rows.row(nodes[entry]), dimension: rowLength, epsilon: epsilon,
        keepsDirection: keepsDirection)
    }
  }
}
