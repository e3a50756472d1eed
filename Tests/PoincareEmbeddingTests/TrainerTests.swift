import Foundation
import Synchronization
import Testing
import TestSupport

@testable import PoincareEmbedding

/// The toy hierarchy shipped in data/ (14 nodes, 31 closure pairs).
private func toyRelations() throws -> Relations {
  try RelationFile.read("\(repositoryRoot)/data/toy_closure.tsv")
}

private func smallConfiguration(
  epochs: Int = 5, burnIn: Int = 2, threads: Int = 1, seed: UInt64 = 0
) -> TrainingConfiguration {
  var configuration = TrainingConfiguration()
  configuration.dimension = 5
  configuration.negativeCount = 4
  configuration.epochs = epochs
  configuration.burnInEpochs = burnIn
  configuration.threadCount = threads
  configuration.seed = seed
  return configuration
}

@Suite struct TrainerTests {
  @Test func oneThreadWithTheSameSeedGivesTheSameBits() throws {
    let relations = try toyRelations()
    let first = try PoincareTrainer(relations: relations, configuration: smallConfiguration())
    try first.train()
    let second = try PoincareTrainer(relations: relations, configuration: smallConfiguration())
    try second.train()
    let isSame = first.table == second.table
    #expect(isSame)
    let other = try PoincareTrainer(
      relations: relations, configuration: smallConfiguration(seed: 1))
    try other.train()
    let isDifferent = first.table != other.table
    #expect(isDifferent)
  }

  @Test func initialisationIsUniformInTheRangeAndZeroEpochsChangeNothing() throws {
    let trainer = try PoincareTrainer(
      relations: try toyRelations(), configuration: smallConfiguration(epochs: 0, burnIn: 0))
    let initial = trainer.table
    #expect(initial.allSatisfy { $0 >= -0.001 && $0 <= 0.001 })
    #expect(Set(initial).count == initial.count)
    try trainer.train()
    #expect(trainer.table.elementsEqual(initial), "vectors changed")
    #expect(trainer.isComplete)
  }

  @Test func burnInRunsOnceAndTrainingContinuesFromThere() throws {
    let trainer = try PoincareTrainer(
      relations: try toyRelations(), configuration: smallConfiguration(epochs: 3, burnIn: 2))
    let phases = Mutex<[TrainingPhase]>([])
    try trainer.train(observer: { report in
      if report.isEpochEnd { phases.withLock { $0.append(report.phase) } }
    })
    #expect(phases.withLock { $0 } == [.burnIn, .burnIn, .training, .training, .training])
    #expect(trainer.position == TrainingPosition(burnInEpochs: 2, epochs: 3, round: 0))
    let table = trainer.table
    try trainer.train()
    #expect(trainer.table.elementsEqual(table), "a second train() changed the vectors")
  }

  @Test func everyNormStaysInsideTheBallAndLossFalls() throws {
    // A random 300-node hierarchy: 1,509 closure pairs, so an epoch's loss is a stable average.
    let relations = randomClosure(nodes: 300, seed: 5)
    var configuration = smallConfiguration(epochs: 40, burnIn: 5)
    configuration.negativeCount = 10
    configuration.learningRate = 0.3
    let trainer = try PoincareTrainer(relations: relations, configuration: configuration)
    let losses = Mutex<[Double]>([])
    try trainer.train(observer: { report in
      if report.isEpochEnd { losses.withLock { $0.append(report.loss) } }
    })
    let recorded = losses.withLock { $0 }
    // Start: each relation's loss is about ln(1 + 10) at the initial tiny distances; gensim's
    // mean per batch weights the short last batch like the others.
    let batches = (relations.count + 9) / 10
    let initial = Double(relations.count) * log(11.0) / Double(batches)
    #expect(abs(recorded[0] - initial) < 0.5, "\(recorded[0]) vs \(initial)")
    #expect(recorded.last! < 0.4 * recorded[0], "\(recorded)")
    let vectors = trainer.vectors
    for node in 0..<vectors.count {
      let norm = vectors.vector(node).reduce(0) { $0 + $1 * $1 }.squareRoot()
      #expect(norm < 1 - configuration.epsilon)
    }
  }

