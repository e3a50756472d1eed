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
/// Workers of one round never write the same table (each trains its own replica), so no row is
/// written by two threads at once.
struct SharedRows: @unchecked Sendable {
  let base: UnsafeMutablePointer<Double>
  let dimension: Int

  @inline(__always)
  func row(_ node: NodeID) -> UnsafeMutablePointer<Double> { base + Int(node) &* dimension }
}

/// Read-only training data seen through raw pointers, valid while the trainer holds them.
struct TrainingData: @unchecked Sendable {
  let pairs: UnsafeBufferPointer<NodeID>
  let offsets: UnsafeBufferPointer<Int>
  let targets: UnsafeBufferPointer<NodeID>
  let counts: UnsafeBufferPointer<Int>
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
  let negativeCount: Int
  let batchSize: Int
  let epsilon: Double
  let regularization: Double
  private let pairs: UnsafePointer<NodeID>
  private var sampler: NegativeSampler
  /// Per relation of the batch: the positive then the negatives.
  private let slotNodes: UnsafeMutablePointer<NodeID>
  /// Per relation of the batch: the child u.
  private let childNodes: UnsafeMutablePointer<NodeID>
  /// Per relation of the batch: Δu, then Δv for each slot, `dimension` values each.
  private let updates: UnsafeMutablePointer<Double>
  /// Per slot of one relation: β, ‖u − v‖², t = γ − 1, d.
  private let slotValues: UnsafeMutablePointer<Double>
  private let marks: UnsafeMutableBufferPointer<UInt32>

  init(data: TrainingData, configuration: TrainingConfiguration) {
    dimension = configuration.dimension
    negativeCount = configuration.negativeCount
    batchSize = configuration.batchSize
    epsilon = configuration.epsilon
    regularization = configuration.regularizationCoefficient
    pairs = data.pairs.baseAddress!
    let slots = 1 + negativeCount
    slotNodes = .allocate(capacity: batchSize * slots)
    childNodes = .allocate(capacity: batchSize)
    updates = .allocate(capacity: batchSize * (1 + slots) * dimension)
    slotValues = .allocate(capacity: 4 * slots)
    marks = .allocate(capacity: 2 * data.counts.count)
    sampler = NegativeSampler(
      endpoints: data.pairs, offsets: data.offsets, targets: data.targets, counts: data.counts,
      negativeCount: negativeCount, marks: marks)
  }

  deinit {
    slotNodes.deallocate()
    childNodes.deallocate()
    updates.deallocate()
    slotValues.deallocate()
    marks.deallocate()
  }

  /// Trains on `order[0..<count]` (relation indices) in batches, updating `rows`.
  ///
  /// Stops early, before the next batch, when `shouldStop` returns true or a batch produces a
  /// non-finite value (that batch changes nothing).
  mutating func train(
    order: UnsafeBufferPointer<Int32>, rows: SharedRows, learningRate: Double,
    random: inout RandomSource, totals: inout BatchTotals, shouldStop: () -> Bool
  ) {
    var start = 0
    while start < order.count {
      if shouldStop() { return }
      let end = min(start + batchSize, order.count)
      let batch = UnsafeBufferPointer(rebasing: order[start..<end])
      let (loss, isFinite) = trainBatch(
        batch, rows: rows, learningRate: learningRate, random: &random)
      if !isFinite {
        totals.sawNonFiniteValue = true
        return
      }
      totals.loss += loss
      totals.batches += 1
      totals.relations += batch.count
      start = end
    }
  }

  /// One gensim batch: sample, compute every update from the pre-batch rows, then apply.
  ///
  /// - Returns: the batch's summed loss (gensim's `PoincareBatch.loss`, without the
  ///   regularization term) and whether every update was finite.
  @inline(__always)
  mutating func trainBatch(
    _ batch: UnsafeBufferPointer<Int32>, rows: SharedRows, learningRate: Double,
    random: inout RandomSource
  ) -> (loss: Double, isFinite: Bool) {
    let slots = 1 + negativeCount
    for (position, relation) in batch.enumerated() {
      let u = pairs[2 * Int(relation)]
      childNodes[position] = u
      slotNodes[position * slots] = pairs[2 * Int(relation) + 1]
      sampler.sample(for: Int(u), into: slotNodes + position * slots + 1, random: &random)
    }
    return updateBatch(count: batch.count, rows: rows, learningRate: learningRate)
  }

  /// Computes every update of the batch in `childNodes` and `slotNodes` from the current rows,
  /// then applies them unless one is not finite.
  @inline(__always)
  private func updateBatch(count: Int, rows: SharedRows, learningRate: Double)
    -> (loss: Double, isFinite: Bool)
  {
    var loss = 0.0
    var check = 0.0
    for position in 0..<count {
      let (relationLoss, relationCheck) = computeUpdates(
        position: position, rows: rows, learningRate: learningRate)
      loss += relationLoss
      check += relationCheck
    }
    guard check.isFinite && loss.isFinite else { return (loss, false) }
    applyUpdates(count: count, rows: rows)
    return (loss, true)
  }

