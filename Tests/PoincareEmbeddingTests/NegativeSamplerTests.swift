import Testing
import TestSupport

@testable import PoincareEmbedding

/// Draws `draws` negative sets for node `u` with a fresh sampler over `relations`.
private func sampleNegatives(
  _ relations: Relations, for u: Int, negatives: Int, draws: Int, seed: UInt64,
  local: Int = 0, positive: Int = 0
) -> [[NodeID]] {
  let graph = RelationGraph(relations)
  let alias = AliasTable(.counts, counts: relations.vocabulary.counts, graph: graph)
  var random = RandomSource(seed: seed)
  var result: [[NodeID]] = []
  alias.withView { distribution in
    graph.offsets.withUnsafeBufferPointer { offsets in
      graph.targets.withUnsafeBufferPointer { targets in
        relations.vocabulary.counts.withUnsafeBufferPointer { counts in
          let marks = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: 2 * counts.count)
          defer { marks.deallocate() }
          var sampler = NegativeSampler(
            distribution: distribution, offsets: offsets, targets: targets,
            negativeCount: negatives, marks: marks)
          defer { sampler.deallocate() }
          sampler.localCount = local
          let reversed = RelationGraph(
            nodeCount: relations.nodeCount,
            pairs: stride(from: 0, to: relations.pairs.count, by: 2).flatMap {
              [relations.pairs[$0 + 1], relations.pairs[$0]]
            })
          let descendantOffsets = UnsafeMutableBufferPointer<Int>.allocate(capacity: reversed.offsets.count)
          let descendantTargets = UnsafeMutableBufferPointer<NodeID>.allocate(capacity: max(1, reversed.targets.count))
          defer {
            descendantOffsets.deallocate()
            descendantTargets.deallocate()
          }
          _ = descendantOffsets.initialize(from: reversed.offsets)
          _ = descendantTargets.initialize(from: reversed.targets)
          sampler.descendantOffsets = UnsafePointer(descendantOffsets.baseAddress)
          sampler.descendantTargets = UnsafePointer(descendantTargets.baseAddress)
          var output = [NodeID](repeating: -1, count: negatives)
          for _ in 0..<draws {
            output.withUnsafeMutableBufferPointer {
              sampler.sample(for: u, positive: positive, into: $0.baseAddress!, random: &random)
            }
            result.append(output)
          }
        }
      }
    }
  }
  return result
}

