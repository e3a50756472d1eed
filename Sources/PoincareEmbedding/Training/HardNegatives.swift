// Goals, in priority order:
// 1. Negatives that matter for the ranking: for each node u, the non-ancestors nearest to u under
//    the current embedding, which are the nodes that outrank (or nearly outrank) u's ancestors in
//    reconstruction. Uniform or count-based draws almost never hit them on a large graph.
// 2. Cheap enough to refresh every few epochs: one all-pairs scan in float SIMD, pruned by a
//    per-query bound, on every training thread.

import Dispatch
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Per node, up to `capacity` nearest nodes that are neither the node itself nor one of its
/// out-neighbours (ancestors), nearest first, found no farther than the node's farthest ancestor
/// plus `margin` (in hyperbolic distance).
final class HardNegativeTable: @unchecked Sendable {
  // @unchecked Sendable: written only by `refresh`, between training rounds.
  let nodeCount: Int
  let capacity: Int
  /// `nodes[u · capacity ..< u · capacity + counts[u]]`: u's hard negatives, nearest first.
  let nodes: UnsafeMutablePointer<NodeID>
  let counts: UnsafeMutablePointer<Int32>
  /// Per node: how strongly it moves as a hard negative, min(1, capacity / lists it is in).
  let pushScales: UnsafeMutablePointer<Double>

  init(nodeCount: Int, capacity: Int) {
    pushScales = .allocate(capacity: max(1, nodeCount))
    pushScales.initialize(repeating: 1, count: max(1, nodeCount))
    self.nodeCount = nodeCount
    self.capacity = capacity
    nodes = .allocate(capacity: max(1, nodeCount * capacity))
    nodes.initialize(repeating: 0, count: max(1, nodeCount * capacity))
    counts = .allocate(capacity: max(1, nodeCount))
    counts.initialize(repeating: 0, count: max(1, nodeCount))
  }

  deinit {
    pushScales.deallocate()
    nodes.deallocate()
    counts.deallocate()
  }

  /// The table through raw pointers, for the training workers.
  var view: HardNegativeView {
    HardNegativeView(nodes: nodes, counts: counts, pushScales: pushScales, capacity: capacity)
  }

  /// Every list, concatenated, with its length per node: what a checkpoint stores.
  var lists: (counts: [Int32], nodes: [NodeID]) {
    var all: [NodeID] = []
    for u in 0..<nodeCount {
      all += UnsafeBufferPointer(start: nodes + u * capacity, count: Int(counts[u]))
    }
    return (Array(UnsafeBufferPointer(start: counts, count: nodeCount)), all)
  }

  /// Restores lists saved with `lists`.
  ///
  /// - Precondition: one count per node, each at most `capacity`, summing to `all.count`.
  func restore(counts saved: [Int32], nodes all: [NodeID]) {
    precondition(saved.count == nodeCount)
    var start = 0
    for u in 0..<nodeCount {
      let count = Int(saved[u])
      precondition(count <= capacity)
      for index in 0..<count { nodes[u * capacity + index] = all[start + index] }
      counts[u] = saved[u]
      start += count
    }
    updatePushScales()
  }

  /// Recomputes every list from the current ball coordinates.
  ///
  /// A candidate w of u is ranked by the key ‖u − w‖² / (1 − ‖w‖²), which orders d(u, ·); the
  /// bound is the largest key of u's ancestors times e^margin (keys grow like e^d far from u).
  func refresh(vectors: KeyedVectors, graph: RelationGraph, margin: Double, threadCount: Int) {
    precondition(vectors.count == nodeCount)
    let engine = RankingEngine(vectors)
    let blockSize = 64
    let blockCount = (nodeCount + blockSize - 1) / blockSize
    let next = BlockCounter()
    let factor = exp(margin)
    let work: @Sendable (Int) -> Void = { _ in
      let scanner = NeighbourScanner(engine: engine, table: self, graph: graph, factor: factor)
      while true {
        // Blocks are claimed under a lock-free counter: each block's lists depend only on the
        // rows, so the result does not depend on which thread took it.
        let block = next.value.add(1, ordering: .relaxed).oldValue
        if block >= blockCount { break }
        scanner.scan(block * blockSize..<min((block + 1) * blockSize, self.nodeCount))
      }
    }
    if threadCount <= 1 {
      work(0)
    } else {
      DispatchQueue.concurrentPerform(iterations: threadCount, execute: work)
    }
    updatePushScales()
  }

