/// Each node's distinct out-neighbours (its parents and ancestors in a closure), sorted: gensim's
/// `node_relations`, stored as one compressed sparse row table.
///
/// Negative sampling excludes exactly these nodes, and reconstruction ranks exactly these as
/// positives.
public struct RelationGraph: Sendable {
  /// `offsets[u]..<offsets[u + 1]` is the range of `targets` holding u's out-neighbours.
  public let offsets: [Int]
  /// Out-neighbours, ascending within each node, without duplicates.
  public let targets: [NodeID]

  /// Builds the graph of `nodeCount` nodes from interleaved `(child, parent)` pairs.
  ///
  /// Duplicate pairs collapse; self-loops are kept (gensim keeps them too).
  /// - Complexity: O(pairs + Σ d log d) over out-degrees d.
  public init(nodeCount: Int, pairs: [NodeID]) {
    var degree = [Int](repeating: 0, count: nodeCount + 1)
    let relationCount = pairs.count / 2
    for index in 0..<relationCount { degree[Int(pairs[2 * index]) + 1] += 1 }
    for node in 0..<nodeCount { degree[node + 1] += degree[node] }
    var fill = degree
    var targets = [NodeID](repeating: 0, count: relationCount)
    for index in 0..<relationCount {
      let child = Int(pairs[2 * index])
      targets[fill[child]] = pairs[2 * index + 1]
      fill[child] += 1
    }
    // Sort each segment and squeeze out duplicates in place.
    var offsets = [Int](repeating: 0, count: nodeCount + 1)
    var write = 0
    targets.withUnsafeMutableBufferPointer { buffer in
      for node in 0..<nodeCount {
        var segment = UnsafeMutableBufferPointer(rebasing: buffer[degree[node]..<degree[node + 1]])
        segment.sort()
        var previous: NodeID = -1
        for target in segment where target != previous {
          buffer[write] = target
          write += 1
          previous = target
        }
        offsets[node + 1] = write
      }
    }
    targets.removeLast(targets.count - write)
    self.offsets = offsets
    self.targets = targets
  }

  /// Wraps an already built table.
  ///
  /// - Precondition: `offsets` starts at 0 and never decreases, its last element is
  ///   `targets.count`, and each node's targets are ascending and distinct.
  init(offsets: [Int], targets: [NodeID]) {
    precondition(offsets.first == 0 && offsets.last == targets.count)
    self.offsets = offsets
    self.targets = targets
  }

  /// Builds the graph of a relation list.
  public init(_ relations: Relations) {
    self.init(nodeCount: relations.nodeCount, pairs: relations.pairs)
  }

  /// The number of nodes.
  public var nodeCount: Int { offsets.count - 1 }

  /// The number of distinct relations.
  public var edgeCount: Int { targets.count }

  /// The number of distinct out-neighbours of `node`.
  public func outDegree(_ node: Int) -> Int { offsets[node + 1] - offsets[node] }

  /// The distinct out-neighbours of `node`, ascending.
  public func outNeighbors(_ node: Int) -> ArraySlice<NodeID> {
    targets[offsets[node]..<offsets[node + 1]]
  }

  /// Whether `child → parent` is a relation.
  ///
  /// - Complexity: O(log d) for out-degree d.
  public func contains(child: Int, parent: NodeID) -> Bool {
    var low = offsets[child]
    var high = offsets[child + 1]
    while low < high {
      let middle = (low + high) / 2
      if targets[middle] < parent { low = middle + 1 } else { high = middle }
    }
    return low < offsets[child + 1] && targets[low] == parent
  }
}
