// Goals, in priority order:
// 1. gensim's `PoincareModel.train` semantics: uniform initialisation, burn-in once at its own
//    rate, a fresh shuffle every epoch, batches of consecutive shuffled relations.
// 2. Reproducibility: one thread gives the same bits for the same seed, and a run stopped at a
//    round boundary resumes to the same bits. Every random stream is derived from
//    (seed, epoch, round, worker), so no generator state needs saving.
// 3. Speed on several cores without sharing written memory: each worker owns a range of rows
//    and trains the relations of its children in a view of the table of its own; its updates
//    of other rows are merged by their owners at the end of each round (`TrainingEngine`;
//    cross-core writes to one shared table cost ~4x per update on this hardware).

import Dispatch
import Synchronization

/// What a progress observer receives: where training is and how it goes.
public struct TrainingReport: Sendable {
  public var phase: TrainingPhase
  /// 1-based epoch within the phase.
  public var epoch: Int
  /// Epochs in the phase.
  public var epochCount: Int
  /// Relations trained so far in this epoch.
  public var relationsDone: Int
  /// Relations per epoch.
  public var relationCount: Int
  /// Seconds since the epoch started.
  public var epochSeconds: Double
  /// Seconds since `train` was called.
  public var totalSeconds: Double
  /// gensim's logged loss: the mean over batches of the batch's summed softmax loss, without the
  /// regularization term (about `batchSize · ln(1 + negatives)` at the start).
  public var loss: Double
  /// Whether this report closes the epoch.
  public var isEpochEnd: Bool
}

/// Asks a running `train` to stop at the next round boundary. Lock-free, so a signal handler
/// may call `request`.
public final class StopSignal: Sendable {
  private let code = Atomic<Int32>(0)

  public init() {}

  /// Requests a stop; `reason` (e.g. the signal number) is kept for the caller. Non-zero.
  public func request(reason: Int32 = 1) { code.store(reason, ordering: .relaxed) }

  public var isRequested: Bool { code.load(ordering: .relaxed) != 0 }

  /// The reason given to `request`, or 0.
  public var reason: Int32 { code.load(ordering: .relaxed) }
}

/// Trains Poincaré embeddings of relations: gensim's `PoincareModel` (`__init__` then `train`).
///
/// ```swift
/// let relations = try RelationFile.read("data/mammal_closure.tsv")
/// let trainer = try PoincareTrainer(relations: relations, configuration: .init())
/// try trainer.train()
/// try Word2VecFormat.write(trainer.vectors, to: "mammal_closure.txt")
/// ```
public final class PoincareTrainer {
  public let configuration: TrainingConfiguration
  public let relations: Relations
  /// Distinct out-neighbours per node (gensim's `node_relations`).
  public let graph: RelationGraph
  /// `nodeCount × rowLength` coordinates, row-major, in vocabulary order: ball coordinates, or
  /// hyperboloid coordinates (x₀ first) in the Lorentz model.
  public var table: [Double] { Self.unpadded(storage, from: rowStride, to: configuration.rowLength) }
  /// The table as training reads and writes it: rows padded to `rowStride` values.
  private var storage: [Double]
  private let rowStride: Int
  /// Where training stands; a checkpoint saves it with the table.
  public private(set) var position: TrainingPosition

  /// Relations per round: a multiple of the batch size, so rounds never split a batch.
  public let roundLength: Int
  /// Negative draws after and during burn-in.
  let trainingNegatives: AliasTable
  let burnInNegatives: AliasTable
  /// Descendants per node: the reversed relation graph.
  lazy var descendants: RelationGraph = {
    var reversed = relations.pairs
    for index in stride(from: 0, to: reversed.count, by: 2) { reversed.swapAt(index, index + 1) }
    return RelationGraph(nodeCount: relations.nodeCount, pairs: reversed)
  }()
  /// The current epoch's relations in shuffled order.
  private var epochPairs: [NodeID] = []
  /// Each node's nearest non-ancestors, when hard negatives are drawn; `hardNegativesEpoch` is
  /// the training epoch they were last found at (nil: not yet).
  let hardNegatives: HardNegativeTable?
  private var hardNegativesEpoch: Int? = nil

