// Goals, in priority order:
// 1. A start that already ranks each node's ancestors ahead of the other nodes, derived from the
//    closure alone, for trees and for DAGs: training then only has to repair what a layout cannot
//    express (mostly nodes with several parents), instead of discovering the whole hierarchy
//    from random points.
// 2. Linear in the nodes (plus the packing of each node's children), deterministic for a seed.
//
// Why caps: far from the origin, a point u is closer to a node w than to the origin exactly when
// the angle between them is below β(w), with cos β(w) = tanh(ρ(w)/2) for w at hyperbolic radius
// ρ(w) (so β ≈ 2e^(−ρ/2)). Put the root at the origin: then w outranks the root for u if and only
// if u lies in w's cap of angular radius β(w). Perfect reconstruction therefore asks that each
// node's cap hold exactly its descendants: children's caps nested inside their parent's, siblings'
// caps disjoint. The layout builds exactly that along a spanning tree of the DAG (each node under
// its deepest parent): every node's cap is shared among its children in proportion to their
// subtrees' volumes, the children's caps are packed disjointly inside it, and a node's radius is
// the one whose cap is its share. Nested disjoint caps halve at least once per branching level,
// which costs 2·ln 2 of radius: deep hierarchies need radii beyond gensim's norm 1 − 1e-5 (12.2).

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Lays out a hierarchy's nodes as nested caps (see the file's comment).
public struct HierarchyLayout {
  /// Each child's cap radius is `spread · parent's cap · (its share of the parent's
  /// subtree)^(1/(d−1))`: 0.8 measured best of 0.6 / 0.8 / 0.9 on the nouns (0.7885 / 0.7900 /
  /// 0.7748 at radius 12, in an early version), leaving room between siblings.
  public var spread = 0.8
  /// The largest hyperbolic radius of a point (the norm bound of training, 1 − ε).
  public var maximumRadius: Double
  public var dimension: Int
  public var seed: UInt64

  public init(dimension: Int, maximumRadius: Double, seed: UInt64) {
    self.dimension = dimension
    self.maximumRadius = maximumRadius
    self.seed = seed
  }

  /// Ball coordinates of every node, row-major, for the hierarchy whose ancestors (out-neighbours
  /// in a closure) `graph` lists.
  public func coordinates(of graph: RelationGraph) -> [Double] {
    let tree = SpanningTree(graph)
    let n = graph.nodeCount
    let d = dimension
    var random = RandomSource(seed: seed, stream: RandomStream.layout)
    var directions = [Double](repeating: 0, count: n * d)
    var caps = [Double](repeating: 0, count: n)
    var radii = [Double](repeating: 0, count: n)
    let packer = CapPacker(dimension: d)
    // The roots are the children of a virtual node at the origin whose cap is the whole sphere.
    let (rootCaps, rootDirections) = packer.shareSphere(
      sizes: tree.roots.map { Double(tree.sizes[$0]) }, spread: spread, random: &random)
    for (index, root) in tree.roots.enumerated() {
      if tree.roots.count == 1 {
        caps[root] = .pi
        radii[root] = 0
        directions[root * d] = 1
      } else {
        caps[root] = rootCaps[index]
        for k in 0..<d { directions[root * d + k] = rootDirections[index * d + k] }
        radii[root] = radius(forCap: caps[root])
      }
    }
    for parent in tree.topDown {
      let children = tree.children(of: parent)
      guard !children.isEmpty else { continue }
      let sizes = children.map { Double(tree.sizes[$0]) }
      let total = sizes.reduce(0, +)
      let parentCap = caps[parent]
      if parentCap >= .pi * 0.999 {
        // The whole sphere: spread the children over it.
        let (shares, spreadDirections) = packer.shareSphere(
          sizes: sizes, spread: spread, random: &random)
        for (index, child) in children.enumerated() {
          caps[child] = shares[index]
          for k in 0..<d { directions[child * d + k] = spreadDirections[index * d + k] }
        }
      } else {
        let exponent = 1 / Double(max(d - 1, 1))
        let childCaps = sizes.map {
          min(spread * parentCap * pow($0 / total, exponent), parentCap * 0.49)
        }
        let offsets = packer.pack(caps: childCaps, inside: parentCap, random: &random)
        let centre = Array(directions[(parent * d)..<((parent + 1) * d)])
        let basis = packer.complementBasis(of: centre, random: &random)
        for (index, child) in children.enumerated() {
          caps[child] = childCaps[index]
          let direction = packer.direction(at: offsets[index], from: centre, basis: basis)
          directions.replaceSubrange((child * d)..<((child + 1) * d), with: direction)
        }
      }
      for child in children {
        radii[child] = min(max(radius(forCap: caps[child]), radii[parent]), maximumRadius)
      }
    }
    // Every node is a root or some node's child in the tree: all are placed.
    var coordinates = [Double](repeating: 0, count: n * d)
    for node in 0..<n {
      let norm = tanh(radii[node] / 2)
      for k in 0..<d { coordinates[node * d + k] = norm * directions[node * d + k] }
    }
    return coordinates
  }