  /// A node listed by many others (a hub near the origin, typically) is pushed from all of them
  /// in every epoch: its push is scaled down to that of a node in `capacity` lists, so that it
  /// moves with the average of those pushes rather than their sum.
  private func updatePushScales() {
    var occurrences = [Int](repeating: 0, count: nodeCount)
    for u in 0..<nodeCount {
      for index in 0..<Int(counts[u]) { occurrences[Int(nodes[u * capacity + index])] += 1 }
    }
    for node in 0..<nodeCount {
      pushScales[node] = min(1, Double(capacity) / Double(max(1, occurrences[node])))
    }
  }
}

/// A `HardNegativeTable` seen through raw pointers.
struct HardNegativeView: @unchecked Sendable {
  let nodes: UnsafePointer<NodeID>
  let counts: UnsafePointer<Int32>
  let pushScales: UnsafePointer<Double>
  let capacity: Int
}

/// The next block of queries to scan, shared by the workers.
private final class BlockCounter: Sendable {
  let value = Atomic<Int>(0)
}

/// One worker's scan of blocks of queries against every row.
private final class NeighbourScanner {
  let engine: RankingEngine
  let table: HardNegativeTable
  let graph: RelationGraph
  let factor: Double
  /// Per query of a block: −2u per coordinate, ‖u‖², the current threshold, and a max-heap of
  /// (key, node) holding the nearest candidates found so far.
  private let queries: UnsafeMutablePointer<Float>
  private let norms: UnsafeMutablePointer<Float>
  private let thresholds: UnsafeMutablePointer<Float>
  private let heapKeys: UnsafeMutablePointer<Float>
  private let heapNodes: UnsafeMutablePointer<NodeID>
  private let heapCounts: UnsafeMutablePointer<Int>

  init(engine: RankingEngine, table: HardNegativeTable, graph: RelationGraph, factor: Double) {
    self.engine = engine
    self.table = table
    self.graph = graph
    self.factor = factor
    let block = 64
    queries = .allocate(capacity: block * engine.dimension)
    norms = .allocate(capacity: block)
    thresholds = .allocate(capacity: block)
    heapKeys = .allocate(capacity: block * table.capacity)
    heapNodes = .allocate(capacity: block * table.capacity)
    heapCounts = .allocate(capacity: block)
  }

  deinit {
    queries.deallocate()
    norms.deallocate()
    thresholds.deallocate()
    heapKeys.deallocate()
    heapNodes.deallocate()
    heapCounts.deallocate()
  }

  func scan(_ range: Range<Int>) {
    let n = engine.dimension
    let capacity = table.capacity
    for (slot, u) in range.enumerated() {
      let row = engine.rows + u * n
      for k in 0..<n { queries[slot * n + k] = Float(-2 * row[k]) }
      norms[slot] = Float(engine.squaredNorms[u])
      heapCounts[slot] = 0
      var bound = -Double.infinity
      for v in graph.outNeighbors(u) where Int(v) != u {
        bound = max(bound, engine.keyInterval(query: row, row: Int(v)).high)
      }
      thresholds[slot] = bound > -.infinity ? Float(bound * factor) : -.infinity
    }
    let groupsPerRun = max(16, 4096 / max(1, n))
    var groupStart = 0
    while groupStart < engine.groupCount {
      let groupEnd = min(groupStart + groupsPerRun, engine.groupCount)
      for slot in 0..<range.count where thresholds[slot] > -.infinity {
        scan(slot: slot, u: range.lowerBound + slot, groups: groupStart..<groupEnd)
      }
      groupStart = groupEnd
    }
    for (slot, u) in range.enumerated() {
      // Heap order to nearest first: repeatedly move the largest to the end.
      let keys = heapKeys + slot * capacity
      let nodes = heapNodes + slot * capacity
      var count = heapCounts[slot]
      let total = count
      while count > 1 {
        count -= 1
        swapAt(keys, nodes, 0, count)
        siftDown(keys, nodes, 0, count)
      }
      (table.nodes + u * capacity).update(from: nodes, count: total)
      table.counts[u] = Int32(total)
    }
  }

