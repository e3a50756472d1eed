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
        let direction = (0..<dimension).map { _ in random.unitInterval() - 0.5 }
        let length = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        table += direction.map { $0 / length * (1 - 1e-15) }
      case "identical":
        table += [Double](repeating: 0.3 / Double(dimension).squareRoot(), count: dimension)
      default:  // identical and at the edge: all on one point of norm 1 − 1e-15
        table += [1 - 1e-15] + [Double](repeating: 0, count: dimension - 1)
      }
      _ = node
    }
    return table
  }

  @Test(arguments: ["edge", "identical", "identical-edge"], [0.1, 1e6])
  func trainingStaysFiniteInsideTheBallOrStopsCleanly(start: String, learningRate: Double)
    throws
  {
    let relations = try RelationFile.read("\(repositoryRoot)/data/toy_closure.tsv")
    var configuration = TrainingConfiguration()
    configuration.dimension = 3
    configuration.negativeCount = 4
    configuration.epochs = 3
    configuration.burnInEpochs = 1
    configuration.learningRate = learningRate
    configuration.burnInLearningRate = learningRate
    let trainer = try PoincareTrainer(
      relations: relations, configuration: configuration,
      table: Self.table(start, nodes: relations.nodeCount, dimension: 3),
      position: TrainingPosition())
    do {
      try trainer.train()
    } catch TrainingError.nonFiniteValue {
      // Allowed: the table below must still be the last finite one.
    }
    #expect(trainer.table.allSatisfy { $0.isFinite }, "\(start) at \(learningRate)")
    for node in 0..<relations.nodeCount {
      let squaredNorm = trainer.vectors.vector(node).reduce(0) { $0 + $1 * $1 }
      #expect(squaredNorm < 1, "\(start) at \(learningRate): node \(node)")
    }
    // The distances and queries on the result are finite too.
    let vectors = trainer.vectors
    for node in 0..<vectors.count {
      #expect(vectors.distances(from: node).allSatisfy { $0.isFinite })
    }
  }
}