  /// The hard negatives in use and the training epoch they were found at (nil before the first
  /// search): part of the state a checkpoint saves, since they come from an earlier table.
  public var hardNegativeState: HardNegativeState? {
    guard let hardNegatives, let hardNegativesEpoch else { return nil }
    let (counts, nodes) = hardNegatives.lists
    return HardNegativeState(epoch: hardNegativesEpoch, counts: counts, nodes: nodes)
  }

  /// Continues with saved hard negatives (from `hardNegativeState`).
  ///
  /// - Throws: `ConfigurationError` when they do not fit this trainer's nodes and pool.
  public func restore(_ state: HardNegativeState) throws {
    guard let hardNegatives, state.counts.count == relations.nodeCount,
      state.counts.allSatisfy({ $0 >= 0 && Int($0) <= hardNegatives.capacity }),
      state.counts.reduce(0, { $0 + Int($1) }) == state.nodes.count,
      state.nodes.allSatisfy({ $0 >= 0 && Int($0) < relations.nodeCount }),
      state.epoch >= 0, state.epoch <= position.epochs
    else { throw ConfigurationError("the saved hard negatives do not fit these relations") }
    hardNegatives.restore(counts: state.counts, nodes: state.nodes)
    hardNegativesEpoch = state.epoch
  }

  /// Validates the configuration and data and draws the initial vectors (gensim's
  /// `_init_embeddings`: uniform in `initializationRange`, row-major).
  ///
  /// - Throws: `ConfigurationError` for out-of-range hyper-parameters;
  ///   `TrainingError.tooFewNegatives` when some node has fewer candidates than `negativeCount`
  ///   (gensim raises this only once training reaches the node; we check before any work).
  public convenience init(relations: Relations, configuration: TrainingConfiguration) throws {
    try configuration.validate()
    var random = RandomSource(seed: configuration.seed, stream: RandomStream.initialization)
    let range = configuration.initializationRange
    let width = range.upperBound - range.lowerBound
    var table: [Double]
    if configuration.initialization == .hierarchy {
      let layout = HierarchyLayout(
        dimension: configuration.dimension,
        maximumRadius: PoincareBall.radius(ofNorm: 1 - configuration.epsilon),
        seed: configuration.seed)
      table = layout.coordinates(of: RelationGraph(relations))
      if configuration.model == .lorentz {
        let d = configuration.dimension
        table = (0..<relations.nodeCount).flatMap { LorentzModel.fromBall(table[($0 * d)..<(($0 + 1) * d)]) }
      }
      try self.init(
        relations: relations, configuration: configuration, table: table,
        position: TrainingPosition())
      return
    }
    table = (0..<(relations.nodeCount * configuration.dimension)).map { _ in
      range.lowerBound + width * random.unitInterval()
    }
    if configuration.model == .lorentz {
      // The same draws as the spatial coordinates, lifted onto the hyperboloid.
      let dimension = configuration.dimension
      table = (0..<relations.nodeCount).flatMap { node in
        LorentzModel.lift(table[(node * dimension)..<((node + 1) * dimension)])
      }
    }
    try self.init(
      relations: relations, configuration: configuration, table: table,
      position: TrainingPosition())
  }

  /// Starts from given ball coordinates instead of random ones (a warm start): every node of the
  /// relations needs a row in `start`, found by name.
  ///
  /// - Throws: `UnknownNodeError` for the first node `start` lacks; what `init` throws.
  public convenience init(
    relations: Relations, configuration: TrainingConfiguration, start: KeyedVectors,
    startPath: String
  ) throws {
    guard start.dimension == configuration.dimension else {
      throw ConfigurationError(
        "\(startPath) has dimension \(start.dimension), but --dimension is "
          + "\(configuration.dimension)")
    }
    var table = [Double]()
    table.reserveCapacity(relations.nodeCount * configuration.rowLength)
    for node in 0..<relations.nodeCount {
      let row = try start.index(of: relations.vocabulary.name(of: node), in: startPath)
      let values = start.vector(row)
      table += configuration.model == .lorentz ? LorentzModel.fromBall(values) : Array(values)
    }
    try self.init(
      relations: relations, configuration: configuration, table: table,
      position: TrainingPosition())
  }

