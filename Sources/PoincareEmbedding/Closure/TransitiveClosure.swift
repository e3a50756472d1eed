/// The transitive closure of an is-a hierarchy: every (descendant, ancestor) pair, without
/// self-loops, ready to train on.
///
/// Built either from a file of direct `child<TAB>parent` edges (``read(edgeFile:)``) or from
/// WordNet (``init(wordNet:)``, facebookresearch's `transitive_closure.py`). The pairs are written
/// sorted by (child name, parent name) in byte order, so the same input always gives the same file.
public struct TransitiveClosure: Sendable {
  /// Every node that was read, including ones that end up in no pair.
  public let names: Vocabulary
  /// Each node's ancestors, ascending by node id.
  public let ancestors: RelationGraph

  /// Wraps names and an ancestor table.
  ///
  /// - Precondition: `ancestors` has one row per name and no self-loops.
  public init(names: Vocabulary, ancestors: RelationGraph) {
    precondition(names.count == ancestors.nodeCount)
    self.names = names
    self.ancestors = ancestors
  }

  /// The number of (descendant, ancestor) pairs.
  public var pairCount: Int { ancestors.edgeCount }

  /// The number of nodes that appear in at least one pair.
  ///
  /// - Complexity: O(nodes + pairs).
  public var nodeCount: Int { nodesInPairs().count { $0 } }

  /// Per node: whether it appears in at least one pair.
  ///
  /// - Complexity: O(nodes + pairs).
  public func nodesInPairs() -> [Bool] {
    var appears = [Bool](repeating: false, count: names.count)
    for node in 0..<names.count where ancestors.outDegree(node) > 0 {
      appears[node] = true
      for ancestor in ancestors.outNeighbors(node) { appears[Int(ancestor)] = true }
    }
    return appears
  }

  /// The part of the closure below `root`: the nodes that have `root` as an ancestor, plus
  /// `root`, and the pairs among them.
  ///
  /// This is how facebookresearch and gensim cut the mammal subtree out of the noun closure
  /// (`mammal.n.01` gives 1,182 nodes and 6,542 pairs).
  /// - Complexity: O(nodes + pairs).
  public func restricted(toDescendantsOf root: Int) -> TransitiveClosure {
    let rootID = NodeID(root)
    var keeps = [Bool](repeating: false, count: names.count)
    keeps[root] = true
    for node in 0..<names.count where ancestors.contains(child: node, parent: rootID) {
      keeps[node] = true
    }
    var rows = RowTable(nodeCount: names.count)
    for node in 0..<names.count where keeps[node] {
      rows.setRow(node, ancestors.outNeighbors(node).filter { keeps[Int($0)] })
    }
    return TransitiveClosure(names: names, ancestors: rows.graph())
  }

  /// Writes one `child<TAB>ancestor` line per pair, sorted by child name, then ancestor name,
  /// comparing UTF-8 bytes (the order of `LC_ALL=C sort` and of Python's `sorted` on strings).
  ///
  /// - Throws: `OutputError` when writing fails.
  /// - Complexity: O(nodes log nodes) name comparisons, then O(pairs log d) integer work.
  public func write(to output: inout BufferedOutput) throws {
    // Compare names once to rank them; pairs are then ordered by integer ranks.
    let order = names.idsSortedByName()
    var rank = [Int32](repeating: 0, count: order.count)
    for (position, node) in order.enumerated() { rank[Int(node)] = Int32(position) }
    var ancestorRanks: [Int32] = []
    var lines: [UInt8] = []
    for child in order where ancestors.outDegree(Int(child)) > 0 {
      ancestorRanks.removeAll(keepingCapacity: true)
      for ancestor in ancestors.outNeighbors(Int(child)) {
        ancestorRanks.append(rank[Int(ancestor)])
      }
      ancestorRanks.sort()
      lines.removeAll(keepingCapacity: true)
      names.withNameBytes(of: Int(child)) { childName in
        for ancestorRank in ancestorRanks {
          lines.append(contentsOf: childName)
          lines.append(UInt8(ascii: "\t"))
          names.withNameBytes(of: Int(order[Int(ancestorRank)])) { lines.append(contentsOf: $0) }
          lines.append(UInt8(ascii: "\n"))
        }
      }
      try lines.withUnsafeBytes { try output.write(bytes: $0) }
    }
  }
}

/// A file of direct edges: what `read(edgeFile:)` read, for the summary line.
public struct EdgeFileSummary: Sendable, Equatable {
  /// Lines with an edge (duplicates included).
  public var edgeCount: Int
  /// Distinct edges, without self-loops.
  public var distinctEdgeCount: Int
  /// `a<TAB>a` lines, which add nothing to a closure and are skipped.
  public var selfLoopCount: Int
}

extension TransitiveClosure {
  /// The closure of a file of direct `child<TAB>parent` edges, read with `RelationFile` (TSV, or
  /// facebookresearch's CSV for `.csv`), and a summary of what was read.
  ///
  /// Duplicate edges are merged and self-loops skipped (a node is not its own ancestor).
  /// - Throws: `InputError` for an unreadable or malformed file, and `.malformed` naming the
  ///   nodes of a cycle in edge order (`a → b → c → a`) when the edges are not acyclic.
  public static func read(edgeFile path: String) throws -> (
    closure: TransitiveClosure, summary: EdgeFileSummary
  ) {
    try closure(ofEdges: RelationFile.read(path), path: path)
  }

  /// The closure of direct edges already read from `path` (named in errors), as
  /// `read(edgeFile:)` computes it.
  static func closure(ofEdges relations: Relations, path: String) throws(InputError) -> (
    closure: TransitiveClosure, summary: EdgeFileSummary
  ) {
    var pairs: [NodeID] = []
    pairs.reserveCapacity(relations.pairs.count)
    var selfLoops = 0
    for index in 0..<relations.count {
      let child = relations.child(index)
      let parent = relations.parent(index)
      if child == parent {
        selfLoops += 1
      } else {
        pairs.append(child)
        pairs.append(parent)
      }
    }
    let (closure, distinctEdgeCount) = try Self.closure(
      names: relations.vocabulary, pairs: pairs, path: path)
    let summary = EdgeFileSummary(
      edgeCount: relations.count, distinctEdgeCount: distinctEdgeCount, selfLoopCount: selfLoops)
    return (closure, summary)
  }

  /// The closure of direct edges given as interleaved (child, parent) pairs without self-loops,
  /// and the number of distinct edges.
  ///
  /// - Parameter edgeKind: what the edges are, in the message of a cycle ("edges", "is_a
  ///   edges").
  /// - Throws: `.malformed` at file level naming the nodes of a cycle in edge order.
  static func closure(
    names: Vocabulary, pairs: [NodeID], path: String, edgeKind: String = "edges"
  ) throws(InputError) -> (closure: TransitiveClosure, distinctEdgeCount: Int) {
    let edges = RelationGraph(nodeCount: names.count, pairs: pairs)
    let (ancestors, cycle) = AncestorClosure.ancestors(of: edges)
    if let cycle {
      let cycleNames = (cycle + [cycle[0]]).map { names.name(of: Int($0)) }
      throw InputError(
        .malformed, path: path,
        message: "the \(edgeKind) form a cycle: \(cycleNames.joined(separator: " → "))",
        hint: "an is-a hierarchy must be acyclic; remove one of the edges of this cycle.")
    }
    return (TransitiveClosure(names: names, ancestors: ancestors), edges.edgeCount)
  }
}