  private func scan(slot: Int, u: Int, groups: Range<Int>) {
    let n = engine.dimension
    let query = queries + slot * n
    let norm = SIMD4<Float>(repeating: norms[slot])
    for group in groups {
      let offset = engine.panelOffsets[group]
      var sumA = offset.lowHalf + norm
      var sumB = offset.highHalf + norm
      let w = UnsafeRawPointer(engine.panels + group * n).assumingMemoryBound(
        to: SIMD4<Float>.self)
      for k in 0..<n {
        let uk = SIMD4<Float>(repeating: query[k])
        sumA += w[2 * k] * uk
        sumB += w[2 * k + 1] * uk
      }
      let scale = engine.panelScales[group]
      let keysA = sumA * scale.lowHalf
      let keysB = sumB * scale.highHalf
      let threshold = SIMD4<Float>(repeating: thresholds[slot])
      let below =
        unsafeBitCast(keysA .< threshold, to: SIMD4<Int32>.self)
        | unsafeBitCast(keysB .< threshold, to: SIMD4<Int32>.self)
      guard (below[0] | below[1] | below[2] | below[3]) != 0 else { continue }
      for lane in 0..<8 {
        let key = lane < 4 ? keysA[lane] : keysB[lane - 4]
        let w = group * 8 + lane
        guard key < thresholds[slot], w < engine.count, w != u,
          !graph.contains(child: u, parent: NodeID(w))
        else { continue }
        insert(key: key, node: NodeID(w), slot: slot)
      }
    }
  }

  private func insert(key: Float, node: NodeID, slot: Int) {
    let capacity = table.capacity
    let keys = heapKeys + slot * capacity
    let nodes = heapNodes + slot * capacity
    var count = heapCounts[slot]
    if count < capacity {
      // Sift up.
      var child = count
      keys[child] = key
      nodes[child] = node
      while child > 0 {
        let parent = (child - 1) / 2
        if keys[parent] >= keys[child] { break }
        swapAt(keys, nodes, parent, child)
        child = parent
      }
      count += 1
      heapCounts[slot] = count
      if count == capacity { thresholds[slot] = min(thresholds[slot], keys[0]) }
      return
    }
    keys[0] = key
    nodes[0] = node
    siftDown(keys, nodes, 0, count)
    thresholds[slot] = keys[0]
  }

  private func siftDown(
    _ keys: UnsafeMutablePointer<Float>, _ nodes: UnsafeMutablePointer<NodeID>, _ start: Int,
    _ count: Int
  ) {
    var parent = start
    while true {
      let left = 2 * parent + 1
      if left >= count { return }
      let right = left + 1
      let largest = right < count && keys[right] > keys[left] ? right : left
      if keys[parent] >= keys[largest] { return }
      swapAt(keys, nodes, parent, largest)
      parent = largest
    }
  }

  private func swapAt(
    _ keys: UnsafeMutablePointer<Float>, _ nodes: UnsafeMutablePointer<NodeID>, _ a: Int,
    _ b: Int
  ) {
    let key = keys[a]
    keys[a] = keys[b]
    keys[b] = key
    let node = nodes[a]
    nodes[a] = nodes[b]
    nodes[b] = node
  }
}