  /// Continues from a saved table and position (a checkpoint).
  public init(
    relations: Relations, configuration: TrainingConfiguration, table: [Double],
    position: TrainingPosition
  ) throws {
    try configuration.validate()
    precondition(table.count == relations.nodeCount * configuration.rowLength)
    self.rowStride = configuration.rowStride
    precondition(relations.count < Int(Int32.max), "more relations than 32-bit indices hold")
    self.configuration = configuration
    self.relations = relations
    self.graph = RelationGraph(relations)
    self.storage = Self.padded(table, from: configuration.rowLength, to: configuration.rowStride)
    self.position = position
    self.hardNegatives =
      configuration.hardNegativeCount > 0
      ? HardNegativeTable(
        nodeCount: relations.nodeCount, capacity: configuration.hardNegativePool) : nil
    self.roundLength = Self.roundLength(configuration: configuration, nodeCount: relations.nodeCount)
    let counts = relations.vocabulary.counts
    self.trainingNegatives = AliasTable(
      configuration.negativeDistribution, counts: counts, graph: graph)
    self.burnInNegatives =
      configuration.burnInNegativeDistribution == configuration.negativeDistribution
      ? trainingNegatives
      : AliasTable(configuration.burnInNegativeDistribution, counts: counts, graph: graph)
    try checkNegativeCandidates()
  }

  /// The trained vectors in Poincaré-ball coordinates, with their keys and counts (gensim's
  /// `model.kv`).
  public var vectors: KeyedVectors {
    Self.ballVectors(
      table: storage, stride: rowStride, vocabulary: relations.vocabulary,
      configuration: configuration)
  }

  /// Ball coordinates of a training table whose rows are `stride` values apart.
  static func ballVectors(
    table: [Double], stride: Int, vocabulary: Vocabulary, configuration: TrainingConfiguration
  ) -> KeyedVectors {
    let dimension = configuration.dimension
    guard configuration.model == .lorentz else {
      return KeyedVectors(
        vocabulary: vocabulary, dimension: dimension,
        values: unpadded(table, from: stride, to: dimension))
    }
    var values = [Double](repeating: 0, count: vocabulary.count * dimension)
    table.withUnsafeBufferPointer { rows in
      values.withUnsafeMutableBufferPointer { output in
        for node in 0..<vocabulary.count {
          LorentzModel.toBall(
            rows.baseAddress! + node * stride, dimension: dimension,
            into: output.baseAddress! + node * dimension)
        }
      }
    }
    return KeyedVectors(vocabulary: vocabulary, dimension: dimension, values: values)
  }

  /// Rows of `length` values, each followed by zeros up to `stride` values.
  static func padded(_ table: [Double], from length: Int, to stride: Int) -> [Double] {
    guard stride != length else { return table }
    var result = [Double](repeating: 0, count: table.count / length * stride)
    for row in 0..<(table.count / length) {
      for index in 0..<length { result[row * stride + index] = table[row * length + index] }
    }
    return result
  }

  /// The first `length` values of each `stride`-long row.
  static func unpadded(_ table: [Double], from stride: Int, to length: Int) -> [Double] {
    guard stride != length else { return table }
    var result: [Double] = []
    result.reserveCapacity(table.count / stride * length)
    for row in 0..<(table.count / stride) {
      result.append(contentsOf: table[(row * stride)..<(row * stride + length)])
    }
    return result
  }

  /// Whether every burn-in and training epoch has run.
  public var isComplete: Bool {
    position.burnInEpochs >= configuration.burnInEpochs
      && position.epochs >= configuration.epochs
  }