  /// One batch with given negatives instead of sampled ones: the seam that interop checks and
  /// tests use to compare a single update with gensim's `PoincareBatch`.
  ///
  /// - Parameters:
  ///   - relations: `(child, parent)` rows of the batch.
  ///   - negatives: `negativeCount` rows per relation.
  /// - Returns: the batch loss and whether the update was applied (all values finite).
  package mutating func trainBatch(
    relations: [(NodeID, NodeID)], negatives: [[NodeID]], rows: SharedRows, learningRate: Double
  ) -> (loss: Double, isFinite: Bool) {
    precondition(relations.count <= batchSize && negatives.count == relations.count)
    let slots = 1 + negativeCount
    for (position, relation) in relations.enumerated() {
      precondition(negatives[position].count == negativeCount)
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
  /// With α = 1 − ‖u‖², βⱼ = 1 − ‖vⱼ‖², tⱼ = 2‖u − vⱼ‖²/(αβⱼ), dⱼ = arcosh(1 + tⱼ),
  /// pⱼ = e^(−dⱼ)/Σe^(−dₖ), wⱼ = [j = 0] − pⱼ and cⱼ = 4/(αβⱼ√(tⱼ(tⱼ + 2))) (0 when tⱼ = 0, as
  /// gensim zeroes the gradient when γ == 1):
  /// ```
  /// ∇u  = Σⱼ wⱼcⱼ((‖u − vⱼ‖² + α)/α · u − vⱼ)
  /// ∇vⱼ = wⱼcⱼ((‖u − vⱼ‖² + βⱼ)/βⱼ · vⱼ − u) + [j = 0]·2·reg·v₀
  /// Δx  = −lr · (1 − ‖x‖²)²/4 · ∇x
  /// ```
  /// - Returns: the relation's loss d₀ + log Σe^(−dⱼ), and a sum of every update value (finite
  ///   exactly when every value is, barring overflow).
  @inline(__always)
  private func computeUpdates(position: Int, rows: SharedRows, learningRate: Double)
    -> (loss: Double, check: Double)
  {
    let slots = 1 + negativeCount
    let dimension = self.dimension
    let u = rows.row(childNodes[position])
    let nodes = slotNodes + position * slots
    let values = slotValues
    var uu = 0.0
    for index in 0..<dimension { uu += u[index] * u[index] }
    let alpha = 1 - uu
    var smallest = Double.infinity
    for slot in 0..<slots {
      let v = rows.row(nodes[slot])
      var vv = 0.0
      var dd = 0.0
      for index in 0..<dimension {
        let b = v[index]
        let difference = u[index] - b
        vv += b * b
        dd += difference * difference
      }
      let beta = 1 - vv
      let t = 2 * dd / (alpha * beta)
      let distance = log1p(t + (t * (t + 2)).squareRoot())
      values[4 * slot] = beta
      values[4 * slot + 1] = dd
      values[4 * slot + 2] = t
      values[4 * slot + 3] = distance
      smallest = min(smallest, distance)
    }
    // Softmax over −d, shifted by the smallest distance so no exponential overflows.
    let positiveDistance = values[3]
    var partition = 0.0
    for slot in 0..<slots {
      let weight = exp(smallest - values[4 * slot + 3])
      values[4 * slot + 3] = weight
      partition += weight
    }
    let loss = positiveDistance - smallest + log(partition)

    let output = updates + position * (1 + slots) * dimension
    let uScale = -learningRate * alpha * alpha / 4
    var uCoefficient = 0.0
    let deltaU = output
    for index in 0..<dimension { deltaU[index] = 0 }
    var check = 0.0
    for slot in 0..<slots {
      let beta = values[4 * slot]
      let dd = values[4 * slot + 1]
      let t = values[4 * slot + 2]
      let probability = values[4 * slot + 3] / partition
      let weight = (slot == 0 ? 1 : 0) - probability
      let c = t > 0 ? 4 / (alpha * beta * (t * (t + 2)).squareRoot()) : 0
      let wc = weight * c
      uCoefficient += wc * (dd + alpha) / alpha
      // Δu accumulates −uScale·wc·vⱼ here; its u term is added after the loop.
      let v = rows.row(nodes[slot])
      let vScale = -learningRate * beta * beta / 4
      let vCoefficient =
        vScale * (wc * (dd + beta) / beta + (slot == 0 ? 2 * regularization : 0))
      let uInV = -vScale * wc
      let deltaV = output + (1 + slot) * dimension
      let uTermInU = -uScale * wc
      for index in 0..<dimension {
        let b = v[index]
        deltaU[index] += uTermInU * b
        let value = vCoefficient * b + uInV * u[index]
        deltaV[index] = value
        check += value
      }
    }
    let uFactor = uScale * uCoefficient
    for index in 0..<dimension {
      deltaU[index] += uFactor * u[index]
      check += deltaU[index]
    }
    return (loss, check)
  }

  /// Adds every Δu, clips the u rows, then adds every Δv and clips those rows (gensim's order).
  @inline(__always)
  private func applyUpdates(count: Int, rows: SharedRows) {
    let slots = 1 + negativeCount
    let dimension = self.dimension
    let stride = (1 + slots) * dimension
    for position in 0..<count {
      let row = rows.row(childNodes[position])
      let delta = updates + position * stride
      for index in 0..<dimension { row[index] += delta[index] }
    }
    for position in 0..<count {
      PoincareBall.project(rows.row(childNodes[position]), dimension: dimension, epsilon: epsilon)
    }
    for position in 0..<count {
      for slot in 0..<slots {
        let row = rows.row(slotNodes[position * slots + slot])
        let delta = updates + position * stride + (1 + slot) * dimension
        for index in 0..<dimension { row[index] += delta[index] }
      }
    }
    for position in 0..<count {
      for slot in 0..<slots {
        PoincareBall.project(
          rows.row(slotNodes[position * slots + slot]), dimension: dimension, epsilon: epsilon)
      }
    }
  }
}