  @Test func parentsEndNearerTheOriginThanTheirChildren() throws {
    var configuration = smallConfiguration(epochs: 300, burnIn: 10)
    configuration.learningRate = 0.3
    let relations = try toyRelations()
    let trainer = try PoincareTrainer(relations: relations, configuration: configuration)
    try trainer.train()
    let vectors = trainer.vectors
    func norm(_ node: NodeID) -> Double {
      vectors.vector(Int(node)).reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
    for index in 0..<relations.count {
      let child = relations.child(index)
      let parent = relations.parent(index)
      #expect(
        norm(parent) < norm(child),
        "\(relations.vocabulary.name(of: Int(parent))) is not nearer the origin than \(relations.vocabulary.name(of: Int(child)))")
    }
  }

  @Test func aHugeLearningRateStaysFiniteOrStopsCleanly() throws {
    for learningRate in [1e3, 1e6, 1e300] {
      var configuration = smallConfiguration(epochs: 3, burnIn: 0)
      configuration.learningRate = learningRate
      let trainer = try PoincareTrainer(relations: try toyRelations(), configuration: configuration)
      do {
        try trainer.train()
      } catch let error as TrainingError {
        guard case .nonFiniteValue = error else { throw error }
      }
      #expect(trainer.table.allSatisfy { $0.isFinite }, "lr \(learningRate)")
      for node in 0..<trainer.vectors.count {
        let norm = trainer.vectors.vector(node).reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(norm < 1, "lr \(learningRate)")
      }
    }
  }

  @Test func severalThreadsKeepEveryRowFiniteAndInside() throws {
    let relations = try toyRelations()
    let trainer = try PoincareTrainer(
      relations: relations, configuration: smallConfiguration(epochs: 20, threads: 3))
    try trainer.train()
    #expect(trainer.table.allSatisfy { $0.isFinite })
    for node in 0..<trainer.vectors.count {
      #expect(trainer.vectors.vector(node).reduce(0) { $0 + $1 * $1 } < 1)
    }
    let again = try PoincareTrainer(
      relations: relations, configuration: smallConfiguration(epochs: 20, threads: 3))
    try again.train()
    let isSame = again.table == trainer.table
    #expect(isSame, "same seed and thread count")
  }

  @Test func aStoppedRunResumesToTheSameBits() throws {
    let relations = Relations((0..<3_000).map { ("leaf\($0)", "root\($0 % 7)") })
    var configuration = smallConfiguration(epochs: 2, burnIn: 1)
    configuration.negativeCount = 3
    let whole = try PoincareTrainer(relations: relations, configuration: configuration)
    try whole.train()
    let stop = StopSignal()
    let parted = try PoincareTrainer(relations: relations, configuration: configuration)
    let completed = try parted.train(
      observer: { report in if report.epoch == 1 && report.phase == .training { stop.request() } },
      reportInterval: 0, stop: stop)
    #expect(!completed)
    #expect(parted.position.round > 0 || parted.position.epochs > 0)
    let resumed = try PoincareTrainer(
      relations: relations, configuration: configuration, table: parted.table,
      position: parted.position)
    try resumed.train()
    let isSame = resumed.table == whole.table
    #expect(isSame)
  }
}

@Suite struct TrainingStepTests {
  /// L(u, v₀, v₁…) = d(u, v₀) + log Σⱼ e^(−d(u, vⱼ)) + reg·‖v₀‖², the loss whose gradient gensim's
  /// `PoincareBatch` computes (its `_loss_fn`).
  static func loss(_ rows: [[Double]], reg: Double) -> Double {
    let distances = rows.dropFirst().map { PoincareBall.distance(rows[0], $0) }
    let partition = distances.reduce(0) { $0 + exp(-$1) }
    return distances[0] + log(partition) + reg * rows[1].reduce(0) { $0 + $1 * $1 }
  }