  /// Runs the remaining burn-in epochs (once), then the remaining training epochs.
  ///
  /// - Parameters:
  ///   - observer: called with progress at most every `reportInterval` seconds and at the end
  ///     of every epoch.
  ///   - stop: when requested, training stops at the next round boundary; `position` then says
  ///     where, and `train` can be called again to continue.
  ///   - epochEnded: called after each completed epoch (e.g. to write a checkpoint).
  /// - Returns: true when training completed, false when stopped.
  /// - Throws: `TrainingError.nonFiniteValue` when an update is not finite; the table keeps the
  ///   last finite state.
  @discardableResult
  public func train(
    observer: (@Sendable (TrainingReport) -> Void)? = nil, reportInterval: Double = 0.5,
    stop: StopSignal? = nil, epochEnded: ((PoincareTrainer) throws -> Void)? = nil
  ) throws -> Bool {
    let clock = ContinuousClock()
    let started = clock.now
    return try withEngine { engine in
      while !isComplete {
        let phase: TrainingPhase =
          position.burnInEpochs < configuration.burnInEpochs ? .burnIn : .training
        if phase == .training { refreshHardNegativesIfDue() }
        let finished = try runEpoch(
          phase: phase, engine: &engine, observer: observer, reportInterval: reportInterval,
          stop: stop, clock: clock, started: started)
        if !finished { return false }
        try epochEnded?(self)
      }
      return true
    }
  }

  // MARK: Epochs and rounds

  private func runEpoch(
    phase: TrainingPhase, engine: inout TrainingEngine, observer: (@Sendable (TrainingReport) -> Void)?,
    reportInterval: Double, stop: StopSignal?, clock: ContinuousClock, started: ContinuousClock.Instant
  ) throws -> Bool {
    let epochStarted = clock.now
    var lastReport = epochStarted
    let epochIndex = position.globalEpoch
    let learningRate =
      phase == .burnIn
      ? configuration.burnInLearningRate : configuration.learningRate(epoch: position.epochs)
    let negatives = phase == .burnIn ? engine.burnInNegatives : engine.trainingNegatives
    shufflePairs(epoch: epochIndex)
    let relationCount = relations.count
    let roundCount = (relationCount + roundLength - 1) / roundLength
    var totals = BatchTotals()
    func report(isEpochEnd: Bool) {
      guard let observer else { return }
      let now = clock.now
      observer(
        TrainingReport(
          phase: phase,
          epoch: 1 + (phase == .burnIn ? position.burnInEpochs : position.epochs),
          epochCount: phase == .burnIn ? configuration.burnInEpochs : configuration.epochs,
          relationsDone: min(position.round * roundLength, relationCount),
          relationCount: relationCount, epochSeconds: (now - epochStarted).seconds,
          totalSeconds: (now - started).seconds,
          loss: totals.batches > 0 ? totals.loss / Double(totals.batches) : 0,
          isEpochEnd: isEpochEnd))
    }
    while position.round < roundCount {
      if stop?.isRequested == true { return false }
      let start = position.round * roundLength
      let end = min(start + roundLength, relationCount)
      let roundTotals = epochPairs.withUnsafeBufferPointer { pairs in
        engine.trainRound(
          UnsafeBufferPointer(rebasing: pairs[(2 * start)..<(2 * end)]), table: &storage,
          learningRate: learningRate, distribution: negatives, seed: configuration.seed,
          epoch: epochIndex,
          round: position.round)
      }
      if roundTotals.sawNonFiniteValue {
        throw TrainingError.nonFiniteValue(
          phase: phase, epoch: 1 + (phase == .burnIn ? position.burnInEpochs : position.epochs))
      }
      totals.loss += roundTotals.loss
      totals.batches += roundTotals.batches
      position.round += 1
      if (clock.now - lastReport).seconds >= reportInterval {
        lastReport = clock.now
        report(isEpochEnd: false)
      }
    }
    report(isEpochEnd: true)
    position.round = 0
    if phase == .burnIn { position.burnInEpochs += 1 } else { position.epochs += 1 }
    return true
  }

  /// Finds every node's nearest non-ancestors again at the start of every `miningInterval`-th
  /// training epoch (and when none have been found yet).
  private func refreshHardNegativesIfDue() {
    guard let hardNegatives, position.round == 0 || hardNegativesEpoch == nil else { return }
    let epoch = position.epochs
    guard hardNegativesEpoch == nil || epoch % configuration.miningInterval == 0,
      hardNegativesEpoch != epoch
    else { return }
    hardNegatives.refresh(
      vectors: vectors, graph: graph, margin: configuration.miningMargin,
      threadCount: configuration.threadCount)
    hardNegativesEpoch = epoch
  }

