// Goals, in priority order:
// 1. Never NaN: predictions inside the ball by construction (BallOutput), losses and gradients
//    in forms finite everywhere (LinkDistance), every batch's loss and gradient checked before
//    the step, and a diverging run stopped with an error instead of a model.
// 2. Results independent of the thread count: a batch is cut into fixed chunks whose gradients
//    are summed in chunk order, and each chunk's random draws derive from (seed, epoch, batch,
//    chunk); threads only decide who computes which chunk.
// 3. Speed: chunks are contiguous matrices through the dense layers (NetworkWorkspace); no
//    allocation inside the epoch loop.

import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Fits a `LinkModel` with Adam on resolved pairs (`link fit`).
public enum LinkTrainer {
  /// Examples per chunk: the unit of work of a thread and of summation order.
  static let chunkSize = 16
  /// The largest parameter magnitude of a run that has not diverged: inputs are scaled to
  /// O(1), so weights this large only come from steps far too long.
  static let parameterLimit = 1e6

  /// Fits a model mapping `examples`' keys onto their nodes of `embedding`.
  ///
  /// - Parameters:
  ///   - identity: the embedding's identity, recorded in the model.
  ///   - progress: called after every epoch.
  /// - Throws: `ConfigurationError` for invalid options or too few nodes for the negatives;
  ///   `LinkFitError.diverged` when training diverges.
  public static func fit(
    examples: LinkExamples, embedding: KeyedVectors, identity: EmbeddingIdentity,
    options: LinkFitOptions, inputsPath: String, pairsPath: String,
    progress: (LinkEpochReport) -> Void = { _ in }
  ) throws -> LinkModel {
    try options.validate()
    let clock = ContinuousClock()
    let started = clock.now
    let (keyOffsets, keyNodes) = examples.nodesByKey()
    let mostNodes = (0..<examples.keys.count).map { keyOffsets[$0 + 1] - keyOffsets[$0] }.max()!
    if options.loss == .softmax && embedding.count <= mostNodes {
      throw ConfigurationError(
        "the softmax loss needs nodes other than a key's own as negatives; the embedding has "
          + "\(embedding.count) nodes. Use --loss distance")
    }
    let architecture = LinkArchitecture(
      inputDimension: examples.inputDimension, hiddenWidths: options.hiddenWidths,
      activation: options.activation, output: options.output,
      ballDimension: embedding.dimension, epsilon: options.epsilon)
    var model = LinkModel(
      architecture: architecture, parameters: [], inputScaling: options.inputScaling,
      inputMean: [], inputDeviation: [], composition: options.composition, embedding: identity,
      trainingKeys: (0..<examples.count).map { examples.keys[Int(examples.pairKeys[$0])] },
      trainingNodes: (0..<examples.count).map { embedding.key(of: Int(examples.pairNodes[$0])) },
      record: LinkFitRecord(
        options: options, inputsPath: inputsPath, pairsPath: pairsPath, trainingPairCount: 0,
        validationPairCount: 0, epochsRun: 0, bestEpoch: 0, trainingLoss: 0,
        validationLoss: nil, seconds: 0))
    if options.inputScaling == .standardize {
      (model.inputMean, model.inputDeviation) = standardization(
        of: examples.keyInputs, dimension: examples.inputDimension)
    }
    let inputs = model.scaled(examples.keyInputs, count: examples.keys.count)

    // Validation keys: a seeded share of the keys, with all their pairs.
    var keyOrder = Array(0..<examples.keys.count)
    var splitter = RandomSource(seed: options.seed, stream: 1)
    keyOrder.withUnsafeMutableBufferPointer { splitter.shuffle($0) }
    var validationKeyCount = Int((Double(keyOrder.count) * options.validationShare).rounded())
    if options.validationShare > 0 && keyOrder.count >= 2 {
      validationKeyCount = min(max(validationKeyCount, 1), keyOrder.count - 1)
    } else {
      validationKeyCount = 0
    }
    var isValidation = [Bool](repeating: false, count: examples.keys.count)
    for key in keyOrder.prefix(validationKeyCount) { isValidation[key] = true }
    let trainingPairs = (0..<examples.count).filter { !isValidation[Int(examples.pairKeys[$0])] }
    let validationPairs = (0..<examples.count).filter { isValidation[Int(examples.pairKeys[$0])] }

    var initializer = RandomSource(seed: options.seed, stream: 2)
    model.parameters = architecture.initialParameters(random: &initializer)
    var nearOffsets: [Int] = []
    var nearNodes: [Int32] = []
    if options.loss == .softmax && options.nearNegatives > 0 {
      (nearOffsets, nearNodes) = neighbourhoods(
        of: examples.pairNodes, in: embedding, size: options.nearPool,
        threadCount: options.threadCount)
    }
    let needsSearch =
      (options.loss == .softmax && options.predictionNegatives > 0) || options.selection == .mrr
    let context = FitContext(
      architecture: architecture, options: options, inputs: inputs,
      pairKeys: examples.pairKeys, pairNodes: examples.pairNodes, keyOffsets: keyOffsets,
      keyNodes: keyNodes, embedding: embedding.values, nodeCount: embedding.count,
      nearOffsets: nearOffsets, nearNodes: nearNodes,
      search: needsSearch ? NodeSearch(embedding) : nil)
    let validationSet = context.fixedSet(validationPairs, stream: 5)
    // The reference for divergence: the loss of the initial parameters on (up to 4,096) training
    // pairs.
    let referenceSet = context.fixedSet(Array(trainingPairs.prefix(4096)), stream: 6)
    let initialLoss = context.meanLoss(model.parameters, on: referenceSet)

    var optimizer = AdamOptimizer(
      parameterCount: architecture.parameterCount, learningRate: options.learningRate,
      weightDecay: options.weightDecay)
    var best = model.parameters
    var bestLoss = Double.infinity
    var bestMRR = -Double.infinity
    var keptLoss: Double?
    var keptMRR: Double?
    var bestEpoch = 0
    var epochsWithoutGain = 0
    var order = trainingPairs.map { Int32($0) }
    var trainingLoss = initialLoss
    var epochsRun = 0
    let batches = BatchRunner(context: context)
    for epoch in 1...options.epochs {
      let epochStarted = clock.now
      var shuffler = RandomSource(seed: options.seed, stream: 3, UInt64(epoch))
      order.withUnsafeMutableBufferPointer { shuffler.shuffle($0) }
      var lossSum = 0.0
      var batchIndex = 0
      var start = 0
      while start < order.count {
        let end = min(start + options.batchSize, order.count)
        let (loss, gradient) = batches.run(
          order[start..<end], parameters: model.parameters, epoch: epoch, batch: batchIndex)
        guard loss.isFinite, gradient.allSatisfy({ $0.isFinite }) else {
          throw LinkFitError.diverged(
            epoch: epoch, reason: "a loss or gradient was not finite",
            learningRate: options.learningRate)
        }
        optimizer.step(&model.parameters, gradient: gradient)
        // Adam moves each parameter by about the learning rate a step, so a rate far too large
        // shows as parameters that saturate every unit, not as overflow.
        let largest = model.parameters.reduce(0) { max($0, abs($1)) }
        guard largest <= Self.parameterLimit else {
          throw LinkFitError.diverged(
            epoch: epoch,
            reason: "a parameter reached \(largest.isFinite ? "magnitude \(Float(largest))" : "infinity")"
              + " (beyond \(Self.parameterLimit): every unit saturated)",
            learningRate: options.learningRate)
        }
        lossSum += loss * Double(end - start)
        batchIndex += 1
        start = end
      }
      epochsRun = epoch
      trainingLoss = order.isEmpty ? 0 : lossSum / Double(order.count)
      // Negatives from the prediction make the training loss larger than the reference's (whose
      // negatives are uniform) by design: then the reference set itself is measured again.
      let watchedLoss =
        context.search != nil && options.predictionNegatives > 0
        ? context.meanLoss(model.parameters, on: referenceSet) : trainingLoss
      if watchedLoss > 2 * initialLoss + 1 {
        throw LinkFitError.diverged(
          epoch: epoch,
          reason: "the mean loss rose from \(Float(initialLoss)) to \(Float(watchedLoss))",
          learningRate: options.learningRate)
      }
      var validationLoss: Double?
      var validationMRR: Double?
      var isBest = false
      if !validationSet.pairs.isEmpty {
        let loss = context.meanLoss(model.parameters, on: validationSet)
        validationLoss = loss
        if options.selection == .mrr {
          validationMRR = context.meanReciprocalRank(model.parameters, on: validationPairs)
        }
        let improved = validationMRR.map { $0 > bestMRR } ?? (loss < bestLoss)
        if improved {
          if let validationMRR { bestMRR = validationMRR } else { bestLoss = loss }
          keptLoss = loss
          keptMRR = validationMRR
          best = model.parameters
          bestEpoch = epoch
          epochsWithoutGain = 0
          isBest = true
        } else {
          epochsWithoutGain += 1
        }
      } else {
        bestEpoch = epoch
        isBest = true
      }
      let epochSeconds = seconds(clock.now - epochStarted)
      progress(
        LinkEpochReport(
          epoch: epoch, epochCount: options.epochs, trainingLoss: trainingLoss,
          validationLoss: validationLoss, validationMRR: validationMRR, isBest: isBest,
          pairsPerSecond: epochSeconds > 0 ? Double(order.count) / epochSeconds : 0,
          totalSeconds: seconds(clock.now - started)))
      if epochsWithoutGain >= options.patience { break }
    }
    if !validationSet.pairs.isEmpty { model.parameters = best }
    model.record.trainingPairCount = trainingPairs.count
    model.record.validationPairCount = validationPairs.count
    model.record.epochsRun = epochsRun
    model.record.bestEpoch = bestEpoch
    model.record.trainingLoss = trainingLoss
    model.record.validationLoss = keptLoss
    model.record.validationMRR = keptMRR
    model.record.seconds = seconds(clock.now - started)
    return model
  }

