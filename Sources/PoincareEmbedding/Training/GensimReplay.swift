// Goals, in priority order:
// 1. gensim's `PoincareModel(relations, ..., seed=s).train(epochs)` reproduced to rounding: the
//    same numpy `RandomState` stream, consumed in gensim's order (initialisation, then per epoch
//    a shuffle of the relation indices, then per relation its negatives), and the same batches.
//    Only the arithmetic of the batch update may differ from gensim's (it is `PoincareTrainer`'s,
//    equal to gensim's to ~1e-15), so vectors agree to ~1e-12 after several epochs.
// 2. Reuse: the batch update is `TrainingWorker`'s, through the given-negatives seam.
// Speed is secondary: one thread, numpy's draw-by-draw algorithms.

/// Trains exactly as gensim's `PoincareModel` does with the same seed (`poincare-embed train
/// --rng numpy`): numpy's legacy `RandomState(seed)` draws the initial vectors (`uniform`), each
/// epoch's order (`shuffle(list(range(n)))`) and the negatives, with gensim's sampler — a buffer
/// of 2,000 count-proportional draws (`randint` then `searchsorted` on the count cumsum), the
/// whole set redrawn while it repeats a node or hits an out-neighbour when the out-degree is
/// under 1% of the nodes, else numpy's `choice(..., replace=False, p=...)` over the other nodes.
///
/// One thread only; slower than `PoincareTrainer`, whose streams are its own.
///
/// ```swift
/// let replay = try GensimReplay(relations: relations, configuration: configuration)
/// try replay.train()
/// try Word2VecFormat.write(replay.vectors, to: "gensim-exact.txt")
/// ```
public final class GensimReplay {
  public let configuration: TrainingConfiguration
  public let relations: Relations
  /// Distinct out-neighbours per node (gensim's `node_relations`).
  public let graph: RelationGraph
  /// `nodeCount × dimension` coordinates, row-major, in vocabulary order.
  public var table: [Double] {
    PoincareTrainer.unpadded(storage, from: configuration.rowStride, to: configuration.dimension)
  }
  /// The table as the training worker reads it: rows padded to `rowStride` values.
  private var storage: [Double]
  /// Completed burn-in and training epochs.
  public private(set) var position = TrainingPosition()
  private var random: NumpyRandomState
  private var sampler: GensimNegativeSampler

  /// gensim's `NegativesBuffer` size (`_negatives_buffer_size`).
  public static let negativesBufferSize = 2_000

  /// Validates as `PoincareTrainer` does, then draws the initial vectors as gensim's
  /// `_init_embeddings`: `RandomState(seed).uniform(low, high, (nodes, dimension))`.
  ///
  /// - Throws: `ConfigurationError` for hyper-parameters out of range, a seed above 2³² − 1
  ///   (numpy's limit), more than one thread, or more negatives than gensim's buffer holds;
  ///   `TrainingError.tooFewNegatives` as `PoincareTrainer`.
  public init(relations: Relations, configuration: TrainingConfiguration) throws {
    try Self.validate(configuration)
    var random = NumpyRandomState(seed: UInt32(configuration.seed))
    let low = configuration.initializationRange.lowerBound
    let high = configuration.initializationRange.upperBound
    let table = (0..<(relations.nodeCount * configuration.dimension)).map { _ in
      random.uniform(low: low, high: high)
    }
    // The trainer's checks of the configuration and of every node's negative candidates.
    let trainer = try PoincareTrainer(
      relations: relations, configuration: configuration, table: table,
      position: TrainingPosition())
    self.configuration = configuration
    self.relations = relations
    self.graph = trainer.graph
    self.storage = PoincareTrainer.padded(
      table, from: configuration.dimension, to: configuration.rowStride)
    self.random = random
    self.sampler = GensimNegativeSampler(
      counts: relations.vocabulary.counts, graph: trainer.graph,
      negativeCount: configuration.negativeCount)
  }

  /// Checks what a replay needs beyond `TrainingConfiguration.validate()`: a seed numpy accepts,
  /// one thread, and negatives that fit gensim's buffer.
  public static func validate(_ configuration: TrainingConfiguration) throws(ConfigurationError) {
    guard configuration.seed <= UInt64(UInt32.max) else {
      throw ConfigurationError(
        "--seed must be at most 4294967295 with --rng numpy (numpy's limit; got "
          + "\(configuration.seed))")
    }
    guard configuration.threadCount == 1 else {
      throw ConfigurationError(
        "--rng numpy replays gensim's single sequence of updates: use --threads 1 (got "
          + "\(configuration.threadCount))")
    }
    var gensimDefaults = TrainingConfiguration()
    gensimDefaults.dimension = configuration.dimension
    for (flag, differs) in [
      ("--model", configuration.model != gensimDefaults.model),
      ("--negative-sampling", configuration.negativeDistribution != gensimDefaults.negativeDistribution),
      ("--burn-in-negative-sampling",
       configuration.burnInNegativeDistribution != gensimDefaults.burnInNegativeDistribution),
      ("--learning-rate-schedule",
       configuration.learningRateSchedule != gensimDefaults.learningRateSchedule),
      ("--projection", configuration.projection != gensimDefaults.projection),
    ] where differs {
      throw ConfigurationError(
        "--rng numpy replays gensim's own algorithm: it cannot be combined with \(flag)")
    }
    guard configuration.negativeCount <= Self.negativesBufferSize else {
      throw ConfigurationError(
        "--negatives must be at most \(Self.negativesBufferSize) with --rng numpy (gensim's "
          + "negatives buffer; got \(configuration.negativeCount))")
    }
  }

