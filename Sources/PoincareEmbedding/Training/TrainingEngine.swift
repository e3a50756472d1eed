// Goals, in priority order:
// 1. One thread: exactly the sequential algorithm (bit for bit what it always was).
// 2. Several threads: the same quality as one at the same epochs, deterministic for a seed and
//    thread count, with no locks and no allocation in the hot loop.
// 3. Speed: no row is written by two cores (two threads doing random read-modify-writes on one
//    shared table each ran ~4.4x slower per update on this hardware, while disjoint writers and
//    shared readers scale), and the work at a round's end is proportional to the rows the round
//    changed, not to the table.

/// Runs rounds of training on one or several threads.
///
/// One thread trains the table directly. With T > 1 threads the nodes are split into T ranges of
/// consecutive indices with about equal numbers of relations (by child), and worker t owns the
/// rows of range t. A round's relations go, in order, to the owner of their child, so a child's
/// row is trained by one worker only and is as fresh as with one thread. Each worker reads the
/// table in a view of its own (worker 0's is the table itself), which holds its own rows as
/// they are, its own copies of the hot rows (those expected to be updated at least twice a
/// round: the upper levels as parents, frequent negatives), and every other row as the round
/// started. A worker writes its own rows and its hot copies in place, so it sees its own
/// updates of them as one thread would; its updates of the other rows (Δ rows, or velocities on
/// the hyperboloid) go to its outbox, in order, for their owners.
///
/// At the round's end (one barrier) each owner applies to its rows the updates the other
/// workers sent, worker by worker in the order made, each followed by gensim's clip into the
/// ball (or the hyperboloid's step); adds the changes the other workers made to their copies of
/// its hot rows (the mean rather than the sum when several workers updated a row heavily); and
/// copies every row of its range that changed into the other views. Only changed rows are
/// visited. Every step has a fixed order, so the result depends only on the seed and the thread
/// count; nothing is locked, and no row is written by two threads.
struct TrainingEngine: ~Copyable {
  let threadCount: Int
  /// Values per stored row (`TrainingConfiguration.rowStride`).
  let dimension: Int
  /// The negative distributions of the two phases.
  let trainingNegatives: AliasView
  let burnInNegatives: AliasView
  private let workers: PerWorker<TrainingWorker>
  /// Several threads: everything the members of a round share.
  private let rounds: RoundState?
  private let team: ThreadTeam?
  private var copiesAreCurrent = false

  init(
    data: TrainingData, configuration: TrainingConfiguration, trainingNegatives: AliasView,
    burnInNegatives: AliasView
  ) {
    self.trainingNegatives = trainingNegatives
    self.burnInNegatives = burnInNegatives
    dimension = configuration.rowStride
    let team = configuration.threadCount > 1 ? ThreadTeam(size: configuration.threadCount) : nil
    threadCount = team?.size ?? 1
    self.team = team
    workers = PerWorker(count: threadCount)
    for index in 0..<threadCount {
      workers[index].initialize(to: TrainingWorker(data: data, configuration: configuration))
    }
    rounds =
      threadCount > 1
      ? RoundState(
        workers: workers, threadCount: threadCount, data: data, configuration: configuration,
        negatives: [trainingNegatives, burnInNegatives])
      : nil
  }

  deinit {
    rounds?.deallocate()
    for index in 0..<threadCount { workers[index].deinitialize(count: 1) }
    workers.deallocate()
  }