  /// Per pair: the `size` nodes nearest its node (itself included), computed once per distinct
  /// node, as offsets into a flat list.
  static func neighbourhoods(
    of nodes: [Int32], in embedding: KeyedVectors, size: Int, threadCount: Int
  ) -> ([Int], [Int32]) {
    let distinct = Array(Set(nodes)).sorted()
    let d = embedding.dimension
    var points: [Double] = []
    points.reserveCapacity(distinct.count * d)
    for node in distinct {
      points.append(contentsOf: embedding.values[(Int(node) * d)..<((Int(node) + 1) * d)])
    }
    let lists = embedding.nearest(
      toPoints: points, count: min(size, embedding.count), threadCount: threadCount)
    var position = [Int32: Int](minimumCapacity: distinct.count)
    for (index, node) in distinct.enumerated() { position[node] = index }
    var offsets = [0]
    var flat: [Int32] = []
    for node in nodes {
      flat.append(contentsOf: lists[position[node]!].map { Int32($0.index) })
      offsets.append(flat.count)
    }
    return (offsets, flat)
  }

  /// Per-coordinate mean and deviation of `count × dimension` rows; a constant coordinate gets
  /// deviation 1, and one whose squares overflow its largest deviation.
  static func standardization(of rows: [Double], dimension: Int) -> ([Double], [Double]) {
    let count = rows.count / dimension
    var mean = [Double](repeating: 0, count: dimension)
    var deviation = [Double](repeating: 1, count: dimension)
    guard count > 0 else { return (mean, deviation) }
    for index in 0..<dimension {
      var sum = 0.0
      for row in 0..<count { sum += rows[row * dimension + index] / Double(count) }
      mean[index] = sum.isFinite ? sum : 0
      var squares = 0.0
      var largest = 0.0
      for row in 0..<count {
        let difference = rows[row * dimension + index] - mean[index]
        squares += difference * difference / Double(count)
        largest = max(largest, abs(difference))
      }
      let value = squares.isFinite ? squares.squareRoot() : largest
      deviation[index] = value > 0 && value.isFinite ? value : 1
    }
    return (mean, deviation)
  }

