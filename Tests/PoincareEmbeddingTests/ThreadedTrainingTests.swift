import TestSupport
import Testing

@testable import PoincareEmbedding

/// Training on several threads (`TrainingEngine`): deterministic for a seed and thread count,
/// every row finite and inside the ball (or on the hyperboloid), and the hierarchy learned as
/// with one thread. One thread's bits are covered by `TrainerTests` and the interop checks.
@Suite struct ThreadedTrainingTests {
  static func configuration(
    threads: Int, model: EmbeddingModel = .poincare, epochs: Int = 12, seed: UInt64 = 0
  ) -> TrainingConfiguration {
    var configuration = TrainingConfiguration()
    configuration.dimension = 5
    configuration.negativeCount = 10
    configuration.learningRate = 0.3
    configuration.epochs = epochs
    configuration.burnInEpochs = 2
    configuration.threadCount = threads
    configuration.model = model
    configuration.seed = seed
    return configuration
  }

  /// A 2,000-node hierarchy (about 13,000 closure pairs): several rounds an epoch, and rows that
  /// each worker updates many times a round (the root) next to rows it updates once.
  static let relations = randomClosure(nodes: 2_000, seed: 11)

  @Test(arguments: [2, 3], [EmbeddingModel.poincare, .lorentz])
  func theSameSeedAndThreadCountGiveTheSameBits(threads: Int, model: EmbeddingModel) throws {
    let configuration = Self.configuration(threads: threads, model: model)
    let first = try PoincareTrainer(relations: Self.relations, configuration: configuration)
    try first.train()
    let second = try PoincareTrainer(relations: Self.relations, configuration: configuration)
    try second.train()
    let isSame = first.table == second.table
    #expect(isSame, "\(threads) threads, \(model)")
    let single = try PoincareTrainer(
      relations: Self.relations, configuration: Self.configuration(threads: 1, model: model))
    try single.train()
    let isDifferent = single.table != first.table
    #expect(isDifferent, "the workers did not split the work")
  }

  @Test(arguments: [2, 3], [EmbeddingModel.poincare, .lorentz])
  func everyRowStaysFiniteAndInside(threads: Int, model: EmbeddingModel) throws {
    var configuration = Self.configuration(threads: threads, model: model, epochs: 20)
    configuration.learningRate = 1.0
    let trainer = try PoincareTrainer(relations: Self.relations, configuration: configuration)
    try trainer.train()
    #expect(trainer.table.allSatisfy { $0.isFinite })
    let vectors = trainer.vectors
    for node in 0..<vectors.count {
      let norm = vectors.vector(node).reduce(0) { $0 + $1 * $1 }.squareRoot()
      #expect(norm < 1 - configuration.epsilon * 0.99, "node \(node): norm \(norm)")
    }
    guard model == .lorentz else { return }
    let length = configuration.rowLength
    let table = trainer.table
    for node in 0..<vectors.count {
      let row = table[(node * length)..<((node + 1) * length)]
      let spatial = row.dropFirst().reduce(0) { $0 + $1 * $1 }
      // x₀ = √(1 + ‖x‖²) after the normalisation, to rounding of values up to ~10⁵.
      #expect(
        isClose(row.first!, (1 + spatial).squareRoot(), relative: 1e-12),
        "node \(node) is off the hyperboloid")
    }
  }

  /// Relations whose parent is not nearer the origin than the child, and the root's norm.
  static func misplacedParents(threads: Int) throws -> (count: Int, rootNorm: Double) {
    let trainer = try PoincareTrainer(
      relations: relations, configuration: configuration(threads: threads, epochs: 30))
    try trainer.train()
    let vectors = trainer.vectors
    func norm(_ node: NodeID) -> Double {
      vectors.vector(Int(node)).reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
    let count = (0..<relations.count).count {
      norm(relations.parent($0)) >= norm(relations.child($0))
    }
    return (count, norm(relations.parent(0)))
  }

  @Test(arguments: [2, 3])
  func parentsEndNearerTheOriginThanTheirChildrenAsWithOneThread(threads: Int) throws {
    // One thread: 109 of 13,108 parents not nearer the origin. Summing three workers' changes
    // of heavily updated rows instead of taking their mean gave 2,166 and the root at 0.998.
    let one = try Self.misplacedParents(threads: 1)
    let several = try Self.misplacedParents(threads: threads)
    #expect(
      several.count <= one.count + Self.relations.count / 200,
      "\(several.count) misplaced parents on \(threads) threads, \(one.count) on one")
    #expect(several.rootNorm < 0.5, "root norm \(several.rootNorm) (one thread: \(one.rootNorm))")
  }

  @Test func aStoppedRunOnTwoThreadsResumesToTheSameBits() throws {
    let configuration = Self.configuration(threads: 2, epochs: 3)
    let whole = try PoincareTrainer(relations: Self.relations, configuration: configuration)
    try whole.train()
    let stop = StopSignal()
    let parted = try PoincareTrainer(relations: Self.relations, configuration: configuration)
    let completed = try parted.train(
      observer: { report in
        if report.phase == .training && report.relationsDone > 0 { stop.request() }
      }, reportInterval: 0, stop: stop)
    #expect(!completed)
    #expect(parted.position.round > 0)
    let resumed = try PoincareTrainer(
      relations: Self.relations, configuration: configuration, table: parted.table,
      position: parted.position)
    try resumed.train()
    let isSame = resumed.table == whole.table
    #expect(isSame)
  }

  @Test func ownershipSplitsTheRelationsEvenlyInConsecutiveRanges() {
    // Out-degrees 0, 5, 1, 1, 1, 1, 1, 10, 0, 2: 22 relations.
    let degrees = [0, 5, 1, 1, 1, 1, 1, 10, 0, 2]
    var offsets = [0]
    for degree in degrees { offsets.append(offsets.last! + degree) }
    for parts in 1...4 {
      let starts = offsets.withUnsafeBufferPointer {
        TrainingEngine.ownershipStarts(offsets: $0, parts: parts)
      }
      #expect(starts.count == parts + 1)
      #expect(starts.first == 0 && starts.last == degrees.count)
      #expect(zip(starts, starts.dropFirst()).allSatisfy { $0 <= $1 })
      // Each part's relations are within the largest degree of an even share.
      for part in 0..<parts {
        let relations = offsets[starts[part + 1]] - offsets[starts[part]]
        #expect(abs(relations - 22 / parts) <= 10, "part \(part) of \(parts): \(relations)")
      }
    }
    let two = offsets.withUnsafeBufferPointer {
      TrainingEngine.ownershipStarts(offsets: $0, parts: 2)
    }
    #expect(two == [0, 7, 10])
  }
}
