/// The hyper-parameters of a training run, with gensim's `PoincareModel` defaults.
///
/// | Swift | gensim | default |
/// |---|---|---|
/// | `dimension` | `size` | 50 |
/// | `learningRate` | `alpha` | 0.1 |
/// | `negativeCount` | `negative` | 10 |
/// | `epochs` | `train(epochs=)` | 50 |
/// | `batchSize` | `train(batch_size=)` | 10 |
/// | `burnInEpochs` | `burn_in` | 10 |
/// | `burnInLearningRate` | `burn_in_alpha` | 0.01 |
/// | `regularizationCoefficient` | `regularization_coeff` | 1.0 |
/// | `epsilon` | `epsilon` | 1e-5 |
/// | `initializationRange` | `init_range` | −0.001...0.001 |
/// | `seed` | `seed` | 0 |
/// | `threadCount` | `workers` (gensim raises above 1) | 1 |
public struct TrainingConfiguration: Sendable, Equatable, Codable {
  /// Coordinates per point (gensim's `size`).
  public var dimension = 50
  /// Learning rate after burn-in (gensim's `alpha`); constant, never decayed.
  public var learningRate = 0.1
  /// Negatives sampled per positive relation (gensim's `negative`).
  public var negativeCount = 10
  /// Epochs after burn-in (the `epochs` argument of gensim's `train`).
  public var epochs = 50
  /// Relations per batch; gradients of a batch use the rows as they were before it.
  public var batchSize = 10
  /// Burn-in epochs run once before the first epoch (gensim's `burn_in`); 0 disables burn-in.
  public var burnInEpochs = 10
  /// Learning rate during burn-in (gensim's `burn_in_alpha`).
  public var burnInLearningRate = 0.01
  /// Coefficient of the L2 penalty on each positive parent `v` (gensim's
  /// `regularization_coeff`): the gradient gains `2·coefficient·v`.
  public var regularizationCoefficient = 1.0
  /// Rows reaching norm `1 − epsilon` are pulled back inside (gensim's `_clip_vectors`).
  public var epsilon = 1e-5
  /// Bounds of the uniform initialisation (gensim's `init_range`).
  public var initializationRange: ClosedRange<Double> = -0.001...0.001
  /// Seed of every random draw.
  public var seed: UInt64 = 0
  /// Worker threads; 1 reproduces a run bit for bit.
  public var threadCount = 1

  // MARK: Beyond gensim (defaults reproduce gensim)

  /// How negatives are drawn after burn-in. gensim: in proportion to counts.
  public var negativeDistribution = NegativeDistribution.counts
  /// How negatives are drawn during burn-in. gensim: in proportion to counts.
  public var burnInNegativeDistribution = NegativeDistribution.counts
  /// How the learning rate changes over the training epochs. gensim: constant.
  public var learningRateSchedule = LearningRateSchedule.constant
  /// How rows reaching the boundary are pulled back. gensim: rescale, then step ε toward 0.
  public var projection = BoundaryProjection.gensim
  /// Negatives per relation drawn uniformly among the positive's other descendants (its
  /// subtree minus the child's parents and the child): the nodes that compete with the parent
  /// in the child's ranking. gensim: none.
  public var localNegativeCount = 0
  /// Negatives per relation drawn among the child's nearest non-ancestors under the current
  /// embedding (`HardNegativeTable`), refreshed every `miningInterval` training epochs. gensim:
  /// none.
  public var hardNegativeCount = 0
  /// Nearest non-ancestors kept per node for hard negatives.
  public var hardNegativePool = 32
  /// Training epochs between refreshes of the hard negatives.
  public var miningInterval = 5
  /// How far beyond a node's farthest ancestor (in hyperbolic distance) hard negatives are
  /// looked for.
  public var miningMargin = 1.0
  /// Where training starts. gensim: uniform in `initializationRange`.
  public var initialization = Initialization.uniform
  /// The model trained in. gensim: the Poincaré ball. Either way the vectors written are
  /// Poincaré-ball coordinates.
  public var model = EmbeddingModel.poincare

  /// Values per row of the training table: the dimension, plus x₀ in the Lorentz model.
  public var rowLength: Int { model == .lorentz ? dimension + 1 : dimension }

  /// Values per row as training stores them: `rowLength` padded with zeros to a multiple of 4,
  /// so the row kernels run whole `SIMD4` lanes only. The padding stays zero under every
  /// update (each is a combination of rows) and projection (a scaling).
  var rowStride: Int { (rowLength + 3) & ~3 }

  public init() {}

