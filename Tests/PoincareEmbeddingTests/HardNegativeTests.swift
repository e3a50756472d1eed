import Foundation
import Testing
import TestSupport

@testable import PoincareEmbedding

@Suite struct HardNegativeTests {
  /// Random points in the ball, spread so that float keys order them as exact keys do.
  private func randomVectors(_ relations: Relations, dimension: Int, seed: UInt64) -> KeyedVectors {
    var random = RandomSource(seed: seed)
    var values: [Double] = []
    for _ in 0..<relations.nodeCount {
      let radius = 0.2 + 0.75 * random.unitInterval()
      values += randomBallPoint(dimension: dimension, radius: radius, using: &random)
    }
    return KeyedVectors(vocabulary: relations.vocabulary, dimension: dimension, values: values)
  }

  private func distance(_ vectors: KeyedVectors, _ a: Int, _ b: Int) -> Double {
    PoincareBall.distance(Array(vectors.vector(a)), Array(vectors.vector(b)))
  }

  @Test(arguments: [1, 2]) func listsAreTheNearestNonAncestorsWithinTheBound(threads: Int) throws {
    let relations = randomClosure(nodes: 300, seed: 11)
    let graph = RelationGraph(relations)
    let vectors = randomVectors(relations, dimension: 5, seed: 3)
    let capacity = 8
    let margin = 0.5
    let table = HardNegativeTable(nodeCount: relations.nodeCount, capacity: capacity)
    table.refresh(vectors: vectors, graph: graph, margin: margin, threadCount: threads)
    var listed = 0
    for u in 0..<relations.nodeCount {
      let ancestors = Set(graph.outNeighbors(u).map(Int.init))
      let found = (0..<Int(table.counts[u])).map { Int(table.nodes[u * capacity + $0]) }
      listed += found.count
      guard !ancestors.isEmpty else {
        #expect(found.isEmpty, "node \(u) has no ancestors but a list")
        continue
      }
      let farthest = ancestors.map { distance(vectors, u, $0) }.max()!
      let expected = (0..<relations.nodeCount)
        .filter { $0 != u && !ancestors.contains($0) }
        .map { ($0, distance(vectors, u, $0)) }
        .filter { $0.1 < farthest + margin }
        .sorted { $0.1 < $1.1 }
        .prefix(capacity)
      // Float keys may swap candidates whose distances agree to ~1e-6; these random points
      // never come that close, so the lists match exactly, nearest first.
      #expect(found == expected.map(\.0), "node \(u)")
    }
    #expect(listed > relations.nodeCount)
  }
}

@Suite struct HardNegativeStepTests {
  /// d(u, v₀) + log Σⱼ e^(−d(u, vⱼ)) over the given slots of `rows` (u first, then v₀).
  static func loss(_ rows: [[Double]], slots: [Int]) -> Double {
    let distances = slots.map { PoincareBall.distance(rows[0], rows[$0]) }
    return distances[0] + log(distances.reduce(0) { $0 + exp(-$1) })
  }

  /// u, the positive and the uniform negatives follow the gradient of the softmax loss without
  /// the hard negatives; each hard negative follows the gradient of the loss with every slot,
  /// times its push scale.
  @Test(arguments: [0.3, 0.97])
  func hardNegativesMoveOnlyThemselvesWithTheWholeSoftmax(scale: Double) {
    // Rows: u, v₀, two hard negatives, two uniform negatives.
    let dimension = 4
    let rows = randomStepRows(count: 6, dimension: dimension, scale: scale, seed: 21)
    var configuration = TrainingConfiguration()
    configuration.dimension = dimension
    configuration.negativeCount = 4
    configuration.regularizationCoefficient = 0
    var table = rows.flatMap { $0 }
    let pushScales = [1, 1, 0.25, 1, 1, 1.0]
    let learningRate = 1e-3
    let batchLoss = PoincareTrainer.applyBatch(
      to: &table, configuration: configuration, relations: [(0, 1)], negatives: [[2, 3, 4, 5]],
      learningRate: learningRate, hardNegatives: 2, pushScales: pushScales)
    let soft = [1, 4, 5]
    let all = [1, 2, 3, 4, 5]
    #expect(isClose(batchLoss!, Self.loss(rows, slots: soft), relative: 1e-12))
    for row in 0..<6 {
      let isHard = row == 2 || row == 3
      let squaredNorm = rows[row].reduce(0) { $0 + $1 * $1 }
      let factor =
        learningRate * (1 - squaredNorm) * (1 - squaredNorm) / 4 * (isHard ? pushScales[row] : 1)
      for index in 0..<dimension {
        let analytic = -(table[row * dimension + index] - rows[row][index]) / factor
        let slots = isHard ? all : soft
        let numeric = centralDifference(
          { Self.loss($0, slots: slots) }, at: rows, row: row, index: index)
        #expect(
          isClose(analytic, numeric, relative: 1e-5, absolute: 1e-5),
          "row \(row) coordinate \(index): \(analytic) vs \(numeric)")
      }
    }
  }

  @Test func withoutHardNegativesTheStepIsGensims() {
    var configuration = TrainingConfiguration()
    configuration.dimension = 3
    configuration.negativeCount = 2
    let start: [Double] = [0.1, 0.2, -0.3, 0.1, 0.2, 0.4, -0.1, -0.5, 0.2, 0.3, 0.3, 0.1]
    var plain = start
    let plainLoss = PoincareTrainer.applyBatch(
      to: &plain, configuration: configuration, relations: [(0, 1)], negatives: [[2, 3]],
      learningRate: 0.1)
    var scaled = start
    let scaledLoss = PoincareTrainer.applyBatch(
      to: &scaled, configuration: configuration, relations: [(0, 1)], negatives: [[2, 3]],
      learningRate: 0.1, hardNegatives: 0, pushScales: [0.5, 0.5, 0.5, 0.5])
    #expect(plain == scaled)
    #expect(plainLoss == scaledLoss)
  }
}