  static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }
}

/// Pairs with fixed negatives, for losses that must compare across epochs (validation, the
/// divergence reference).
struct FixedPairs {
  var pairs: [Int32]
  /// `pairs.count × negatives` node rows (empty for the distance loss).
  var negatives: [Int32]
}

/// What every part of one fit reads: the scaled inputs, the pairs, the embedding.
struct FitContext: @unchecked Sendable {
  // @unchecked Sendable: arrays of values, only read while workers run.
  let architecture: LinkArchitecture
  let options: LinkFitOptions
  /// `keys × inputDimension` scaled inputs.
  let inputs: [Double]
  let pairKeys: [Int32]
  let pairNodes: [Int32]
  let keyOffsets: [Int]
  let keyNodes: [Int32]
  /// The embedding's rows.
  let embedding: [Double]
  let nodeCount: Int
  /// Per pair: its node's neighbourhood (`nearNodes[nearOffsets[p]..<nearOffsets[p + 1]]`), for
  /// near negatives; empty without them.
  var nearOffsets: [Int] = []
  var nearNodes: [Int32] = []
  /// The embedding's nodes for searches from predictions (prediction negatives, selection by
  /// MRR); nil when neither is asked for.
  var search: NodeSearch?

  var negativeCount: Int { options.loss == .softmax ? options.negatives : 0 }