  /// Trains on the relations of one round (interleaved pairs) and returns the summed totals of
  /// all workers.
  mutating func trainRound(
    _ round: UnsafeBufferPointer<NodeID>, table: inout [Double], learningRate: Double,
    distribution: AliasView, seed: UInt64, epoch: Int, round roundIndex: Int
  ) -> BatchTotals {
    guard let rounds, let team else {
      var random = RandomSource(
        seed: seed, stream: RandomStream.sampling, UInt64(epoch), UInt64(roundIndex), 0)
      var totals = BatchTotals()
      table.withUnsafeMutableBufferPointer { buffer in
        let rows = SharedRows(base: buffer.baseAddress!, dimension: dimension)
        workers[0].pointee.train(
          pairs: round, rows: rows, learningRate: learningRate, distribution: distribution,
          random: &random, totals: &totals, shouldStop: { false })
      }
      return totals
    }
    return table.withUnsafeMutableBufferPointer { buffer in
      let live = buffer.baseAddress!
      if !copiesAreCurrent {
        rounds.copyTable(from: live)
        copiesAreCurrent = true
      }
      let pairs = UnsafeSendableBuffer(buffer: round)
      team.run { member in
        rounds.gather(member, from: pairs.buffer)
        var random = RandomSource(
          seed: seed, stream: RandomStream.sampling, UInt64(epoch), UInt64(roundIndex),
          UInt64(member))
        rounds.train(
          member, live: live, learningRate: learningRate, distribution: distribution,
          random: &random)
        team.barrier()
        rounds.receive(member, live: live)
        rounds.mergeHotRows(member, live: live)
        rounds.publish(member, live: live)
      }
      var sum = BatchTotals()
      for member in 0..<threadCount {
        let totals = rounds.totals[member].pointee
        sum.loss += totals.loss
        sum.batches += totals.batches
        sum.relations += totals.relations
        sum.sawNonFiniteValue = sum.sawNonFiniteValue || totals.sawNonFiniteValue
      }
      return sum
    }
  }
}

extension TrainingEngine {
  /// The first node of each part and the node count: parts of consecutive nodes with about
  /// `total / parts` relations each (`offsets` is the prefix sum of out-degrees); each boundary
  /// is the one nearest its even share.
  static func ownershipStarts(offsets: UnsafeBufferPointer<Int>, parts: Int) -> [Int] {
    let nodeCount = offsets.count - 1
    let total = offsets[nodeCount]
    var starts = [0]
    var node = 0
    for part in 1..<parts {
      let target = total * part / parts
      while node < nodeCount && offsets[node] < target { node += 1 }
      var start = node
      if start > starts[part - 1] && target - offsets[start - 1] < offsets[start] - target {
        start -= 1
      }
      starts.append(max(start, starts[part - 1]))
    }
    starts.append(nodeCount)
    return starts
  }
}

/// What the members of a round with several threads share: the ownership ranges, the workers'
/// views of the table, the hot rows, and per worker its log, relations and totals. Allocated
/// once per training run.
private struct RoundState: @unchecked Sendable {
  let workers: PerWorker<TrainingWorker>
  let threadCount: Int
  let nodeCount: Int
  /// Values per stored row.
  let rowLength: Int
  /// The model's dimension (rows hold x₀ first in the Lorentz model).
  let modelDimension: Int
  let model: EmbeddingModel
  let maximumTime: Double
  let epsilon: Double
  let keepsDirection: Bool
  /// Updates a relation sends at most (its parent and negatives).
  let slots: Int
  /// Worker t owns the rows starts[t] ..< starts[t + 1], and the hot slots
  /// hotStarts[t] ..< hotStarts[t + 1].
  let starts: UnsafeMutablePointer<Int>
  let hotStarts: UnsafeMutablePointer<Int>
  /// Views 1..<T of the table (view 0 is the table itself), one per worker: its own rows are
  /// current, its copies of the hot rows are its own, and every other row is as the round
  /// started.
  let views: UnsafeMutablePointer<Double>
  /// Per node its hot slot or −1; the same membership as one bit per node (`hotBits`, 1/32 of
  /// the size: the hot loop tests it for every update, `hotSlots` only for hot rows); per slot
  /// its node, ascending.
  let hotSlots: UnsafeMutablePointer<Int32>
  let hotBits: UnsafeMutablePointer<UInt64>
  let hotNodes: UnsafeMutablePointer<NodeID>
  let hotCount: Int
  /// The hot rows as the round started (`hotCount` rows).
  let hotStart: UnsafeMutablePointer<Double>
  let logs: PerWorker<RoundLog>
  /// Per worker: its relations of the round (interleaved pairs), their count and the capacity.
  let shares: UnsafeMutablePointer<UnsafeMutablePointer<NodeID>>
  let shareCounts: UnsafeMutablePointer<Int>
  let shareCapacities: UnsafeMutablePointer<Int>
  let totals: PerWorker<BatchTotals>

