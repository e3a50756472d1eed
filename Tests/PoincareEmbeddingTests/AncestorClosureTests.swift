import Testing
import TestSupport

@testable import PoincareEmbedding

@Suite struct AncestorClosureTests {
  /// The ancestors of a graph given as (child, parent) pairs, as arrays per node.
  func ancestors(_ edges: [(Int, Int)], nodeCount: Int) -> (rows: [[NodeID]], cycle: [NodeID]?) {
    let pairs = edges.flatMap { [NodeID($0.0), NodeID($0.1)] }
    let (graph, cycle) = AncestorClosure.ancestors(
      of: RelationGraph(nodeCount: nodeCount, pairs: pairs))
    return ((0..<nodeCount).map { Array(graph.outNeighbors($0)) }, cycle)
  }

  /// Reachability over one or more edges, by breadth-first search from each node, without the
  /// node itself: NLTK's `Synset.closure`.
  func reachable(_ edges: [(Int, Int)], nodeCount: Int) -> [[NodeID]] {
    var parents = [[Int]](repeating: [], count: nodeCount)
    for (child, parent) in edges { parents[child].append(parent) }
    return (0..<nodeCount).map { start in
      var seen = Set<Int>()
      var queue = parents[start]
      while let node = queue.popLast() {
        if seen.insert(node).inserted { queue += parents[node] }
      }
      seen.remove(start)
      return seen.sorted().map { NodeID($0) }
    }
  }

  @Test func diamondAndDuplicateEdges() {
    // 3 → 1 → 0, 3 → 2 → 0, plus a repeated edge and a self-loop, which add nothing.
    let result = ancestors([(3, 1), (3, 2), (1, 0), (2, 0), (3, 1), (2, 2)], nodeCount: 4)
    #expect(result.rows == [[], [0], [0], [0, 1, 2]])
    #expect(result.cycle == nil)
  }

  @Test func forestWithIsolatedNode() {
    let result = ancestors([(1, 0), (2, 1), (4, 3)], nodeCount: 6)
    #expect(result.rows == [[], [0], [0, 1], [], [3], []])
  }

  @Test func cycleIsReportedInEdgeOrder() {
    // 4 → 0 → 1 → 2 → 0 and 2 → 3: the cycle is 0 → 1 → 2.
    let result = ancestors([(4, 0), (0, 1), (1, 2), (2, 0), (2, 3)], nodeCount: 5)
    #expect(result.cycle == [0, 1, 2])
    // Within a cycle each member reaches the others and what the cycle reaches, not itself.
    #expect(result.rows == [[1, 2, 3], [0, 2, 3], [0, 1, 3], [], [0, 1, 2, 3]])
  }

  @Test func twoNodeCycleBehindAChain() {
    let result = ancestors([(0, 1), (1, 2), (2, 1)], nodeCount: 3)
    #expect(result.cycle == [1, 2])
    #expect(result.rows == [[1, 2], [2], [1]])
  }

  @Test(arguments: 0..<40)
  func randomGraphsMatchBreadthFirstReachability(seed: Int) {
    // Seeds 0–19 draw DAGs (edges from higher to lower ids), 20–39 arbitrary graphs with cycles.
    var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33) % bound
    }
    let nodeCount = 2 + next(40)
    var edges: [(Int, Int)] = []
    for _ in 0..<next(nodeCount * 3) {
      let a = next(nodeCount)
      let b = next(nodeCount)
      if seed < 20 {
        if a != b { edges.append((max(a, b), min(a, b))) }
      } else {
        edges.append((a, b))
      }
    }
    let result = ancestors(edges, nodeCount: nodeCount)
    #expect(result.rows == reachable(edges, nodeCount: nodeCount))
    if seed < 20 { #expect(result.cycle == nil) }
    if let cycle = result.cycle {
      // Consecutive members, and the last back to the first, are edges.
      let edgeSet = Set(edges.map { "\($0.0)>\($0.1)" })
      for (index, node) in cycle.enumerated() {
        #expect(edgeSet.contains("\(node)>\(cycle[(index + 1) % cycle.count])"))
      }
    }
  }

  @Test func nodeSetUnionResetsAndExcludes() {
    var union = NodeSetUnion(nodeCount: 5)
    union.reset()
    union.exclude(2)
    union.insert(contentsOf: [4, 2, 4, 1])
    #expect(union.members == [4, 1])
    union.reset()
    union.insert(2)
    #expect(union.members == [2])
  }
}