  /// The hyperbolic radius whose cap (the directions closer to the point than the origin is, seen
  /// from far away) has angular radius `cap`: cos β = tanh(ρ/2).
  func radius(forCap cap: Double) -> Double {
    let angle = min(cap, .pi / 2 - 1e-9)
    return min(2 * atanh(cos(angle)), maximumRadius)
  }
}

/// A spanning tree of a DAG given as a closure: each node under its deepest direct parent.
struct SpanningTree {
  /// Nodes without a parent.
  let roots: [Int]
  /// Every node once, parents before children.
  let topDown: [Int]
  /// Nodes in the tree's subtree of each node, itself included.
  let sizes: [Int]
  private let childOffsets: [Int]
  private let childList: [Int]

  func children(of node: Int) -> ArraySlice<Int> {
    childList[childOffsets[node]..<childOffsets[node + 1]]
  }

  /// The direct parents of `node`.
  func parents(of node: Int) -> ArraySlice<Int> {
    parentList[parentOffsets[node]..<parentOffsets[node + 1]]
  }
  private let parentOffsets: [Int]
  private let parentList: [Int]

  /// - Parameter graph: each node's ancestors (a transitive closure; a non-closed graph works
  ///   too, its direct parents being the out-neighbours no other out-neighbour reaches).
  init(_ graph: RelationGraph) {
    let n = graph.nodeCount
    // Direct parents: ancestors that are not an ancestor of another ancestor.
    var covered = [Int](repeating: -1, count: n)
    var parentOffsets = [0]
    var parents: [Int] = []
    for u in 0..<n {
      for a in graph.outNeighbors(u) where Int(a) != u {
        for b in graph.outNeighbors(Int(a)) { covered[Int(b)] = u }
      }
      for a in graph.outNeighbors(u) where Int(a) != u && covered[Int(a)] != u {
        parents.append(Int(a))
      }
      parentOffsets.append(parents.count)
    }
    // Levels: the longest chain of direct parents above a node (Kahn's order over parent edges;
    // nodes on a cycle, which a closure file may contain, are placed after the rest).
    var pendingParents = (0..<n).map { parentOffsets[$0 + 1] - parentOffsets[$0] }
    var childrenOf = [[Int]](repeating: [], count: n)
    for u in 0..<n { for p in parents[parentOffsets[u]..<parentOffsets[u + 1]] { childrenOf[p].append(u) } }
    var order: [Int] = (0..<n).filter { pendingParents[$0] == 0 }
    var level = [Int](repeating: 0, count: n)
    var head = 0
    while head < order.count {
      let p = order[head]
      head += 1
      for c in childrenOf[p] {
        level[c] = max(level[c], level[p] + 1)
        pendingParents[c] -= 1
        if pendingParents[c] == 0 { order.append(c) }
      }
    }
    var isOrdered = [Bool](repeating: false, count: n)
    for u in order { isOrdered[u] = true }
    // Descendant counts in the closure, to break ties between equally deep parents.
    var descendantCounts = [Int](repeating: 0, count: n)
    for u in 0..<n { for a in graph.outNeighbors(u) where Int(a) != u { descendantCounts[Int(a)] += 1 } }
    var primary = [Int](repeating: -1, count: n)
    for u in order {
      var best = -1
      for p in parents[parentOffsets[u]..<parentOffsets[u + 1]] where isOrdered[p] {
        if best < 0 || level[p] > level[best]
          || (level[p] == level[best] && descendantCounts[p] < descendantCounts[best])
        {
          best = p
        }
      }
      primary[u] = best
    }
    // A node whose children mostly have another ancestor p, itself below every ancestor of the
    // node, goes under the deepest such p (its children stay where their own parents put them):
    // in a closure with pairs missing (a link-prediction split) that is where a missing pair
    // most likely was; in a whole closure p is then a false ancestor of the node, which happens
    // where children share a second parent.
    for u in order where !childrenOf[u].isEmpty {
      var votes: [Int: Int] = [:]
      for c in childrenOf[u] {
        for a in graph.outNeighbors(c) where Int(a) != u && Int(a) != c {
          votes[Int(a), default: 0] += 1
        }
      }
      var best = -1
      for (p, count) in votes where 2 * count >= childrenOf[u].count && isOrdered[p] {
        guard best < 0 || level[p] > level[best] || (level[p] == level[best] && p < best),
          !graph.contains(child: u, parent: NodeID(p)),
          !graph.contains(child: p, parent: NodeID(u)),
          graph.outNeighbors(u).allSatisfy({ Int($0) == u || graph.contains(child: p, parent: $0) })
        else { continue }
        best = p
      }
      guard best >= 0, primary[u] < 0 || level[best] >= level[primary[u]] else { continue }
      var ancestor = best
      while ancestor >= 0 && ancestor != u { ancestor = primary[ancestor] }
      if ancestor != u { primary[u] = best }
    }
    // Parents before children along the tree (the moves above may reverse Kahn's order); cycle
    // members, which a closure file may hold and Kahn's order leaves out, hang from the roots.
    var treeChildren = [[Int]](repeating: [], count: n)
    for u in order where primary[u] >= 0 { treeChildren[primary[u]].append(u) }
    var treeOrder = order.filter { primary[$0] < 0 }
    var next = 0
    while next < treeOrder.count {
      treeOrder += treeChildren[treeOrder[next]]
      next += 1
    }
    var isPlaced = [Bool](repeating: false, count: n)
    for u in treeOrder { isPlaced[u] = true }
    for u in 0..<n where !isPlaced[u] {
      primary[u] = -1
      treeOrder.append(u)
    }
    order = treeOrder
    var sizes = [Int](repeating: 1, count: n)
    for u in order.reversed() where primary[u] >= 0 { sizes[primary[u]] += sizes[u] }
    var counts = [Int](repeating: 0, count: n + 1)
    for u in 0..<n where primary[u] >= 0 { counts[primary[u] + 1] += 1 }
    for u in 0..<n { counts[u + 1] += counts[u] }
    var fill = counts
    var list = [Int](repeating: 0, count: counts[n])
    for u in order where primary[u] >= 0 {
      list[fill[primary[u]]] = u
      fill[primary[u]] += 1
    }
    self.parentOffsets = parentOffsets
    self.parentList = parents
    roots = order.filter { primary[$0] < 0 }
    topDown = order
    self.sizes = sizes
    childOffsets = counts
    childList = list
  }
}