  init(
    workers: PerWorker<TrainingWorker>, threadCount: Int, data: TrainingData,
    configuration: TrainingConfiguration, negatives: [AliasView]
  ) {
    self.workers = workers
    self.threadCount = threadCount
    rowLength = configuration.rowStride
    modelDimension = configuration.dimension
    model = configuration.model
    maximumTime = LorentzModel.maximumTime(epsilon: configuration.epsilon)
    epsilon = configuration.epsilon
    keepsDirection = configuration.projection == .rescale
    slots = 1 + configuration.negativeCount
    nodeCount = data.offsets.count - 1
    starts = .allocate(capacity: threadCount + 1)
    let bounds = TrainingEngine.ownershipStarts(offsets: data.offsets, parts: threadCount)
    starts.initialize(from: bounds, count: bounds.count)
    views = .allocate(capacity: max((threadCount - 1) * nodeCount * rowLength, 1))

    let hot = TrainingEngine.hotNodes(
      data: data, configuration: configuration, negatives: negatives)
    hotCount = hot.count
    hotNodes = .allocate(capacity: max(hotCount, 1))
    hotNodes.initialize(from: hot, count: hotCount)
    hotSlots = .allocate(capacity: nodeCount)
    hotSlots.initialize(repeating: -1, count: nodeCount)
    hotBits = .allocate(capacity: (nodeCount + 63) / 64)
    hotBits.initialize(repeating: 0, count: (nodeCount + 63) / 64)
    for (slot, node) in hot.enumerated() {
      hotSlots[Int(node)] = Int32(slot)
      hotBits[Int(node) >> 6] |= 1 << UInt64(Int(node) & 63)
    }
    hotStarts = .allocate(capacity: threadCount + 1)
    for part in 0...threadCount {
      (hotStarts + part).initialize(to: hot.firstIndex { Int($0) >= bounds[part] } ?? hot.count)
    }
    hotStart = .allocate(capacity: max(hotCount * rowLength, 1))

    logs = PerWorker(count: threadCount)
    for member in 0..<threadCount {
      logs[member].initialize(
        to: RoundLog(rowLength: rowLength, nodeCount: nodeCount, hotCount: hotCount))
    }
    shares = .allocate(capacity: threadCount)
    for member in 0..<threadCount { (shares + member).initialize(to: .allocate(capacity: 0)) }
    shareCounts = .allocate(capacity: threadCount)
    shareCounts.initialize(repeating: 0, count: threadCount)
    shareCapacities = .allocate(capacity: threadCount)
    shareCapacities.initialize(repeating: 0, count: threadCount)
    totals = PerWorker(count: threadCount)
    for member in 0..<threadCount { totals[member].initialize(to: BatchTotals()) }
  }

  func deallocate() {
    for member in 0..<threadCount { shares[member].deallocate() }
    shares.deallocate()
    shareCounts.deallocate()
    shareCapacities.deallocate()
    totals.deallocate()
    for member in 0..<threadCount { logs[member].deinitialize(count: 1) }
    logs.deallocate()
    hotStart.deallocate()
    hotStarts.deallocate()
    hotSlots.deallocate()
    hotBits.deallocate()
    hotNodes.deallocate()
    views.deallocate()
    starts.deallocate()
  }

  @inline(__always)
  func owns(_ member: Int, _ node: NodeID) -> Bool {
    UInt(bitPattern: Int(node) &- starts[member]) < UInt(starts[member + 1] - starts[member])
  }

  /// Worker `member`'s view of the table.
  func view(_ member: Int, live: UnsafeMutablePointer<Double>) -> UnsafeMutablePointer<Double> {
    member == 0 ? live : views + (member - 1) * nodeCount * rowLength
  }

  /// Makes every view, and the hot rows' start, equal to the table.
  func copyTable(from live: UnsafeMutablePointer<Double>) {
    for member in 1..<threadCount {
      view(member, live: live).update(from: live, count: nodeCount * rowLength)
    }
    for slot in 0..<hotCount {
      (hotStart + slot * rowLength).update(
        from: live + Int(hotNodes[slot]) * rowLength, count: rowLength)
    }
  }

  /// The rows as worker `member` sees them.
  func rows(of member: Int, live: UnsafeMutablePointer<Double>) -> SharedRows {
    var rows = SharedRows(base: view(member, live: live), dimension: rowLength)
    rows.ownedStart = starts[member]
    rows.ownedCount = UInt(starts[member + 1] - starts[member])
    rows.hotSlots = UnsafePointer(hotSlots)
    rows.hotBits = UnsafePointer(hotBits)
    rows.log = logs[member]
    return rows
  }