  /// A named recipe at a dimension: `gensim` is `init()` (with that dimension); `best` our best
  /// general recipe (see `Preset`).
  public init(preset: Preset, dimension: Int = 50) {
    self.init()
    self.dimension = dimension
    guard preset == .best else { return }
    initialization = .hierarchy
    // Room for deep hierarchies: nested caps halve at every branching level, and a halving
    // costs 2·ln 2 of radius. Nouns at 10 dimensions: ε = 1e-5 (radius 12.2) gives MAP 0.780,
    // 1e-7 0.939, 1e-9 0.961, 1e-10 0.962; on a circle, where siblings share a line instead of
    // a sphere, 1e-10 0.716, 1e-12 0.907, 1e-14 0.919 (float64 still resolves 1 − ‖x‖ there).
    epsilon = dimension <= 2 ? 1e-14 : 1e-10
    regularizationCoefficient = 0
    burnInEpochs = 0
    negativeDistribution = .uniform
    negativeCount = 20
    hardNegativeCount = 10
    // Caps are narrower in fewer dimensions, and larger steps leave them. Nouns, MAP on 2
    // threads at rate 0.01 / 0.03: dimension 5 0.955 / 0.948 (seed 1: 0.964 / 0.955), 7 0.962 /
    // 0.961, 10 0.948 / 0.962 (seeds 1, 2: 0.955 / 0.964, 0.956 / 0.966), 50 0.946 / 0.968.
    // The HPO at 10: MAP the same (±0.001 over 3 seeds), mean rank 66 → 59.
    learningRate = dimension >= 10 ? 0.03 : 0.01
    // On a circle siblings' arcs leave no room: training moves the levels near the origin and
    // loses what the layout placed (nouns: MAP 0.852 → 0.72 within 5 epochs, at any rate).
    epochs = dimension <= 2 ? 0 : 50
    projection = .rescale
  }

  /// Checks every value, naming the command-line flag of the first one out of range.
  public func validate() throws(ConfigurationError) {
    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(ConfigurationError) {
      if !condition { throw ConfigurationError(message()) }
    }
    try require(dimension >= 1, "--dimension must be at least 1 (got \(dimension))")
    try require(dimension <= 100_000, "--dimension must be at most 100000 (got \(dimension))")
    try require(
      learningRate > 0 && learningRate.isFinite,
      "--learning-rate must be a positive number (got \(learningRate))")
    try require(negativeCount >= 1, "--negatives must be at least 1 (got \(negativeCount))")
    try require(epochs >= 0, "--epochs must be at least 0 (got \(epochs))")
    try require(batchSize >= 1, "--batch-size must be at least 1 (got \(batchSize))")
    try require(burnInEpochs >= 0, "--burn-in must be at least 0 (got \(burnInEpochs))")
    try require(
      burnInLearningRate > 0 && burnInLearningRate.isFinite,
      "--burn-in-learning-rate must be a positive number (got \(burnInLearningRate))")
    try require(
      regularizationCoefficient >= 0 && regularizationCoefficient.isFinite,
      "--regularization must be at least 0 (got \(regularizationCoefficient))")
    try require(
      epsilon > 0 && epsilon < 1, "--epsilon must be between 0 and 1, exclusive (got \(epsilon))")
    let bound = max(abs(initializationRange.lowerBound), abs(initializationRange.upperBound))
    try require(
      bound.isFinite && bound * Double(dimension).squareRoot() < 1 - epsilon,
      "--init-range must keep initial points inside the ball: "
        + "|bound|·√dimension < 1 − epsilon (got ±\(bound) at dimension \(dimension))")
    try require(threadCount >= 1, "--threads must be at least 1 (got \(threadCount))")
    try require(
      localNegativeCount >= 0 && localNegativeCount <= negativeCount,
      "--local-negatives must be between 0 and --negatives (\(negativeCount)); "
        + "got \(localNegativeCount)")
    try require(
      hardNegativeCount >= 0 && localNegativeCount + hardNegativeCount <= negativeCount,
      "--hard-negatives must be between 0 and --negatives (\(negativeCount)) minus "
        + "--local-negatives (\(localNegativeCount)); got \(hardNegativeCount)")
    try require(
      hardNegativePool >= 1 && hardNegativePool <= 4096,
      "--hard-negative-pool must be between 1 and 4096 (got \(hardNegativePool))")
    try require(miningInterval >= 1, "--mining-interval must be at least 1 (got \(miningInterval))")
    try require(
      miningMargin >= 0 && miningMargin <= 50,
      "--mining-margin must be between 0 and 50 (got \(miningMargin))")
    try require(
      hardNegativeCount == 0 || model == .poincare,
      "--hard-negatives applies to --model poincare only")
    try require(threadCount <= 256, "--threads must be at most 256 (got \(threadCount))")
    for (distribution, flag) in [
      (negativeDistribution, "--negative-sampling"),
      (burnInNegativeDistribution, "--burn-in-negative-sampling"),
    ] {
      if case .countsPower(let power) = distribution {
        try require(
          power.isFinite && power >= 0 && power <= 4,
          "\(flag) power must be between 0 and 4 (got \(power))")
      }
    }
  }

