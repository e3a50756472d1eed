import TestSupport
import Testing

@testable import PoincareEmbedding

/// Training from the worst starting points: every row at norm 1 − 1e-15, every row identical,
/// rows at the edge and identical at once, at ordinary and absurd learning rates. Training
/// either keeps every row finite and inside the ball or stops with `nonFiniteValue` and keeps
/// the last finite table (TrainerTests.aHugeLearningRateStaysFiniteOrStopsCleanly covers the
/// ordinary initialisation).
@Suite struct TrainerExtremesTests {
  static func table(_ kind: String, nodes: Int, dimension: Int) -> [Double] {
    var random = RandomSource(seed: 7)
    var table: [Double] = []
    for node in 0..<nodes {
      switch kind {
      case "edge":  // a random direction at norm 1 − 1e-15
        table += randomBallPoint(dimension: dimension, radius: 1 - 1e-15, using: &random)
      case "identical":
        table += [Double](repeating: 0.3 / Double(dimension).squareRoot(), count: dimension)
      default:  // identical and at the edge: all on one point of norm 1 − 1e-15
        table += [1 - 1e-15] + [Double](repeating: 0, count: dimension - 1)
      }
      _ = node
    }
    return table
  }

  /// `table` (ball coordinates) as hyperboloid rows: x₀ = (1 + r²)/(1 − r²), spatial part
  /// 2p/(1 − r²); at r = 1 − 1e-15 that is about 1e15.
  static func lifted(_ table: [Double], dimension: Int) -> [Double] {
    var rows: [Double] = []
    for start in stride(from: 0, to: table.count, by: dimension) {
      let point = table[start..<(start + dimension)]
      let squaredNorm: Double = point.reduce(0) { $0 + $1 * $1 }
      let scale = 2 / (1 - squaredNorm)
      rows.append((1 + squaredNorm) / (1 - squaredNorm))
      rows += point.map { $0 * scale }
    }
    return rows
  }

  @Test(
    arguments: ["edge", "identical", "identical-edge"],
    [(0.1, EmbeddingModel.poincare), (1e6, .poincare), (0.1, .lorentz), (1e6, .lorentz)])
  func trainingStaysFiniteInsideTheBallOrStopsCleanly(
    start: String, run: (learningRate: Double, model: EmbeddingModel)
  ) throws {
    let learningRate = run.learningRate
    let relations = try RelationFile.read("\(repositoryRoot)/data/toy_closure.tsv")
    var configuration = TrainingConfiguration()
    configuration.dimension = 3
    configuration.negativeCount = 4
    configuration.epochs = 3
    configuration.burnInEpochs = 1
    configuration.learningRate = learningRate
    configuration.burnInLearningRate = learningRate
    configuration.model = run.model
    let ball = Self.table(start, nodes: relations.nodeCount, dimension: 3)
    let trainer = try PoincareTrainer(
      relations: relations, configuration: configuration,
      table: run.model == .lorentz ? Self.lifted(ball, dimension: 3) : ball,
      position: TrainingPosition())
    do {
      try trainer.train()
    } catch TrainingError.nonFiniteValue {
      // Allowed: the table below must still be the last finite one.
    }
    #expect(trainer.table.allSatisfy { $0.isFinite }, "\(start) at \(run)")
    for node in 0..<relations.nodeCount {
      let squaredNorm = trainer.vectors.vector(node).reduce(0) { $0 + $1 * $1 }
      #expect(squaredNorm < 1, "\(start) at \(run): node \(node)")
    }
    // The distances and queries on the result are finite too.
    let vectors = trainer.vectors
    for node in 0..<vectors.count {
      #expect(vectors.distances(from: node).allSatisfy { $0.isFinite })
    }
  }
}