  @Test(arguments: [0.0, 1.0], [0.3, 0.97])
  func oneStepFollowsTheAnalyticGradient(regularization: Double, scale: Double) {
    // Rows: u, v₀ (positive), three negatives, at random points of norm up to `scale`.
    let dimension = 4
    var rows = randomStepRows(count: 5, dimension: dimension, scale: scale, seed: 11)
    var configuration = TrainingConfiguration()
    configuration.dimension = dimension
    configuration.negativeCount = 3
    configuration.regularizationCoefficient = regularization
    var table = rows.flatMap { $0 }
    let learningRate = 1e-3  // small enough that no row reaches the projection
    let batchLoss = PoincareTrainer.applyBatch(
      to: &table, configuration: configuration, relations: [(0, 1)], negatives: [[2, 3, 4]],
      learningRate: learningRate)
    let expectedLoss = Self.loss(rows, reg: 0)
    #expect(isClose(batchLoss!, expectedLoss, relative: 1e-12))
    for row in 0..<5 {
      let squaredNorm = rows[row].reduce(0) { $0 + $1 * $1 }
      let factor = learningRate * (1 - squaredNorm) * (1 - squaredNorm) / 4
      for index in 0..<dimension {
        let analytic = -(table[row * dimension + index] - rows[row][index]) / factor
        let numeric = centralDifference(
          { Self.loss($0, reg: regularization) }, at: rows, row: row, index: index)
        #expect(
          isClose(analytic, numeric, relative: 1e-5, absolute: 1e-5),
          "row \(row) coordinate \(index): \(analytic) vs \(numeric)")
      }
    }
    rows[0][0] += 0  // rows stay the reference
  }

  @Test func duplicateRowsInABatchGetTheSumOfTheirUpdates() {
    // gensim's `_handle_duplicates`: updates to the same row are summed, all computed from the
    // pre-batch rows. Node 0 is u in both relations and node 3 a negative in both.
    var configuration = TrainingConfiguration()
    configuration.dimension = 2
    configuration.negativeCount = 1
    let start: [Double] = [0.1, 0.2, -0.3, 0.1, 0.2, 0.4, -0.1, -0.5]
    let learningRate = 0.01
    var both = start
    _ = PoincareTrainer.applyBatch(
      to: &both, configuration: configuration, relations: [(0, 1), (0, 2)], negatives: [[3], [3]],
      learningRate: learningRate)
    var first = start
    _ = PoincareTrainer.applyBatch(
      to: &first, configuration: configuration, relations: [(0, 1)], negatives: [[3]],
      learningRate: learningRate)
    var second = start
    _ = PoincareTrainer.applyBatch(
      to: &second, configuration: configuration, relations: [(0, 2)], negatives: [[3]],
      learningRate: learningRate)
    for index in 0..<start.count {
      let summed = start[index] + (first[index] - start[index]) + (second[index] - start[index])
      #expect(isClose(both[index], summed, relative: 1e-14, absolute: 1e-16))
    }
  }

  @Test func uRowsAreClippedBeforeTheirUpdateAsANegativeIsAdded() {
    // Node 0 is u of the first relation and the negative of the second. A large step pushes it
    // out; gensim clips after the u updates, then adds the v update (computed from the pre-batch
    // row) and clips again, so the row ends inside the ball.
    var configuration = TrainingConfiguration()
    configuration.dimension = 2
    configuration.negativeCount = 1
    var table: [Double] = [0.9, 0.0, -0.5, 0.1, 0.3, -0.6]
    let loss = PoincareTrainer.applyBatch(
      to: &table, configuration: configuration, relations: [(0, 1), (1, 2)], negatives: [[2], [0]],
      learningRate: 100)
    #expect(loss != nil)
    for row in 0..<3 {
      let norm = (table[2 * row] * table[2 * row] + table[2 * row + 1] * table[2 * row + 1]).squareRoot()
      #expect(norm < 1 - 1e-5)
    }
  }
}

