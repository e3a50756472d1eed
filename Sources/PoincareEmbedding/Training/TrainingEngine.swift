import Dispatch

/// Runs rounds of training on one or several threads.
///
/// One thread trains the table directly. With T > 1 threads, worker 0 trains the table and
/// worker t its own replica; all start a round equal to a snapshot `base`. After the round the
/// replicas' changes are summed into the table (`table + Σ (replicaₜ − base)`, then gensim's
/// projection), and every copy is reset to the result. No row is written by two threads during
/// a round, so cores never fight over cache lines, and the result for a given seed and thread
/// count is deterministic.
struct TrainingEngine: ~Copyable {
  let threadCount: Int
  /// Values per stored row (`TrainingConfiguration.rowStride`).
  let dimension: Int
  /// The model's dimension (rows hold x₀ first in the Lorentz model).
  let modelDimension: Int
  let model: EmbeddingModel
  let maximumTime: Double
  let epsilon: Double
  let keepsDirection: Bool
  let batchSize: Int
  /// The negative distributions of the two phases.
  let trainingNegatives: AliasView
  let burnInNegatives: AliasView
  private let workers: UnsafeMutablePointer<TrainingWorker>
  /// Replicas 1..<T followed by the round's starting snapshot; empty for one thread.
  private let copies: UnsafeMutablePointer<Double>?
  private var copiesAreCurrent = false
  private let elementCount: Int

  init(
    data: TrainingData, configuration: TrainingConfiguration, trainingNegatives: AliasView,
    burnInNegatives: AliasView
  ) {
    self.trainingNegatives = trainingNegatives
    self.burnInNegatives = burnInNegatives
    threadCount = configuration.threadCount
    dimension = configuration.rowStride
    model = configuration.model
    modelDimension = configuration.dimension
    maximumTime = LorentzModel.maximumTime(epsilon: configuration.epsilon)
    epsilon = configuration.epsilon
    keepsDirection = configuration.projection == .rescale
    batchSize = configuration.batchSize
    workers = .allocate(capacity: threadCount)
    for index in 0..<threadCount {
      (workers + index).initialize(to: TrainingWorker(data: data, configuration: configuration))
    }
    elementCount = (data.offsets.count - 1) * configuration.rowStride
    copies = threadCount > 1 ? .allocate(capacity: threadCount * elementCount) : nil
  }

  deinit {
    workers.deinitialize(count: threadCount)
    workers.deallocate()
    copies?.deallocate()
  }

  /// Trains on the relations of one round (interleaved pairs) and returns the summed totals of
  /// all workers.
  mutating func trainRound(
    _ round: UnsafeBufferPointer<NodeID>, table: inout [Double], learningRate: Double,
    distribution: AliasView, seed: UInt64, epoch: Int, round roundIndex: Int
  ) -> BatchTotals {
    if threadCount == 1 {
      var random = RandomSource(
        seed: seed, stream: RandomStream.sampling, UInt64(epoch), UInt64(roundIndex), 0)
      var totals = BatchTotals()
      table.withUnsafeMutableBufferPointer { buffer in
        let rows = SharedRows(base: buffer.baseAddress!, dimension: dimension)
        workers[0].train(
          pairs: round, rows: rows, learningRate: learningRate, distribution: distribution,
          random: &random, totals: &totals, shouldStop: { false })
      }
      return totals
    }
    return table.withUnsafeMutableBufferPointer { buffer in
      let main = buffer.baseAddress!
      if !copiesAreCurrent {
        for copy in 0..<threadCount { (copies! + copy * elementCount).update(from: main, count: elementCount) }
        copiesAreCurrent = true
      }
      let shared = SharedEngineState(
        workers: workers, main: main, copies: copies!, elementCount: elementCount,
        dimension: dimension, threadCount: threadCount)
      let totals = UnsafeMutablePointer<BatchTotals>.allocate(capacity: threadCount)
      totals.initialize(repeating: BatchTotals(), count: threadCount)
      defer { totals.deallocate() }
      let totalsView = UnsafeSendablePointer(pointer: totals)
      // Each worker's share is a whole number of batches.
      let relationCount = round.count / 2
      let batches = (relationCount + batchSize - 1) / batchSize
      let batchSize = self.batchSize
      let threadCount = self.threadCount
      let pairs = UnsafeSendableBuffer(buffer: round)
      DispatchQueue.concurrentPerform(iterations: threadCount) { worker in
        let start = min(batches * worker / threadCount * batchSize, relationCount)
        let end = min(batches * (worker + 1) / threadCount * batchSize, relationCount)
        var random = RandomSource(
          seed: seed, stream: RandomStream.sampling, UInt64(epoch), UInt64(roundIndex),
          UInt64(worker))
        shared.workers[worker].train(
          pairs: UnsafeBufferPointer(rebasing: pairs.buffer[(2 * start)..<(2 * end)]),
          rows: shared.rows(of: worker), learningRate: learningRate, distribution: distribution,
          random: &random, totals: &totalsView.pointer[worker], shouldStop: { false })
      }
      let epsilon = self.epsilon
      let keepsDirection = self.keepsDirection
      let model = self.model
      let maximumTime = self.maximumTime
      let modelDimension = self.modelDimension
      DispatchQueue.concurrentPerform(iterations: threadCount) { worker in
        shared.merge(part: worker) { row in
          if model == .poincare {
            PoincareBall.project(
              row, dimension: shared.dimension, epsilon: epsilon, keepsDirection: keepsDirection)
          } else {
            LorentzModel.normalize(row, dimension: modelDimension, maximumTime: maximumTime)
          }
        }
      }
      var sum = BatchTotals()
      for worker in 0..<threadCount {
        sum.loss += totals[worker].loss
        sum.batches += totals[worker].batches
        sum.relations += totals[worker].relations
        sum.sawNonFiniteValue = sum.sawNonFiniteValue || totals[worker].sawNonFiniteValue
      }
      return sum
    }
  }
}

/// The tables of a multi-threaded round, seen by every worker.
private struct SharedEngineState: @unchecked Sendable {
  let workers: UnsafeMutablePointer<TrainingWorker>
  let main: UnsafeMutablePointer<Double>
  let copies: UnsafeMutablePointer<Double>
  let elementCount: Int
  let dimension: Int
  let threadCount: Int

  /// Worker 0 trains the main table, worker t > 0 replica t.
  func rows(of worker: Int) -> SharedRows {
    SharedRows(
      base: worker == 0 ? main : copies + (worker - 1) * elementCount, dimension: dimension)
  }

  var base: UnsafeMutablePointer<Double> { copies + (threadCount - 1) * elementCount }

  /// Sums the replicas' changes into the main table for rows of one part, puts each row back
  /// on its manifold with `restore`, and resets every copy to the result.
  func merge(part: Int, restore: (UnsafeMutablePointer<Double>) -> Void) {
    let rowCount = elementCount / dimension
    let firstRow = rowCount * part / threadCount
    let lastRow = rowCount * (part + 1) / threadCount
    let base = self.base
    for row in firstRow..<lastRow {
      let offset = row * dimension
      for replica in 1..<threadCount {
        let copy = copies + (replica - 1) * elementCount + offset
        for index in 0..<dimension {
          main[offset + index] += copy[index] - base[offset + index]
        }
      }
      restore(main + offset)
      for copy in 0..<threadCount {
        (copies + copy * elementCount + offset).update(from: main + offset, count: dimension)
      }
    }
  }
}

struct UnsafeSendablePointer<T>: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<T>
}

struct UnsafeSendableBuffer<T>: @unchecked Sendable {
  let buffer: UnsafeBufferPointer<T>
}