  /// Copies the relations of the round whose child `member` owns into its share, in order.
  func gather(_ member: Int, from round: UnsafeBufferPointer<NodeID>) {
    if shareCapacities[member] < round.count {
      shares[member].deallocate()
      shares[member] = .allocate(capacity: round.count)
      shareCapacities[member] = round.count
    }
    let share = shares[member]
    var count = 0
    for index in stride(from: 0, to: round.count, by: 2) where owns(member, round[index]) {
      share[count] = round[index]
      share[count + 1] = round[index + 1]
      count += 2
    }
    shareCounts[member] = count
  }

  /// Trains `member`'s share of the round.
  func train(
    _ member: Int, live: UnsafeMutablePointer<Double>, learningRate: Double,
    distribution: AliasView, random: inout RandomSource
  ) {
    logs[member].pointee.startRound(updates: shareCounts[member] / 2 * slots)
    totals[member].pointee = BatchTotals()
    workers[member].pointee.train(
      pairs: UnsafeBufferPointer(start: shares[member], count: shareCounts[member]),
      rows: rows(of: member, live: live), learningRate: learningRate, distribution: distribution,
      random: &random, totals: &totals[member].pointee, shouldStop: { false })
  }

  /// Puts a row back into the ball (or onto the hyperboloid) after changes were added.
  @inline(__always)
  func restore(_ row: UnsafeMutablePointer<Double>) {
    if model == .poincare {
      PoincareBall.project(
        row, dimension: rowLength, epsilon: epsilon, keepsDirection: keepsDirection)
    } else {
      LorentzModel.normalize(row, dimension: modelDimension, maximumTime: maximumTime)
    }
  }

  /// Applies to `member`'s rows the updates other workers sent, worker by worker in the order
  /// they were made, each followed by the clip into the ball (or the hyperboloid's step).
  func receive(_ member: Int, live: UnsafeMutablePointer<Double>) {
    let log = logs[member]
    let table = view(member, live: live)
    let threshold = PoincareBall.projectionThreshold(epsilon: epsilon)
    for sender in 0..<threadCount where sender != member {
      let nodes = logs[sender].pointee.nodes
      let values = logs[sender].pointee.values
      for entry in 0..<logs[sender].pointee.sentCount where owns(member, nodes[entry]) {
        let row = table + Int(nodes[entry]) * rowLength
        let update = values + entry * rowLength
        if model == .poincare {
          if VectorKernels.add(update, to: row, count: rowLength) >= threshold { restore(row) }
        } else {
          LorentzModel.step(
            row, along: update, dimension: modelDimension, maximumTime: maximumTime)
        }
        log.pointee.markChanged(nodes[entry])
      }
    }
  }

  /// Adds to each hot row `member` owns the changes other workers made to their copies
  /// (copy − start of the round), worker by worker, then restores it.
  ///
  /// A row that several workers each updated `heavyUpdates` times or more gets the mean of
  /// their changes instead of the sum: each of those workers saw its own updates, so each copy
  /// already moved about as far as one thread would have, and the sum would overshoot (summed
  /// changes flung the root, a parent in every eighth relation, to the boundary).
  func mergeHotRows(_ member: Int, live: UnsafeMutablePointer<Double>) {
    let log = logs[member]
    let table = view(member, live: live)
    for slot in hotStarts[member]..<hotStarts[member + 1] {
      var senders = 0
      var heavy = log.pointee.hotUpdates[slot] >= Self.heavyUpdates ? 1 : 0
      for sender in 0..<threadCount where sender != member {
        let updates = logs[sender].pointee.hotUpdates[slot]
        if updates > 0 { senders += 1 }
        if updates >= Self.heavyUpdates { heavy += 1 }
      }
      guard senders > 0 else { continue }
      let node = hotNodes[slot]
      let offset = Int(node) * rowLength
      let row = table + offset
      let base = hotStart + slot * rowLength
      let share = heavy > 1 ? 1 / Double(heavy) : 1
      if share < 1 { VectorKernels.blend(row, toward: base, keeping: share, count: rowLength) }
      for sender in 0..<threadCount
      where sender != member && logs[sender].pointee.hotUpdates[slot] > 0 {
        VectorKernels.addDifference(
          view(sender, live: live) + offset, base, scaledBy: share, to: row, count: rowLength)
      }
      restore(row)
      log.pointee.markChanged(node)
    }
  }