/// Places caps on the unit sphere of R^d: shares of the whole sphere, and disjoint child caps
/// packed inside a parent cap through the tangent space at its centre.
struct CapPacker {
  let dimension: Int
  /// Random positions tried per cap before the least overlapping one is kept.
  var packingAttempts = 128

  /// Caps sharing the whole sphere in proportion to `sizes` (their volumes, as `pack` shares a
  /// cap), and their directions, spread so that the caps overlap as little as possible: on a
  /// circle side by side; in higher dimensions each the best of random candidates by its
  /// smallest gap (angle minus both caps) to those already chosen.
  func shareSphere(sizes: [Double], spread: Double, random: inout RandomSource)
    -> (caps: [Double], directions: [Double])
  {
    let d = dimension
    let total = sizes.reduce(0, +)
    guard d > 1 else {
      // Two directions: the children alternate between them.
      let caps = sizes.map { _ in Double.pi / 2 }
      return (caps, sizes.indices.map { $0 % 2 == 0 ? 1 : -1 })
    }
    if d == 2 {
      var caps: [Double] = []
      var directions: [Double] = []
      var angle = 2 * .pi * random.unitInterval()
      for size in sizes {
        let cap = min(.pi / 2, spread * .pi * size / total)
        caps.append(cap)
        angle += cap
        directions += [cos(angle), sin(angle)]
        angle += cap + (1 - spread) * .pi * size / total
      }
      return (caps, directions)
    }
    let exponent = 1 / Double(d - 1)
    // A hemisphere each for two equal children; smaller shares shrink like volumes.
    let caps = sizes.map { min(.pi / 2, spread * .pi / 2 * pow(2 * $0 / total, exponent)) }
    var directions: [Double] = []
    for (index, cap) in caps.enumerated() {
      var best: [Double] = []
      var bestGap = -Double.infinity
      for _ in 0..<64 {
        let candidate = randomUnitVector(d, &random)
        var gap = Double.infinity
        for other in 0..<index {
          var dot = 0.0
          for k in 0..<d { dot += candidate[k] * directions[other * d + k] }
          gap = min(gap, acos(max(-1, min(1, dot))) - cap - caps[other])
        }
        if gap > bestGap {
          bestGap = gap
          best = candidate
        }
      }
      directions += best
    }
    return (caps, directions)
  }