  /// The trained vectors with their keys and counts (gensim's `model.kv`).
  public var vectors: KeyedVectors {
    KeyedVectors(
      vocabulary: relations.vocabulary, dimension: configuration.dimension, values: table)
  }

  /// Runs the burn-in epochs, then the training epochs (gensim's `train(epochs, batch_size)` on a
  /// new model).
  ///
  /// - Parameters:
  ///   - observer: called with progress at most every `reportInterval` seconds and at the end
  ///     of every epoch; the loss is gensim's (see `TrainingReport.loss`).
  ///   - stop: when requested, training stops before the next batch. Calling `train` again
  ///     runs the epochs not yet completed, restarting the interrupted one with the generator
  ///     where it stopped, which gensim never does: only an uninterrupted run is gensim's.
  /// - Returns: true when training completed, false when stopped.
  /// - Throws: `TrainingError.nonFiniteValue` when an update is not finite (gensim asserts).
  @discardableResult
  public func train(
    observer: (@Sendable (TrainingReport) -> Void)? = nil, reportInterval: Double = 0.5,
    stop: StopSignal? = nil
  ) throws -> Bool {
    let clock = ContinuousClock()
    let started = clock.now
    return try PoincareTrainer.withGivenNegativesWorker(
      configuration: configuration, nodeCount: relations.nodeCount
    ) { worker in
      for phase in [TrainingPhase.burnIn, .training] {
        let epochCount =
          phase == .burnIn ? configuration.burnInEpochs : configuration.epochs
        let learningRate =
          phase == .burnIn ? configuration.burnInLearningRate : configuration.learningRate
        let done = phase == .burnIn ? position.burnInEpochs : position.epochs
        for epoch in stride(from: done + 1, through: epochCount, by: 1) {
          let completed = try runEpoch(
            worker: &worker, phase: phase, epoch: epoch, epochCount: epochCount,
            learningRate: learningRate, observer: observer, reportInterval: reportInterval,
            stop: stop, clock: clock, started: started)
          if !completed { return false }
          if phase == .burnIn { position.burnInEpochs += 1 } else { position.epochs += 1 }
        }
      }
      return true
    }
  }

  /// One epoch of gensim's `_train_batchwise`.
  private func runEpoch(
    worker: inout TrainingWorker, phase: TrainingPhase, epoch: Int, epochCount: Int,
    learningRate: Double, observer: (@Sendable (TrainingReport) -> Void)?,
    reportInterval: Double, stop: StopSignal?, clock: ContinuousClock,
    started: ContinuousClock.Instant
  ) throws -> Bool {
    let epochStarted = clock.now
    var lastReport = epochStarted
    let relationCount = relations.count
    var order = Array(0..<relationCount)
    random.shuffle(&order)
    let batchSize = configuration.batchSize
    var loss = 0.0
    var batches = 0
    var batch: [(NodeID, NodeID)] = []
    var negatives: [[NodeID]] = []
    func report(done: Int, isEpochEnd: Bool) {
      let now = clock.now
      observer?(
        TrainingReport(
          phase: phase, epoch: epoch, epochCount: epochCount, relationsDone: done,
          relationCount: relationCount, epochSeconds: (now - epochStarted).seconds,
          totalSeconds: (now - started).seconds, loss: batches > 0 ? loss / Double(batches) : 0,
          isEpochEnd: isEpochEnd))
    }
    var start = 0
    while start < relationCount {
      if stop?.isRequested == true { return false }
      let end = min(start + batchSize, relationCount)
      batch.removeAll(keepingCapacity: true)
      negatives.removeAll(keepingCapacity: true)
      for index in order[start..<end] {
        let child = relations.child(index)
        batch.append((child, relations.parent(index)))
        negatives.append(sampler.negatives(for: Int(child), random: &random))
      }
      let step = storage.withUnsafeMutableBufferPointer { buffer in
        worker.trainBatch(
          relations: batch, negatives: negatives,
          rows: SharedRows(base: buffer.baseAddress!, dimension: configuration.rowStride),
          learningRate: learningRate)
      }
      guard step.isFinite else { throw TrainingError.nonFiniteValue(phase: phase, epoch: epoch) }
      loss += step.loss
      batches += 1
      start = end
      if observer != nil && (clock.now - lastReport).seconds >= reportInterval {
        lastReport = clock.now
        report(done: start, isEpochEnd: false)
      }
    }
    report(done: relationCount, isEpochEnd: true)
    return true
  }
}