  /// Puts the epoch's relations in a fresh random order, as gensim's
  /// `shuffle(list(range(len(all_relations))))`: always from the file order, so the order of
  /// an epoch depends only on the seed and the epoch.
  private func shufflePairs(epoch: Int) {
    if epochPairs.count == relations.pairs.count {
      epochPairs.withUnsafeMutableBufferPointer { target in
        relations.pairs.withUnsafeBufferPointer { source in
          target.baseAddress!.update(from: source.baseAddress!, count: source.count)
        }
      }
    } else {
      epochPairs = relations.pairs
    }
    var random = RandomSource(
      seed: configuration.seed, stream: RandomStream.shuffle, UInt64(epoch))
    epochPairs.withUnsafeMutableBufferPointer { random.shufflePairs($0) }
  }

  private func withEngine<R>(_ body: (inout TrainingEngine) throws -> R) throws -> R {
    try trainingNegatives.withView { trainingNegatives in
      try burnInNegatives.withView { burnInNegatives in
        try graph.offsets.withUnsafeBufferPointer { offsets in
          try graph.targets.withUnsafeBufferPointer { targets in
            try descendants.offsets.withUnsafeBufferPointer { descendantOffsets in
            try descendants.targets.withUnsafeBufferPointer { descendantTargets in
            var data = TrainingData(
              offsets: offsets, targets: targets, distribution: trainingNegatives)
            data.hardNegatives = hardNegatives?.view
            if configuration.localNegativeCount > 0 {
              data.descendantOffsets = descendantOffsets.baseAddress
              data.descendantTargets = descendantTargets.baseAddress
            }
            var engine = TrainingEngine(
              data: data, configuration: configuration, trainingNegatives: trainingNegatives,
              burnInNegatives: burnInNegatives)
            return try body(&engine)
            }
            }
          }
        }
      }
    }
  }

  /// Applies one gensim batch with given negatives to `table` (rows of `dimension`), with
  /// `configuration`'s regularization, epsilon and batch size: the seam behind the interop
  /// check of a single training step against gensim's `PoincareBatch`.
  ///
  /// - Parameters:
  ///   - hardNegatives: how many of each relation's negatives (the first ones) are hard
  ///     negatives, moved with `pushScales` (one per node of the table).
  /// - Returns: the batch loss, or nil when an update was not finite (the table is unchanged).
  package static func applyBatch(
    to table: inout [Double], configuration: TrainingConfiguration,
    relations batch: [(NodeID, NodeID)], negatives: [[NodeID]], learningRate: Double,
    hardNegatives: Int = 0, pushScales: [Double]? = nil
  ) -> Double? {
    var padded = padded(table, from: configuration.rowLength, to: configuration.rowStride)
    defer { table = unpadded(padded, from: configuration.rowStride, to: configuration.rowLength) }
    let nodeCount = table.count / configuration.rowLength
    let scales = pushScales ?? [Double](repeating: 1, count: nodeCount)
    let empty = [NodeID](repeating: 0, count: 1)
    let counts = [Int32](repeating: 0, count: nodeCount)
    return scales.withUnsafeBufferPointer { scales in
      empty.withUnsafeBufferPointer { empty in
        counts.withUnsafeBufferPointer { counts in
          let view = HardNegativeView(
            nodes: empty.baseAddress!, counts: counts.baseAddress!, pushScales: scales.baseAddress!,
            capacity: 0)
          return withGivenNegativesWorker(
            configuration: configuration, nodeCount: nodeCount, hardNegatives: view
          ) { worker in
            padded.withUnsafeMutableBufferPointer { buffer in
              let rows = SharedRows(base: buffer.baseAddress!, dimension: configuration.rowStride)
              let (loss, isFinite) = worker.trainBatch(
                relations: batch, negatives: negatives, hardCount: hardNegatives, rows: rows,
                learningRate: learningRate)
              return isFinite ? loss : nil
            }
          }
        }
      }
    }
  }