  /// The nodes of `pair`'s key.
  func ownNodes(of pair: Int) -> ArraySlice<Int32> {
    let key = Int(pairKeys[pair])
    return keyNodes[keyOffsets[key]..<keyOffsets[key + 1]]
  }

  /// Draws the negatives of `pair` into `out`, never one of the pair's key's nodes: first the
  /// `predictionNegatives` nodes nearest `point` (the pair's current prediction; `keys` is
  /// scratch for one key per node), then `nearNegatives` from the target's neighbourhood, then
  /// uniform nodes (repeats allowed). Without a point (fixed sets), the prediction's share is
  /// drawn uniformly too.
  func drawNegatives(
    for pair: Int, into out: UnsafeMutablePointer<Int32>, random: inout RandomSource,
    point: UnsafePointer<Double>? = nil, keys: UnsafeMutablePointer<Double>? = nil
  ) {
    let own = ownNodes(of: pair)
    var filled = 0
    if let point, let keys, let search, options.predictionNegatives > 0 {
      filled = search.nearest(
        to: point, count: options.predictionNegatives, excluding: own, keys: keys, into: out)
    }
    var near = filled
    if !nearOffsets.isEmpty {
      let pool = nearNodes[nearOffsets[pair]..<nearOffsets[pair + 1]]
      // A neighbourhood made only of the key's own nodes gives no near negatives.
      if pool.contains(where: { !own.contains($0) }) {
        near = filled + options.nearNegatives
        for index in filled..<near {
          var node: Int32
          repeat {
            node = pool[pool.startIndex + random.bounded(pool.count)]
          } while own.contains(node)
          out[index] = node
        }
      }
    }
    for index in near..<negativeCount {
      var node: Int32
      repeat {
        node = Int32(random.bounded(nodeCount))
      } while own.contains(node)
      out[index] = node
    }
  }

  func fixedSet(_ pairs: [Int], stream: UInt64) -> FixedPairs {
    var random = RandomSource(seed: options.seed, stream: stream)
    var negatives = [Int32](repeating: 0, count: pairs.count * negativeCount)
    negatives.withUnsafeMutableBufferPointer { buffer in
      for (position, pair) in pairs.enumerated() {
        drawNegatives(
          for: pair, into: buffer.baseAddress! + position * negativeCount, random: &random)
      }
    }
    return FixedPairs(pairs: pairs.map(Int32.init), negatives: negatives)
  }

  /// The mean loss of `parameters` on a fixed set.
  func meanLoss(_ parameters: [Double], on set: FixedPairs) -> Double {
    guard !set.pairs.isEmpty else { return 0 }
    let chunk = LinkTrainer.chunkSize * 16
    let workspace = NetworkWorkspace(architecture: architecture, capacity: chunk)
    let n = architecture.inputDimension
    var rows = [Double](repeating: 0, count: chunk * n)
    var sum = 0.0
    var start = 0
    while start < set.pairs.count {
      let end = min(start + chunk, set.pairs.count)
      rows.withUnsafeMutableBufferPointer { rows in
        parameters.withUnsafeBufferPointer { parameters in
          set.negatives.withUnsafeBufferPointer { negatives in
            gather(set.pairs[start..<end], into: rows.baseAddress!)
            workspace.forward(
              parameters: parameters.baseAddress!, inputs: rows.baseAddress!, count: end - start)
            sum += loss(
              pairs: set.pairs[start..<end],
              negatives: negatives.baseAddress.map { $0 + start * negativeCount },
              workspace: workspace, weight: 0)
          }
        }
      }
      start = end
    }
    return sum / Double(set.pairs.count)
  }

  /// The mean reciprocal rank of `pairs`' nodes among all nodes from the predictions of
  /// `parameters` (as `link eval` ranks: the key's other nodes left out).
  func meanReciprocalRank(_ parameters: [Double], on pairs: [Int]) -> Double {
    guard let search, !pairs.isEmpty else { return 0 }
    let n = architecture.inputDimension
    var rows = [Double](repeating: 0, count: pairs.count * n)
    rows.withUnsafeMutableBufferPointer { rows in
      gather(pairs.map(Int32.init)[...], into: rows.baseAddress!)
    }
    let points = LinkModel.predict(
      architecture: architecture, parameters: parameters, scaledInputs: rows, count: pairs.count,
      threadCount: options.threadCount)
    let queries = pairs.map { NodeQuery(target: pairNodes[$0], excluded: ownNodes(of: $0)) }
    let results = search.search(
      points: points, queries: queries, nearestCount: 0, threadCount: options.threadCount)
    return results.reduce(0) { $0 + 1 / Double($1.rank) } / Double(pairs.count)
  }