@Suite struct LorentzStepTests {
  /// −⟨x, y⟩ for hyperboloid rows.
  static func gamma(_ x: [Double], _ y: [Double]) -> Double {
    x[0] * y[0] - zip(x.dropFirst(), y.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
  }

  /// L = d(u, v₀) + log Σⱼ e^(−d(u, vⱼ)) with d = arcosh(−⟨u, v⟩), over ambient coordinates.
  static func loss(_ rows: [[Double]]) -> Double {
    let distances = rows.dropFirst().map { acosh(max(gamma(rows[0], $0), 1)) }
    return distances[0] + log(distances.reduce(0) { $0 + exp(-$1) })
  }

  @Test func oneStepFollowsTheRiemannianGradient() {
    var random = RandomSource(seed: 3)
    let dimension = 3
    let rows: [[Double]] = (0..<5).map { _ in
      LorentzModel.lift((0..<dimension).map { _ in 2 * random.unitInterval() - 1 }[...])
    }
    var configuration = TrainingConfiguration()
    configuration.dimension = dimension
    configuration.negativeCount = 3
    configuration.model = .lorentz
    var table = rows.flatMap { $0 }
    let learningRate = 1e-6
    _ = PoincareTrainer.applyBatch(
      to: &table, configuration: configuration, relations: [(0, 1)], negatives: [[2, 3, 4]],
      learningRate: learningRate)
    for row in 0..<5 {
      // Riemannian gradient: the Euclidean gradient of the ambient loss, with the time
      // coordinate's sign flipped (the metric's inverse), projected onto the tangent space.
      var euclidean = [Double](repeating: 0, count: dimension + 1)
      for index in 0...dimension {
        let h = 1e-6
        var plus = rows
        plus[row][index] += h
        var minus = rows
        minus[row][index] -= h
        euclidean[index] = (Self.loss(plus) - Self.loss(minus)) / (2 * h)
      }
      var flipped = euclidean
      flipped[0] = -flipped[0]
      let x = rows[row]
      let along = -x[0] * flipped[0] + zip(x.dropFirst(), flipped.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
      let riemannian = zip(flipped, x).map { $0 + along * $1 }
      for index in 0...dimension {
        let moved = (table[row * (dimension + 1) + index] - x[index]) / learningRate
        #expect(
          isClose(moved, -riemannian[index], relative: 1e-4, absolute: 1e-6),
          "row \(row) coordinate \(index): \(moved) vs \(-riemannian[index])")
      }
    }
  }
}

extension LorentzStepTests {
  @Test func aSmallStepMovesBallPointsAsThePoincareStepDoes() {
    // The same batch on the same points, once in the ball and once on the hyperboloid
    // (x = ((1 + ‖p‖²), 2p)/(1 − ‖p‖²)): Riemannian SGD in either model follows the same
    // gradient, so small steps agree to first order.
    var random = RandomSource(seed: 5)
    let dimension = 3
    let ball: [[Double]] = (0..<6).map { _ in (0..<dimension).map { _ in 0.5 * random.unitInterval() - 0.25 } }
    let hyperboloid = ball.map { p -> [Double] in
      let squared = p.reduce(0) { $0 + $1 * $1 }
      return [(1 + squared) / (1 - squared)] + p.map { 2 * $0 / (1 - squared) }
    }
    var configuration = TrainingConfiguration()
    configuration.dimension = dimension
    configuration.negativeCount = 2
    configuration.regularizationCoefficient = 0
    var poincare = ball.flatMap { $0 }
    _ = PoincareTrainer.applyBatch(
      to: &poincare, configuration: configuration, relations: [(0, 1), (5, 0)],
      negatives: [[2, 3], [4, 1]], learningRate: 1e-5)
    configuration.model = .lorentz
    var lorentz = hyperboloid.flatMap { $0 }
    _ = PoincareTrainer.applyBatch(
      to: &lorentz, configuration: configuration, relations: [(0, 1), (5, 0)],
      negatives: [[2, 3], [4, 1]], learningRate: 1e-5)
    for row in 0..<6 {
      let x = Array(lorentz[(row * 4)..<(row * 4 + 4)])
      for index in 0..<dimension {
        let fromLorentz = x[index + 1] / (1 + x[0])
        let moved = (poincare[row * dimension + index] - ball[row][index]) / 1e-5
        let movedLorentz = (fromLorentz - ball[row][index]) / 1e-5
        #expect(
          isClose(moved, movedLorentz, relative: 1e-3, absolute: 1e-6),
          "row \(row) coordinate \(index): ball \(moved) vs hyperboloid \(movedLorentz)")
      }
    }
  }
}

extension LorentzStepTests {
  @Test(arguments: [1e-3, 0.3, 3.0])
  func aNodeDrawnAsItsOwnNegativeTakesAStepOfAtMostTheLearningRate(scale: Double) {
    // gensim lets u be its own negative (distance 0, gradient zeroed). On the hyperboloid
    // −⟨u, u⟩ rounds to 1 ± ulp·x₀², which must not become a huge step.
    var configuration = TrainingConfiguration()
    configuration.dimension = 3
    configuration.negativeCount = 2
    configuration.model = .lorentz
    let rows: [[Double]] = [[3, -2, 1], [2, 4, -3], [1, 1, 2]].map { point in
      LorentzModel.lift(point.map { $0 * scale }[...])
    }
    var table = rows.flatMap { $0 }
    let learningRate = 0.01
    _ = PoincareTrainer.applyBatch(
      to: &table, configuration: configuration, relations: [(0, 1)], negatives: [[0, 2]],
      learningRate: learningRate)
    for row in 0..<3 {
      let moved = Array(table[(row * 4)..<(row * 4 + 4)])
      let distance = acosh(max(Self.gamma(moved, rows[row]), 1))
      // Each of the row's (at most two) updates is a step of length lr·|w| ≤ lr.
      #expect(distance <= 2 * learningRate + 1e-9, "row \(row) moved \(distance)")
    }
  }
}
