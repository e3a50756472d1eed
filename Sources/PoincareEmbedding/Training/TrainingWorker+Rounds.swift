// The apply step of a worker in a round with several threads (`TrainingEngine`): the same
// updates as with one thread, in the same order, written in place to the rows of its view it
// may write (its own rows and its copies of the hot rows); other rows' updates go to its outbox.

/// One worker's record of a round with several threads: the updates it sends to rows other
/// workers own, the rows it owns that changed, and how often it updated each hot row.
///
/// Buffers are allocated once per training run and grown only between rounds; nothing is
/// allocated per update.
struct RoundLog: ~Copyable {
  let rowLength: Int
  /// Per sent update: the node, and `rowLength` values (Δ in the ball, a velocity on the
  /// hyperboloid), in the order made.
  private(set) var nodes: UnsafeMutablePointer<NodeID>
  private(set) var values: UnsafeMutablePointer<Double>
  private(set) var sentCount = 0
  private var capacity = 0
  /// One bit per node: an owned row changed this round.
  let changedBits: UnsafeMutablePointer<UInt64>
  /// Per hot slot: this worker's updates of that row this round.
  let hotUpdates: UnsafeMutablePointer<UInt32>
  private let hotCount: Int

  init(rowLength: Int, nodeCount: Int, hotCount: Int) {
    self.rowLength = rowLength
    self.hotCount = hotCount
    nodes = .allocate(capacity: 0)
    values = .allocate(capacity: 0)
    let words = (nodeCount + 63) / 64
    changedBits = lineAlignedAllocate(UInt64.self, capacity: words)
    changedBits.initialize(repeating: 0, count: words)
    hotUpdates = lineAlignedAllocate(UInt32.self, capacity: hotCount)
    hotUpdates.initialize(repeating: 0, count: max(hotCount, 1))
  }

  deinit {
    nodes.deallocate()
    values.deallocate()
    UnsafeMutableRawPointer(changedBits).deallocate()
    UnsafeMutableRawPointer(hotUpdates).deallocate()
  }

  /// Empties the outbox and the hot counts, with room for `updates` sent updates. (The changed
  /// bits are cleared by the owner as it publishes them.)
  mutating func startRound(updates: Int) {
    sentCount = 0
    hotUpdates.update(repeating: 0, count: hotCount)
    if updates > capacity {
      nodes.deallocate()
      values.deallocate()
      capacity = max(updates, 2 * capacity)
      nodes = .allocate(capacity: capacity)
      values = .allocate(capacity: capacity * rowLength)
    }
  }

  /// Queues `delta` for the owner of `node`.
  @inline(__always)
  mutating func send(_ node: NodeID, _ delta: UnsafePointer<Double>) {
    nodes[sentCount] = node
    VectorKernels.copy(delta, to: values + sentCount &* rowLength, count: rowLength)
    sentCount &+= 1
  }

  /// Marks an owned row as changed.
  @inline(__always)
  func markChanged(_ node: NodeID) {
    changedBits[Int(node) &>> 6] |= 1 &<< UInt64(Int(node) & 63)
  }

  /// Records an update of `node` in the rows a worker writes in place: an owned row is marked
  /// changed, and a hot row's updates are counted.
  @inline(__always)
  func noteUpdate(_ node: NodeID, rows: SharedRows) {
    if rows.owns(node) { markChanged(node) }
    if rows.isHot(node) { hotUpdates[rows.hotSlot(node)] &+= 1 }
  }
}

extension TrainingWorker {
  /// `applyUpdates` of a worker in a round with several threads: rows it writes in place (its
  /// own and its hot copies) get the same additions and clips as with one thread; the updates
  /// of the other rows are sent to their owners.
  @inline(__always)
  func applyLoggedUpdates(
    count: Int, rows: SharedRows, log: UnsafeMutablePointer<RoundLog>, threshold: Double
  ) {
    let slots = 1 + negativeCount
    let dimension = rowLength
    let stride = (1 + slots) * dimension
    for position in 0..<count {
      let node = childNodes[position]
      norms[position] = VectorKernels.add(
        updates + position * stride, to: rows.row(node), count: dimension)
      log.pointee.noteUpdate(node, rows: rows)
    }
    clip(childNodes, count: count, rows: rows, threshold: threshold)
    for position in 0..<count {
      for slot in 0..<slots {
        let entry = position * slots + slot
        let node = slotNodes[entry]
        let delta = updates + position * stride + (1 + slot) * dimension
        if rows.owns(node) || rows.isHot(node) {
          norms[entry] = VectorKernels.add(delta, to: rows.row(node), count: dimension)
          log.pointee.noteUpdate(node, rows: rows)
        } else {
          norms[entry] = 0
          log.pointee.send(node, delta)
        }
      }
    }
    clip(slotNodes, count: count * slots, rows: rows, threshold: threshold)
  }

  /// `applyLorentzUpdates` of a worker in a round with several threads, as `applyLoggedUpdates`.
  @inline(__always)
  func applyLoggedLorentzUpdates(count: Int, rows: SharedRows, log: UnsafeMutablePointer<RoundLog>)
  {
    let slots = 1 + negativeCount
    let stride = (1 + slots) * rowLength
    for position in 0..<count {
      let node = childNodes[position]
      LorentzModel.step(
        rows.row(node), along: updates + position * stride, dimension: dimension,
        maximumTime: maximumTime)
      log.pointee.noteUpdate(node, rows: rows)
    }
    for position in 0..<count {
      for slot in 0..<slots {
        let node = slotNodes[position * slots + slot]
        let velocity = updates + position * stride + (1 + slot) * rowLength
        if rows.owns(node) || rows.isHot(node) {
          LorentzModel.step(
            rows.row(node), along: velocity, dimension: dimension, maximumTime: maximumTime)
          log.pointee.noteUpdate(node, rows: rows)
        } else {
          log.pointee.send(node, velocity)
        }
      }
    }
  }
}