  /// Copies the scaled inputs of `pairs`' keys into consecutive rows.
  func gather(_ pairs: ArraySlice<Int32>, into rows: UnsafeMutablePointer<Double>) {
    let n = architecture.inputDimension
    inputs.withUnsafeBufferPointer { inputs in
      for (position, pair) in pairs.enumerated() {
        let key = Int(pairKeys[Int(pair)])
        (rows + position * n).update(from: inputs.baseAddress! + key * n, count: n)
      }
    }
  }

  /// The summed loss of `pairs`, whose points `workspace` holds; with `weight` > 0, also writes
  /// `weight · ∂loss/∂v` per point into `workspace.pointGradients`.
  func loss(
    pairs: ArraySlice<Int32>, negatives: UnsafePointer<Int32>?, workspace: NetworkWorkspace,
    weight: Double
  ) -> Double {
    let d = architecture.ballDimension
    let k = negativeCount
    var total = 0.0
    embedding.withUnsafeBufferPointer { embedding in
      let rows = embedding.baseAddress!
      withUnsafeTemporaryAllocation(of: LinkDistance.Term.self, capacity: k + 1) { terms in
        for (position, pair) in pairs.enumerated() {
          let v = UnsafePointer(workspace.points + position * d)
          let gradient = workspace.pointGradients + position * d
          if weight > 0 { gradient.update(repeating: 0, count: d) }
          let target = rows + Int(pairNodes[Int(pair)]) * d
          let positive = LinkDistance.term(v, target, dimension: d)
          if k == 0 {
            total += positive.smooth
            if weight > 0 {
              LinkDistance.accumulate(
                positive, weight: weight, v: v, u: target, into: gradient, dimension: d)
            }
            continue
          }
          // −log softmax(−ρ) of the target over it and its negatives, shifted by the least ρ.
          terms[0] = positive
          var least = positive.smooth
          for j in 0..<k {
            let u = rows + Int(negatives![position * k + j]) * d
            terms[j + 1] = LinkDistance.term(v, u, dimension: d)
            least = min(least, terms[j + 1].smooth)
          }
          var partition = 0.0
          for j in 0...k { partition += exp(-(terms[j].smooth - least)) }
          total += positive.smooth - least + log(partition)
          if weight > 0 {
            for j in 0...k {
              let probability = exp(-(terms[j].smooth - least)) / partition
              let u = j == 0 ? target : rows + Int(negatives![position * k + j - 1]) * d
              LinkDistance.accumulate(
                terms[j], weight: weight * ((j == 0 ? 1 : 0) - probability), v: v, u: u,
                into: gradient, dimension: d)
            }
          }
        }
      }
    }
    return total
  }
}

/// Runs the batches of one fit: per chunk of a batch a workspace, a gradient, input rows and
/// negatives, allocated once.
final class BatchRunner {
  let context: FitContext
  let chunkCount: Int
  private let views: ChunkViews

  init(context: FitContext) {
    self.context = context
    let chunkSize = LinkTrainer.chunkSize
    chunkCount = (context.options.batchSize + chunkSize - 1) / chunkSize
    let architecture = context.architecture
    views = ChunkViews(
      workspaces: (0..<chunkCount).map { _ in
        NetworkWorkspace(architecture: architecture, capacity: chunkSize)
      },
      parameterCount: architecture.parameterCount,
      rowLength: chunkSize * architecture.inputDimension,
      negativeLength: chunkSize * context.negativeCount,
      keyLength: context.options.predictionNegatives > 0 ? context.nodeCount : 0,
      chunkCount: chunkCount)
  }

  deinit { views.deallocate() }