@Suite struct NegativeSamplerTests {
  @Test func neverAPositiveNeverARepeatAcrossSeedsAndGraphs() {
    // Small graphs use the without-replacement regime, larger ones the rejection regime.
    for (graphSeed, nodes) in [(1, 12), (2, 40), (3, 300), (4, 2_000)] as [(UInt64, Int)] {
      let relations = randomClosure(nodes: nodes, seed: graphSeed)
      let graph = RelationGraph(relations)
      for u in stride(from: 0, to: relations.nodeCount, by: max(1, relations.nodeCount / 25)) {
        let degree = graph.outDegree(u)
        let negatives = min(10, relations.nodeCount - degree)
        guard degree > 0, negatives > 0 else { continue }
        for seed in 0..<4 as Range<UInt64> {
          for sample in sampleNegatives(relations, for: u, negatives: negatives, draws: 50, seed: seed) {
            #expect(Set(sample).count == negatives, "repeat: graph \(graphSeed) node \(u)")
            #expect(
              !sample.contains { graph.contains(child: u, parent: $0) },
              "positive drawn: graph \(graphSeed) node \(u) seed \(seed)")
          }
        }
      }
    }
  }

  @Test func manyNegativesOverAFewHeavyNodesAreStillDistinct() {
    // 2,000 leaves under 3 hubs: independent draws of 60 negatives would almost surely repeat a
    // hub, so gensim's redraw-the-set regime would nearly never finish; sets come from the
    // without-replacement regime instead, still distinct and never a parent.
    let relations = Relations((0..<2_000).map { ("leaf\($0)", "hub\($0 % 3)") })
    let graph = RelationGraph(relations)
    for sample in sampleNegatives(relations, for: 0, negatives: 60, draws: 200, seed: 1) {
      #expect(Set(sample).count == 60)
      #expect(!sample.contains { graph.contains(child: 0, parent: $0) })
    }
  }

  @Test func localNegativesAreOtherDescendantsOfThePositive() {
    // A two-level tree: 5 groups of 20 leaves under their group node, groups under "root".
    var pairs: [(String, String)] = []
    for group in 0..<5 {
      pairs.append(("g\(group)", "root"))
      for leaf in 0..<20 {
        pairs.append(("l\(group)_\(leaf)", "g\(group)"))
        pairs.append(("l\(group)_\(leaf)", "root"))
      }
    }
    let relations = Relations(pairs)
    let graph = RelationGraph(relations)
    let u = relations.vocabulary.index(of: "l2_0")!
    let group = relations.vocabulary.index(of: "g2")!
    for sample in sampleNegatives(
      relations, for: u, negatives: 6, draws: 300, seed: 2, local: 3, positive: group)
    {
      #expect(Set(sample).count == 6)
      #expect(!sample.contains { graph.contains(child: u, parent: $0) })
      // The first three are u's siblings: leaves of the same group other than u (the drawn
      // rest may include u itself, as gensim's negatives may).
      for node in sample.prefix(3) {
        #expect(relations.vocabulary.name(of: Int(node)).hasPrefix("l2_") && Int(node) != u)
      }
    }
  }

  @Test func frequenciesFollowCountsInTheRejectionRegime() {
    // 400 leaves under one root: the root is every leaf's only parent, so for a leaf u the
    // candidates are the other leaves (count 1 each) and u itself; the root (count 400) is
    // excluded. Each candidate's expected share of draws is 1/400. Band: ×2/3 … ×4/3
    // (swift-algorithms' band for 10,000+ draws).
    let relations = Relations((0..<400).map { ("leaf\($0)", "root") })
    let draws = sampleNegatives(relations, for: 0, negatives: 5, draws: 8_000, seed: 7)
    var frequency = [Int](repeating: 0, count: relations.nodeCount)
    for sample in draws { for node in sample { frequency[Int(node)] += 1 } }
    let root = relations.vocabulary.index(of: "root")!
    #expect(frequency[root] == 0)
    let expected = Double(draws.count * 5) / 400
    for node in 0..<relations.nodeCount where node != root {
      #expect(Double(frequency[node]) > expected * 2 / 3 && Double(frequency[node]) < expected * 4 / 3)
    }
  }

  @Test func excludedHeavyParentsFallBackToTheExplicitTable() {
    // "a" has the two heaviest nodes as its only parents (98% of the weight; 200 light pairs
    // keep it in the low-out-degree regime), so a draw often sees 64 rejections in a row
    // (0.98⁶⁴ ≈ 27%) and falls back to the explicit table, which must see the parents as
    // excluded too.
    var pairs = [("a", "root"), ("a", "top")]
    pairs += [(String, String)](repeating: ("root", "top"), count: 10_000)
    pairs += (0..<200).map { ("leaf\($0)", "parent\($0)") }
    let relations = Relations(pairs)
    let graph = RelationGraph(relations)
    let a = relations.vocabulary.index(of: "a")!
    for sample in sampleNegatives(relations, for: a, negatives: 5, draws: 400, seed: 5) {
      #expect(Set(sample).count == 5)
      #expect(!sample.contains { graph.contains(child: a, parent: $0) })
    }
  }

  @Test func frequenciesFollowCountsWithoutReplacement() {
    // Node "a" has count 6 of 12 (three relations hang on it), so it is drawn far more often
    // than count-1 nodes, and never twice in one set. With 5 candidates and 2 negatives,
    // numpy's choice keeps the first distinct draws: P(a in set) = 1 − P(no a in either round).
    let relations = Relations([
      ("u", "p"), ("x", "a"), ("y", "a"), ("z", "a"), ("a", "w"), ("a", "v"), ("a", "t"),
    ])
    let u = relations.vocabulary.index(of: "u")!
    let a = NodeID(relations.vocabulary.index(of: "a")!)
    let draws = sampleNegatives(relations, for: u, negatives: 2, draws: 20_000, seed: 3)
    let withA = draws.filter { $0.contains(a) }.count
    // Candidates (all but p): u 1, a 6, x, y, z, w, v, t 1 each → total 13 of which a has 6.
    // Round 1 draws two: P(no a) = (7/13)²; if one non-a was found, round 2 draws from 12
    // remaining with a 6/12 … exact value computed below.
    let pA = 6.0 / 13
    let pOther = 7.0 / 13
    // P(a absent) = P(two distinct non-a in round 1) · 1 + P(same non-a twice) · P(no a in round 2)
    let distinctOthers = pOther * pOther - 7 * (1.0 / 13) * (1.0 / 13)
    let sameOther = 7 * (1.0 / 13) * (1.0 / 13)
    let absent = distinctOthers + sameOther * (6.0 / 12)
    let expected = (1 - absent) * Double(draws.count)
    #expect(pA > 0 && abs(Double(withA) - expected) < 0.02 * Double(draws.count), "\(withA) vs \(expected)")
  }

  @Test func theSameSeedGivesTheSameSequence() {
    let relations = randomClosure(nodes: 500, seed: 9)
    let first = sampleNegatives(relations, for: 17, negatives: 10, draws: 20, seed: 42)
    let second = sampleNegatives(relations, for: 17, negatives: 10, draws: 20, seed: 42)
    let other = sampleNegatives(relations, for: 17, negatives: 10, draws: 20, seed: 43)
    #expect(first == second)
    #expect(first != other)
  }

  @Test func tooFewCandidatesIsAnErrorBeforeTraining() throws {
    // gensim: 'Cannot sample 10 negative nodes from a set of 3 negative nodes for a'.
    let relations = Relations([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")])
    var configuration = TrainingConfiguration()
    configuration.dimension = 2
    let error = try #require(throws: TrainingError.self) {
      try PoincareTrainer(relations: relations, configuration: configuration)
    }
    #expect(error == .tooFewNegatives(node: "a", available: 2, requested: 10))
  }
}