  /// Offsets in the (d − 1)-dimensional tangent space at the parent's centre, one per cap, such
  /// that each cap lies inside the parent's and outside the others and does not cover the centre.
  func pack(caps: [Double], inside parentCap: Double, random: inout RandomSource) -> [[Double]] {
    let m = max(dimension - 1, 1)
    var offsets = [[Double]](repeating: [Double](repeating: 0, count: m), count: caps.count)
    let order = caps.indices.sorted { caps[$0] > caps[$1] }
    if m == 1 {
      // A circle: lay the arcs side by side on both sides of the centre.
      var right = 0.0
      var left = 0.0
      for (rank, index) in order.enumerated() {
        let cap = caps[index]
        if rank % 2 == 0 {
          offsets[index][0] = right + cap
          right += 2 * cap
        } else {
          offsets[index][0] = -(left + cap)
          left += 2 * cap
        }
      }
      let extent = max(right, left)
      if extent > parentCap {
        for index in caps.indices { offsets[index][0] *= parentCap / extent }
      }
      return offsets
    }
    var placed: [Int] = []
    for index in order {
      let cap = caps[index]
      let inner = min(cap, max(parentCap - cap, 0))
      let outer = max(parentCap - cap, inner)
      var best = [Double](repeating: 0, count: m)
      var bestOverlap = Double.infinity
      attempts: for _ in 0..<packingAttempts {
        // Uniform in the shell inner ≤ |t| ≤ outer of R^m.
        let direction = randomUnitVector(m, &random)
        let u = random.unitInterval()
        let length = pow(pow(inner, Double(m)) + (pow(outer, Double(m)) - pow(inner, Double(m))) * u, 1 / Double(m))
        var overlap = 0.0
        for other in placed {
          var squared = 0.0
          for k in 0..<m {
            let difference = direction[k] * length - offsets[other][k]
            squared += difference * difference
          }
          overlap = max(overlap, cap + caps[other] - squared.squareRoot())
          if overlap >= bestOverlap { continue attempts }
        }
        bestOverlap = overlap
        best = direction.map { $0 * length }
        if overlap <= 0 { break }
      }
      offsets[index] = best
      placed.append(index)
    }
    return offsets
  }

  /// An orthonormal basis (d − 1 vectors of d values) of the complement of unit vector `e`.
  func complementBasis(of e: [Double], random: inout RandomSource) -> [[Double]] {
    let d = dimension
    var basis: [[Double]] = []
    while basis.count < d - 1 {
      var v = randomUnitVector(d, &random)
      for b in [e] + basis {
        var dot = 0.0
        for k in 0..<d { dot += v[k] * b[k] }
        for k in 0..<d { v[k] -= dot * b[k] }
      }
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      guard norm > 1e-6 else { continue }
      basis.append(v.map { $0 / norm })
    }
    return basis
  }

  /// The unit vector at angle |offset| from `centre`, towards `offset` (tangent coordinates in
  /// `basis`): the exponential map of the sphere at `centre`.
  func direction(at offset: [Double], from centre: [Double], basis: [[Double]]) -> [Double] {
    let d = dimension
    let angle = offset.reduce(0) { $0 + $1 * $1 }.squareRoot()
    var v = centre.map { $0 * cos(angle) }
    if angle > 0 {
      for (index, b) in basis.enumerated() where index < offset.count {
        let weight = sin(angle) * offset[index] / angle
        for k in 0..<d { v[k] += weight * b[k] }
      }
    }
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return v.map { $0 / norm }
  }

  private func randomUnitVector(_ count: Int, _ random: inout RandomSource) -> [Double] {
    var v = [Double](repeating: 0, count: count)
    while true {
      var index = 0
      while index < count {
        // Marsaglia's polar method: two independent normals per accepted pair.
        let a = 2 * random.unitInterval() - 1
        let b = 2 * random.unitInterval() - 1
        let s = a * a + b * b
        guard s > 0 && s < 1 else { continue }
        let scale = (-2 * log(s) / s).squareRoot()
        v[index] = a * scale
        if index + 1 < count { v[index + 1] = b * scale }
        index += 2
      }
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      if norm > 1e-9 {
        for k in 0..<count { v[k] /= norm }
        return v
      }
    }
  }
}