  /// The mean loss of the batch `pairs` and its gradient, summed over chunks in order.
  func run(_ pairs: ArraySlice<Int32>, parameters: [Double], epoch: Int, batch: Int)
    -> (Double, [Double])
  {
    let chunkSize = LinkTrainer.chunkSize
    let chunks = (pairs.count + chunkSize - 1) / chunkSize
    let weight = 1 / Double(pairs.count)
    let context = self.context
    let views = self.views
    let batchPairs = Array(pairs)
    parameters.withUnsafeBufferPointer { parameterBuffer in
      let shared = UnsafeSendableBuffer(buffer: parameterBuffer)
      let work: @Sendable (Int) -> Void = { chunk in
        let start = chunk * chunkSize
        let end = min(start + chunkSize, batchPairs.count)
        let slice = batchPairs[start..<end]
        let rows = views.rows(chunk)
        let negatives = views.negatives(chunk)
        context.gather(slice, into: rows)
        let workspace = views.workspaces[chunk]
        let parameters = shared.buffer.baseAddress!
        workspace.forward(parameters: parameters, inputs: rows, count: slice.count)
        var random = RandomSource(
          seed: context.options.seed, stream: 4, UInt64(epoch), UInt64(batch), UInt64(chunk))
        let d = context.architecture.ballDimension
        for (position, pair) in slice.enumerated() {
          context.drawNegatives(
            for: Int(pair), into: negatives + position * context.negativeCount, random: &random,
            point: workspace.points + position * d, keys: views.keys(chunk))
        }
        views.losses[chunk] = context.loss(
          pairs: slice, negatives: negatives, workspace: workspace, weight: weight)
        let gradient = views.gradient(chunk)
        gradient.update(repeating: 0, count: views.parameterCount)
        workspace.backward(
          parameters: parameters, inputs: rows, count: slice.count, gradient: gradient)
      }
      let threads = min(context.options.threadCount, chunks)
      if threads <= 1 {
        for chunk in 0..<chunks { work(chunk) }
      } else {
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
          for chunk in stride(from: worker, to: chunks, by: threads) { work(chunk) }
        }
      }
    }
    var gradient = [Double](repeating: 0, count: views.parameterCount)
    var loss = 0.0
    gradient.withUnsafeMutableBufferPointer { total in
      for chunk in 0..<chunks {
        VectorKernels.addScaled(
          1, views.gradient(chunk), to: total.baseAddress!, count: views.parameterCount)
        loss += views.losses[chunk]
      }
    }
    return (loss * weight, gradient)
  }
}

/// The per-chunk buffers of a batch, seen by every worker: chunk c's buffers are used by the one
/// worker computing chunk c, so no two threads touch the same memory.
private struct ChunkViews: @unchecked Sendable {
  let workspaces: [NetworkWorkspace]
  let parameterCount: Int
  let rowLength: Int
  let negativeLength: Int
  private let gradients: UnsafeMutablePointer<Double>
  private let inputRows: UnsafeMutablePointer<Double>
  private let negativeRows: UnsafeMutablePointer<Int32>
  /// Per chunk, one search key per node (prediction negatives), or nothing.
  let keyLength: Int
  private let keyRows: UnsafeMutablePointer<Double>
  let losses: UnsafeMutablePointer<Double>

  init(
    workspaces: [NetworkWorkspace], parameterCount: Int, rowLength: Int, negativeLength: Int,
    keyLength: Int, chunkCount: Int
  ) {
    self.workspaces = workspaces
    self.parameterCount = parameterCount
    self.rowLength = rowLength
    self.negativeLength = negativeLength
    gradients = .allocate(capacity: chunkCount * parameterCount)
    gradients.initialize(repeating: 0, count: chunkCount * parameterCount)
    inputRows = .allocate(capacity: max(1, chunkCount * rowLength))
    inputRows.initialize(repeating: 0, count: max(1, chunkCount * rowLength))
    negativeRows = .allocate(capacity: max(1, chunkCount * negativeLength))
    negativeRows.initialize(repeating: 0, count: max(1, chunkCount * negativeLength))
    self.keyLength = keyLength
    keyRows = .allocate(capacity: max(1, chunkCount * keyLength))
    keyRows.initialize(repeating: 0, count: max(1, chunkCount * keyLength))
    losses = .allocate(capacity: chunkCount)
    losses.initialize(repeating: 0, count: chunkCount)
  }

  func gradient(_ chunk: Int) -> UnsafeMutablePointer<Double> {
    gradients + chunk * parameterCount
  }

  func rows(_ chunk: Int) -> UnsafeMutablePointer<Double> { inputRows + chunk * rowLength }

  func negatives(_ chunk: Int) -> UnsafeMutablePointer<Int32> {
    negativeRows + chunk * negativeLength
  }

  func keys(_ chunk: Int) -> UnsafeMutablePointer<Double> { keyRows + chunk * keyLength }

  /// Frees the buffers; called once by the owner.
  func deallocate() {
    gradients.deallocate()
    inputRows.deallocate()
    negativeRows.deallocate()
    keyRows.deallocate()
    losses.deallocate()
  }
}