@Suite struct AliasTableTests {
  @Test func probabilitiesAreExactlyTheWeightShares() {
    // Exact in integer arithmetic: bucket shares must add up to weight/total for every node.
    var random = RandomSource(seed: 4)
    for size in [1, 2, 7, 100, 1_000] {
      let weights = (0..<size).map { _ in random.bounded(50) + (random.bounded(3) == 0 ? 1_000 : 0) }
      guard weights.reduce(0, +) > 0 else { continue }
      let table = AliasTable(weights: weights)
      let total = Double(weights.reduce(0, +))
      for node in 0..<size {
        #expect(
          isClose(table.probability(of: node), Double(weights[node]) / total, relative: 1e-12,
            absolute: 1e-15), "size \(size) node \(node)")
      }
    }
  }

  @Test func distributionsFromCounts() {
    let counts = [1, 4, 9, 16]
    #expect(AliasTable(.counts, counts: counts).weights == counts)
    #expect(AliasTable(.uniform, counts: counts).weights == [1, 1, 1, 1])
    let rooted = AliasTable(.countsPower(0.5), counts: counts).weights.map(Double.init)
    // √counts = 1, 2, 3, 4 up to the integer scaling (2³⁰ in all).
    #expect(isClose(rooted[3] / rooted[0], 4, relative: 1e-8))
    #expect(isClose(rooted[2] / rooted[1], 1.5, relative: 1e-8))
  }

  @Test func uniformNegativesIgnoreCounts() {
    // With uniform sampling the heavy node "a" is drawn no more often than any other.
    let relations = Relations([("u", "p")] + (0..<300).map { ("x\($0)", "a") })
    let graph = RelationGraph(relations)
    let table = AliasTable(.uniform, counts: relations.vocabulary.counts, graph: graph)
    var random = RandomSource(seed: 8)
    var heavy = 0
    let draws = 20_000
    table.withView { distribution in
      graph.offsets.withUnsafeBufferPointer { offsets in
        graph.targets.withUnsafeBufferPointer { targets in
          let marks = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: 2 * relations.nodeCount)
          defer { marks.deallocate() }
          var sampler = NegativeSampler(
            distribution: distribution, offsets: offsets, targets: targets, negativeCount: 1,
            marks: marks)
          defer { sampler.deallocate() }
          var output: NodeID = 0
          let a = NodeID(relations.vocabulary.index(of: "a")!)
          for _ in 0..<draws {
            sampler.sample(for: 0, positive: 0, into: &output, random: &random)
            if output == a { heavy += 1 }
          }
        }
      }
    }
    // 302 candidates (all but p): expected 20,000/302 ≈ 66; counts would give ~50%.
    #expect(heavy > 30 && heavy < 120, "\(heavy)")
  }
}

@Suite struct LearningRateScheduleTests {
  @Test func linearDecreasesToRateOverEpochs() {
    var configuration = TrainingConfiguration()
    configuration.learningRate = 1.0
    configuration.epochs = 4
    #expect((0..<4).map { configuration.learningRate(epoch: $0) } == [1, 1, 1, 1])
    configuration.learningRateSchedule = .linear
    #expect((0..<4).map { configuration.learningRate(epoch: $0) } == [1, 0.75, 0.5, 0.25])
  }
}