  /// Runs `body` with a worker for batches whose negatives are given
  /// (`trainBatch(relations:negatives:hardCount:rows:learningRate:)`), over a table of
  /// `nodeCount` rows padded to `configuration.rowStride`. Such a worker never samples, so its
  /// sampling data are placeholders.
  static func withGivenNegativesWorker<R>(
    configuration: TrainingConfiguration, nodeCount: Int, hardNegatives: HardNegativeView? = nil,
    _ body: (inout TrainingWorker) throws -> R
  ) rethrows -> R {
    let offsets = [Int](repeating: 0, count: nodeCount + 1)
    let uniform = AliasTable(.uniform, counts: [Int](repeating: 1, count: nodeCount))
    return try uniform.withView { distribution in
      try offsets.withUnsafeBufferPointer { offsets in
        var data = TrainingData(
          offsets: offsets, targets: UnsafeBufferPointer(start: nil, count: 0),
          distribution: distribution)
        data.hardNegatives = hardNegatives
        var worker = TrainingWorker(data: data, configuration: configuration)
        return try body(&worker)
      }
    }
  }

  private func checkNegativeCandidates() throws {
    let nodeCount = relations.nodeCount
    for node in 0..<nodeCount {
      let degree = graph.outDegree(node)
      if degree > 0 && nodeCount - degree < configuration.negativeCount {
        throw TrainingError.tooFewNegatives(
          node: relations.vocabulary.name(of: node), available: nodeCount - degree,
          requested: configuration.negativeCount)
      }
    }
  }

  /// One thread: rounds of 8,192 relations (fine-grained stop and progress; nothing else
  /// depends on it). T > 1 threads: each worker trains about nodes / 2T relations between two
  /// merges, at least 256 and at most 2,048 (`TrainingEngine`). Shorter rounds cost more merges
  /// and barriers; longer ones let the workers' views drift apart. Measured on two threads (with
  /// an earlier variant that kept every row in replicas): on the mammal closure (1,180 nodes,
  /// 600 epochs, 30 negatives) MAP 0.964 at 256 a worker, 0.959 at 512 and 0.950 at 1,024 (one
  /// thread 0.965); on the noun closure (learning rate 0.3, 20 epochs) 0.650 at 2,048 and 0.638
  /// at 8,192 (one thread 0.653).
  static func roundLength(configuration: TrainingConfiguration, nodeCount: Int) -> Int {
    let threads = configuration.threadCount
    let perWorker = threads == 1 ? 8_192 : min(2_048, max(256, nodeCount / (2 * threads)))
    let batches = max(1, perWorker / configuration.batchSize)
    return batches * configuration.batchSize * configuration.threadCount
  }
}

/// The hard negatives of a run (`PoincareTrainer.hardNegativeState`): each node's list, in node
/// order, and the training epoch they were found at.
public struct HardNegativeState: Sendable, Equatable {
  public var epoch: Int
  /// List lengths per node; `nodes` holds the lists one after another.
  public var counts: [Int32]
  public var nodes: [NodeID]

  public init(epoch: Int, counts: [Int32], nodes: [NodeID]) {
    self.epoch = epoch
    self.counts = counts
    self.nodes = nodes
  }
}

/// Where a run stands: completed burn-in and training epochs, and the next round of the
/// current epoch.
public struct TrainingPosition: Sendable, Equatable, Codable {
  public var burnInEpochs = 0
  public var epochs = 0
  public var round = 0

  public init(burnInEpochs: Int = 0, epochs: Int = 0, round: Int = 0) {
    self.burnInEpochs = burnInEpochs
    self.epochs = epochs
    self.round = round
  }

  /// Epochs run so far, burn-in first: the index that seeds the epoch's random streams.
  var globalEpoch: Int { burnInEpochs + epochs }
}

/// The first coordinate of each random stream, so that streams never coincide.
enum RandomStream {
  static let initialization: UInt64 = 0
  static let shuffle: UInt64 = 1
  static let sampling: UInt64 = 2
  static let layout: UInt64 = 3
}

extension Duration {
  var seconds: Double {
    let parts = components
    return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
  }
}