  /// The learning rate of a training-phase epoch (0-based `epoch` of `epochs`).
  public func learningRate(epoch: Int) -> Double {
    switch learningRateSchedule {
    case .constant:
      return learningRate
    case .linear:
      // From the full rate down to 1/epochs of it over the phase: never zero, as word2vec's floor.
      return learningRate * Double(max(epochs - epoch, 1)) / Double(max(epochs, 1))
    }
  }
}

/// The distribution negatives are drawn from (before excluding the child's parents).
public enum NegativeDistribution: Sendable, Equatable, Codable, CustomStringConvertible {
  /// In proportion to gensim's counts (occurrences in the relations): gensim's choice.
  case counts
  /// Every node equally: facebookresearch's choice after burn-in.
  case uniform
  /// In proportion to count^power, e.g. word2vec's 0.75.
  case countsPower(Double)

  /// Parses `counts`, `uniform` or `counts^P`.
  public init?(_ text: String) {
    switch text {
    case "counts": self = .counts
    case "uniform": self = .uniform
    default:
      guard text.hasPrefix("counts^"), let power = Double(text.dropFirst("counts^".count)) else {
        return nil
      }
      self = .countsPower(power)
    }
  }

  public var description: String {
    switch self {
    case .counts: return "counts"
    case .uniform: return "uniform"
    case .countsPower(let power): return "counts^\(power)"
    }
  }
}

/// The model of hyperbolic space training runs in.
public enum EmbeddingModel: String, Sendable, Equatable, Codable, CaseIterable {
  /// gensim's: the Poincaré ball, Riemannian SGD with the factor (1 − ‖x‖²)²/4.
  case poincare
  /// The hyperboloid: Riemannian SGD with exact geodesic steps (no regularization term);
  /// exported as Poincaré-ball coordinates (`LorentzModel`).
  case lorentz
}

/// A named set of hyper-parameters (`TrainingConfiguration(preset:)`); explicit options change
/// any of them.
public enum Preset: String, Sendable, CaseIterable {
  /// gensim's `PoincareModel` defaults: exactly gensim's algorithm.
  case gensim
  /// Our best general recipe for large hierarchies: a start laid out from the hierarchy
  /// (`Initialization.hierarchy`) with room for deep hierarchies (ε = 1e-10), then (above
  /// dimension 2) training with uniform and hard negatives at a low rate, which repairs mostly
  /// the nodes with several parents (see the README's results).
  case best

  /// The threads a run uses when none are asked for. gensim: 1, its own algorithm bit for bit
  /// on any machine. best: the cores, at most 2, the most threads that kept MAP within 0.01 of
  /// one thread on every hierarchy measured at both of the preset's rates (dimension 10, paper
  /// protocol, nouns and the Human Phenotype Ontology over seeds 0 to 2). At rate 0.03 two
  /// threads lost at most 0.0015, four 0.0053 and eight 0.013 (HPO); at rate 0.01 two lost
  /// 0.003 to 0.005 and four 0.007 to 0.012 (HPO).
  public func defaultThreadCount(availableCores: Int) -> Int {
    switch self {
    case .gensim: 1
    case .best: max(1, min(availableCores, 2))
    }
  }
}

/// The points training starts from.
public enum Initialization: String, Sendable, Equatable, Codable, CaseIterable {
  /// gensim's: uniform in `initializationRange` in every coordinate.
  case uniform
  /// Nested caps laid out from the hierarchy (`HierarchyLayout`).
  case hierarchy
}

/// How a row reaching norm 1 − ε is pulled back inside the ball.
public enum BoundaryProjection: String, Sendable, Equatable, Codable, CaseIterable {
  /// gensim's `_clip_vectors`: rescale to 1 − ε, then subtract ε·sign from each coordinate.
  case gensim
  /// Rescale to 1 − ε only, keeping the direction (facebookresearch's `renorm`).
  case rescale
}

/// How the learning rate evolves over the training epochs (burn-in keeps its own constant rate).
public enum LearningRateSchedule: String, Sendable, Equatable, Codable, CaseIterable {
  /// gensim's: the same rate every epoch.
  case constant
  /// Decreasing linearly from the rate to rate/epochs in the last epoch.
  case linear
}