/// gensim's `_sample_negatives` with its `NegativesBuffer`, draw for draw.
private struct GensimNegativeSampler {
  let negativeCount: Int
  let graph: RelationGraph
  /// Cumulative counts (gensim's `_node_counts_cumsum`, exact integers).
  let countsCumsum: [Int64]
  /// count / total (gensim's `_node_probabilities`).
  let probabilities: [Double]
  private var buffer: [NodeID] = []
  private var bufferIndex = 0
  /// `outNeighborMark[x] == mark`: x is an out-neighbour of the current node.
  private var outNeighborMark: [UInt32]
  private var isSeen: [Bool]
  private var mark: UInt32 = 0

  init(counts: [Int], graph: RelationGraph, negativeCount: Int) {
    self.negativeCount = negativeCount
    self.graph = graph
    var cumsum = [Int64]()
    cumsum.reserveCapacity(counts.count)
    var running: Int64 = 0
    for count in counts {
      running += Int64(count)
      cumsum.append(running)
    }
    countsCumsum = cumsum
    let total = NumpyRandomState.pairwiseSum(counts.map(Double.init)[...])
    probabilities = counts.map { Double($0) / total }
    outNeighborMark = [UInt32](repeating: 0, count: counts.count)
    isSeen = [Bool](repeating: false, count: counts.count)
  }

  /// The negatives of one relation whose child is `node`.
  mutating func negatives(for node: Int, random: inout NumpyRandomState) -> [NodeID] {
    let nodeCount = countsCumsum.count
    let neighbors = graph.outNeighbors(node)
    nextMark()
    for neighbor in neighbors { outNeighborMark[Int(neighbor)] = mark }
    // Python: float(len(node_relations)) / len(self.kv) < 0.01
    if Double(neighbors.count) / Double(nodeCount) < 0.01 {
      while true {
        let candidates = candidateNegatives(random: &random)
        if isDistinctAndValid(candidates) { return Array(candidates) }
      }
    }
    // valid_negatives = np.array(list(indices_set - node_relations)): ascending node indices.
    var valid: [NodeID] = []
    valid.reserveCapacity(nodeCount - neighbors.count)
    for candidate in 0..<nodeCount where outNeighborMark[candidate] != mark {
      valid.append(NodeID(candidate))
    }
    var weights = valid.map { probabilities[Int($0)] }
    let sum = NumpyRandomState.pairwiseSum(weights[...])
    for index in weights.indices { weights[index] /= sum }
    return random.choiceWithoutReplacement(count: negativeCount, probabilities: weights).map {
      valid[$0]
    }
  }

  /// The next `negativeCount` buffered draws (gensim's `_get_candidate_negatives`), refilling the
  /// buffer with `randint(1, total + 1, 2000)` mapped through `searchsorted` when fewer remain.
  private mutating func candidateNegatives(random: inout NumpyRandomState) -> ArraySlice<NodeID> {
    if buffer.count - bufferIndex < negativeCount {
      let total = countsCumsum[countsCumsum.count - 1]
      buffer = (0..<GensimReplay.negativesBufferSize).map { _ in
        NodeID(firstIndex(atLeast: random.randint(1, total + 1)))
      }
      bufferIndex = 0
    }
    defer { bufferIndex += negativeCount }
    return buffer[bufferIndex..<(bufferIndex + negativeCount)]
  }

  /// `searchsorted(cumsum, value, side='left')`: the first index whose cumsum is ≥ value.
  private func firstIndex(atLeast value: Int64) -> Int {
    var low = 0
    var high = countsCumsum.count
    while low < high {
      let middle = (low + high) / 2
      if countsCumsum[middle] < value { low = middle + 1 } else { high = middle }
    }
    return low
  }

  /// No repeats and no out-neighbour (gensim's `len(indices) != len(unique_indices)` and
  /// `unique_indices & node_relations`). Uses the current out-neighbour mark.
  private mutating func isDistinctAndValid(_ candidates: ArraySlice<NodeID>) -> Bool {
    var isValid = true
    for candidate in candidates {
      let index = Int(candidate)
      if outNeighborMark[index] == mark || isSeen[index] { isValid = false }
      isSeen[index] = true
    }
    for candidate in candidates { isSeen[Int(candidate)] = false }
    return isValid
  }

  private mutating func nextMark() {
    mark &+= 1
    if mark == 0 {
      outNeighborMark = [UInt32](repeating: 0, count: outNeighborMark.count)
      mark = 1
    }
  }
}