  /// Copies `member`'s rows that changed in this round into the other workers' views (and the
  /// hot rows' start), clearing their marks.
  func publish(_ member: Int, live: UnsafeMutablePointer<Double>) {
    let table = view(member, live: live)
    let bits = logs[member].pointee.changedBits
    let first = starts[member]
    let end = starts[member + 1]
    guard first < end else { return }
    for word in (first >> 6)...((end - 1) >> 6) {
      var pending = bits[word]
      // The first and last words may hold other workers' rows: keep only this range.
      if word == first >> 6 { pending &= ~0 << UInt64(first & 63) }
      if word == (end - 1) >> 6 && end & 63 != 0 { pending &= (1 << UInt64(end & 63)) - 1 }
      bits[word] &= ~pending
      while pending != 0 {
        let node = word << 6 | pending.trailingZeroBitCount
        pending &= pending - 1
        let row = table + node * rowLength
        for other in 0..<threadCount where other != member {
          VectorKernels.copy(row, to: view(other, live: live) + node * rowLength, count: rowLength)
        }
        let slot = Int(hotSlots[node])
        if slot >= 0 { VectorKernels.copy(row, to: hotStart + slot * rowLength, count: rowLength) }
      }
    }
  }

  /// Updates of a row by one worker in a round from which that worker's change counts as
  /// converged (measured: 2, 4 and 16 all kept the root inside; 4 is used).
  static let heavyUpdates: UInt32 = 4
}

extension TrainingEngine {
  /// Expected updates of a row in one round, all workers together, from which it is hot: each
  /// worker then updates a copy of its own in place (seeing its own updates), and the owner
  /// merges the copies' changes.
  static let hotUpdatesPerRound = 2.0

  /// The hot rows, ascending: those expected to be updated at least `hotUpdatesPerRound` times
  /// a round as a parent (by their in-degree) or a negative (by the larger probability of the
  /// two phases' distributions).
  static func hotNodes(
    data: TrainingData, configuration: TrainingConfiguration, negatives: [AliasView]
  ) -> [NodeID] {
    let nodeCount = data.offsets.count - 1
    let relationCount = data.targets.count
    guard relationCount > 0 else { return [] }
    var parentCounts = [Int](repeating: 0, count: nodeCount)
    for target in data.targets { parentCounts[Int(target)] += 1 }
    let round = Double(
      PoincareTrainer.roundLength(configuration: configuration, nodeCount: nodeCount))
    var hot: [NodeID] = []
    for node in 0..<nodeCount {
      var drawn = 0.0
      for distribution in negatives {
        drawn = max(drawn, Double(distribution.weights[node]) / Double(distribution.total))
      }
      let expected =
        round
        * (Double(parentCounts[node]) / Double(relationCount)
          + Double(configuration.negativeCount) * drawn)
      if expected >= hotUpdatesPerRound { hot.append(NodeID(node)) }
    }
    return hot
  }
}

/// One value per worker, each on cache lines of its own: values that workers write while
/// training must not share a line (a shared line bounces between cores on every write).
struct PerWorker<T: ~Copyable>: @unchecked Sendable {
  private let base: UnsafeMutableRawPointer
  private let stride: Int

  /// Room for `count` uninitialised values.
  init(count: Int) {
    stride = (MemoryLayout<T>.stride + cacheLinePair - 1) / cacheLinePair * cacheLinePair
    base = .allocate(byteCount: max(count, 1) * stride, alignment: cacheLinePair)
  }

  subscript(index: Int) -> UnsafeMutablePointer<T> {
    (base + index * stride).assumingMemoryBound(to: T.self)
  }

  func deallocate() { base.deallocate() }
}

/// Two cache lines: adjacent-line prefetching makes pairs of lines behave as one.
let cacheLinePair = 128

/// `count` values on cache lines of their own.
func lineAlignedAllocate<T>(_: T.Type, capacity: Int) -> UnsafeMutablePointer<T> {
  let bytes = (max(capacity, 1) * MemoryLayout<T>.stride + cacheLinePair - 1) / cacheLinePair
  return UnsafeMutableRawPointer.allocate(
    byteCount: bytes * cacheLinePair, alignment: cacheLinePair
  ).bindMemory(to: T.self, capacity: max(capacity, 1))
}

struct UnsafeSendableBuffer<T>: @unchecked Sendable {
  let buffer: UnsafeBufferPointer<T>
}
