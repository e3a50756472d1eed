/// Computes every node's ancestors: the nodes it reaches over one or more `child → parent` edges.
///
/// This is the one closure algorithm behind both `closure` paths: a user's file of direct edges
/// (where a cycle is an error) and WordNet's hypernym and instance-hypernym links (where NLTK's
/// `Synset.closure` tolerates cycles by never visiting a node twice).
///
/// Goals, in priority order: 1) NLTK's reachability semantics (a node is never its own ancestor,
/// cycles terminate); 2) linear time in the size of the output; 3) no recursion, so a chain of
/// millions of nodes cannot overflow the stack.
enum AncestorClosure {
  /// Each node's ancestors, and the first cycle met (nil for a DAG).
  ///
  /// Nodes are visited by an iterative Tarjan search, which finishes each strongly connected
  /// component after every component it reaches; a component's ancestors are therefore the union
  /// of its parents' finished sets. Within a cycle every member reaches every other member, so
  /// each member's ancestors are the cycle's other members plus what the cycle reaches. Self-loops
  /// are ignored: a node is never its own ancestor (NLTK's `closure` drops the start node).
  ///
  /// - Returns: the ancestors as a graph (ascending, distinct per node) and, when the graph has a
  ///   cycle, the nodes of one cycle in edge order, starting from the lowest id of the first
  ///   cyclic component found.
  /// - Complexity: O(nodes + edges + Σ over edges (child, parent) of |ancestors(parent)| +
  ///   Σ d log d over output degrees d).
  static func ancestors(of graph: RelationGraph) -> (ancestors: RelationGraph, cycle: [NodeID]?) {
    let nodeCount = graph.nodeCount
    let offsets = graph.offsets
    let targets = graph.targets
    var discovery = [Int32](repeating: -1, count: nodeCount)
    var lowLink = [Int32](repeating: 0, count: nodeCount)
    var component = [Int32](repeating: -1, count: nodeCount)
    var componentStack: [NodeID] = []
    var callStack: [(node: Int, nextEdge: Int)] = []
    var discovered: Int32 = 0
    var componentCount: Int32 = 0
    var union = NodeSetUnion(nodeCount: nodeCount)
    var rows = RowTable(nodeCount: nodeCount)
    var firstCycle: [NodeID]?

    func discover(_ node: Int) {
      discovery[node] = discovered
      lowLink[node] = discovered
      discovered += 1
      componentStack.append(NodeID(node))
      callStack.append((node, offsets[node]))
    }

    for start in 0..<nodeCount where discovery[start] < 0 {
      discover(start)
      while let (node, nextEdge) = callStack.last {
        if nextEdge < offsets[node + 1] {
          callStack[callStack.count - 1].nextEdge = nextEdge + 1
          let parent = Int(targets[nextEdge])
          if discovery[parent] < 0 {
            discover(parent)
          } else if component[parent] < 0 {
            // Still on the component stack: part of the component being built.
            lowLink[node] = min(lowLink[node], discovery[parent])
          }
          continue
        }
        callStack.removeLast()
        if let caller = callStack.last {
          lowLink[caller.node] = min(lowLink[caller.node], lowLink[node])
        }
        guard lowLink[node] == discovery[node] else { continue }

        // `node` roots a finished component: the nodes above it on the component stack.
        let first = componentStack.lastIndex(of: NodeID(node))!
        let members = Array(componentStack[first...])
        componentStack.removeSubrange(first...)
        let id = componentCount
        componentCount += 1
        for member in members { component[Int(member)] = id }

        union.reset()
        for member in members { union.exclude(member) }
        for member in members {
          for edge in offsets[Int(member)]..<offsets[Int(member) + 1] {
            let parent = targets[edge]
            union.insert(parent)
            union.insert(contentsOf: rows.row(Int(parent)))
          }
        }
        var reached = union.members
        if members.count == 1 {
          reached.sort()
          rows.setRow(Int(members[0]), reached)
          continue
        }
        if firstCycle == nil {
          firstCycle = cycle(in: id, from: members.min()!, graph: graph, component: component)
        }
        reached += members
        reached.sort()
        for member in members {
          rows.setRow(Int(member), reached.filter { $0 != member })
        }
      }
    }
    return (rows.graph(), firstCycle)
  }

  /// One cycle inside a strongly connected component of two or more nodes: follow the
  /// lowest-numbered edge that stays in the component until a node repeats.
  private static func cycle(
    in componentID: Int32, from start: NodeID, graph: RelationGraph, component: [Int32]
  ) -> [NodeID] {
    var position: [NodeID: Int] = [:]
    var walk: [NodeID] = []
    var node = start
    while position[node] == nil {
      position[node] = walk.count
      walk.append(node)
      // Every member of a component of two or more nodes has an edge to another member.
      node = graph.outNeighbors(Int(node)).first {
        $0 != node && component[Int($0)] == componentID
      }!
    }
    return Array(walk[position[node]!...])
  }
}

/// A set of nodes under construction, for one node at a time: a stamp per node marks the
/// members, so building a set costs its size, with no hashing and no sorting.
struct NodeSetUnion {
  private var stamps: [UInt32]
  private var stamp: UInt32 = 0
  /// The members in insertion order.
  private(set) var members: [NodeID] = []

  init(nodeCount: Int) {
    stamps = Array(repeating: 0, count: nodeCount)
  }

  /// Empties the set.
  mutating func reset() {
    stamp &+= 1
    if stamp == 0 {
      // After 2³² sets the stamps wrap around: clear them once.
      stamps = Array(repeating: 0, count: stamps.count)
      stamp = 1
    }
    members.removeAll(keepingCapacity: true)
  }

  /// Keeps `node` out of the set until the next `reset()` (a node is not its own ancestor).
  @inline(__always)
  mutating func exclude(_ node: NodeID) {
    stamps[Int(node)] = stamp
  }

  /// Adds `node` unless it is already a member or excluded.
  @inline(__always)
  mutating func insert(_ node: NodeID) {
    if stamps[Int(node)] != stamp {
      stamps[Int(node)] = stamp
      members.append(node)
    }
  }

  /// Adds every node of `nodes`.
  mutating func insert(contentsOf nodes: ArraySlice<NodeID>) {
    for node in nodes { insert(node) }
  }
}

/// Rows of node ids filled in any node order, compacted into a `RelationGraph` at the end.
struct RowTable {
  private var arena: [NodeID] = []
  private var starts: [Int]
  private var ends: [Int]

  init(nodeCount: Int) {
    starts = Array(repeating: 0, count: nodeCount)
    ends = Array(repeating: 0, count: nodeCount)
  }

  /// The row of `node`; empty until set.
  func row(_ node: Int) -> ArraySlice<NodeID> { arena[starts[node]..<ends[node]] }

  /// Sets the row of `node`, which must be ascending and distinct.
  mutating func setRow(_ node: Int, _ values: some Collection<NodeID>) {
    starts[node] = arena.count
    arena.append(contentsOf: values)
    ends[node] = arena.count
  }

  /// The rows in node order.
  func graph() -> RelationGraph {
    var offsets = [Int](repeating: 0, count: starts.count + 1)
    for node in 0..<starts.count { offsets[node + 1] = offsets[node] + ends[node] - starts[node] }
    var targets: [NodeID] = []
    targets.reserveCapacity(arena.count)
    for node in 0..<starts.count { targets.append(contentsOf: arena[starts[node]..<ends[node]]) }
    return RelationGraph(offsets: offsets, targets: targets)
  }
}
