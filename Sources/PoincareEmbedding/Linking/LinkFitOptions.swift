/// The loss `link fit` minimises, averaged over pairs.
public enum LinkLoss: String, Codable, Sendable, CaseIterable {
  /// −log softmax of −ρ(d) over the target and `negatives` nodes drawn uniformly (never one of
  /// the key's nodes), as in training the embedding: the target must be nearer than other
  /// nodes, not only near.
  case softmax
  /// ρ(d(f(x), target)): the (smoothed) Poincaré distance to the target.
  case distance
}

/// What chooses the epoch `link fit` keeps (early stopping on the validation keys).
public enum LinkSelection: String, Codable, Sendable, CaseIterable {
  /// The lowest validation loss.
  case loss
  /// The highest validation MRR: each validation pair's node ranked among all nodes from its
  /// prediction, as `link eval` ranks (what the loss only approximates).
  case mrr
}

/// The options of `link fit`, stored in the model file.
public struct LinkFitOptions: Codable, Equatable, Sendable {
  /// Hidden layer widths; empty for a linear map.
  public var hiddenWidths: [Int] = [512]
  public var activation: LinkActivation = .relu
  public var output: BallOutput = .expMap
  /// Predictions have norm at most 1 − epsilon (the trainer's default projection bound).
  public var epsilon = 1e-5
  public var inputScaling: InputScaling = .unit
  public var composition: KeyComposition = .none
  public var loss: LinkLoss = .softmax
  /// Negative nodes per pair for the softmax loss.
  public var negatives = 50
  /// How many of the negatives are drawn among the `nearPool` nodes nearest the target (its
  /// neighbourhood in the embedding) rather than among all nodes: they teach the fine
  /// placement that ranking needs.
  public var nearNegatives = 0
  /// The size of each target's neighbourhood for `nearNegatives`.
  public var nearPool = 100
  /// How many of the negatives are the nodes nearest the current prediction (other than the
  /// key's own): the nodes that outrank the target now, the ones a ranking must beat. Costs a
  /// scan of all nodes per pair and step.
  public var predictionNegatives = 0
  /// What chooses the epoch kept.
  public var selection: LinkSelection = .loss
  public var epochs = 40
  public var batchSize = 64
  /// Adam's step size α.
  public var learningRate = 3e-3
  /// Decoupled weight decay (AdamW): each step multiplies the weights by 1 − rate·decay.
  public var weightDecay = 0.0
  public var seed: UInt64 = 0
  public var threadCount = 1
  /// The share of keys held out to choose the epoch (early stopping); 0 trains on all and
  /// keeps the last epoch.
  public var validationShare = 0.1
  /// Epochs without a better validation score (`selection`) before stopping.
  public var patience = 5

  public init() {}

  /// - Throws: `ConfigurationError` naming the first option out of range.
  public func validate() throws(ConfigurationError) {
    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(ConfigurationError) {
      if !condition { throw ConfigurationError(message()) }
    }
    for width in hiddenWidths {
      try require(width >= 1, "--hidden widths must be at least 1 (got \(width))")
    }
    try require(
      epsilon >= 1e-15 && epsilon <= 0.5, "--epsilon must be in [1e-15, 0.5] (got \(epsilon))")
    try require(negatives >= 1, "--negatives must be at least 1 (got \(negatives))")
    try require(
      nearNegatives >= 0 && nearNegatives <= negatives,
      "--near-negatives must be in [0, --negatives] (got \(nearNegatives))")
    try require(nearPool >= 1, "--near-pool must be at least 1 (got \(nearPool))")
    try require(
      predictionNegatives >= 0 && nearNegatives + predictionNegatives <= negatives,
      "--prediction-negatives must be in [0, --negatives − --near-negatives] (got "
        + "\(predictionNegatives))")
    try require(epochs >= 1, "--epochs must be at least 1 (got \(epochs))")
    try require(batchSize >= 1, "--batch-size must be at least 1 (got \(batchSize))")
    try require(
      learningRate > 0 && learningRate.isFinite,
      "--learning-rate must be positive (got \(learningRate))")
    try require(
      weightDecay >= 0 && weightDecay.isFinite, "--weight-decay must be at least 0 (got \(weightDecay))")
    try require(threadCount >= 1, "--threads must be at least 1 (got \(threadCount))")
    try require(
      validationShare >= 0 && validationShare < 1,
      "--validation must be in [0, 1) (got \(validationShare))")
    try require(patience >= 1, "--patience must be at least 1 (got \(patience))")
  }
}

extension LinkFitOptions {
  /// Decodes options stored by any version: an option the file lacks (added since) takes its
  /// default, which is what the version that wrote the file did.
  public init(from decoder: any Decoder) throws {
    self.init()
    let stored = try decoder.container(keyedBy: CodingKeys.self)
    func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
      value = try stored.decodeIfPresent(T.self, forKey: key) ?? value
    }
    try read(.hiddenWidths, &hiddenWidths)
    try read(.activation, &activation)
    try read(.output, &output)
    try read(.epsilon, &epsilon)
    try read(.inputScaling, &inputScaling)
    try read(.composition, &composition)
    try read(.loss, &loss)
    try read(.negatives, &negatives)
    try read(.nearNegatives, &nearNegatives)
    try read(.nearPool, &nearPool)
    try read(.predictionNegatives, &predictionNegatives)
    try read(.selection, &selection)
    try read(.epochs, &epochs)
    try read(.batchSize, &batchSize)
    try read(.learningRate, &learningRate)
    try read(.weightDecay, &weightDecay)
    try read(.seed, &seed)
    try read(.threadCount, &threadCount)
    try read(.validationShare, &validationShare)
    try read(.patience, &patience)
  }
}

/// How a model was fitted: its options, data and outcome (stored in the model file).
public struct LinkFitRecord: Codable, Equatable, Sendable {
  public var options: LinkFitOptions
  public var inputsPath: String
  public var pairsPath: String
  public var trainingPairCount: Int
  public var validationPairCount: Int
  public var epochsRun: Int
  /// The epoch whose parameters were kept.
  public var bestEpoch: Int
  /// The mean training loss of the last epoch run.
  public var trainingLoss: Double
  /// The validation loss of the epoch kept (nil without validation).
  public var validationLoss: Double?
  /// The validation MRR of the epoch kept (nil unless selected by MRR).
  public var validationMRR: Double?
  public var seconds: Double
}

/// One epoch of `link fit`, for progress lines.
public struct LinkEpochReport: Sendable {
  public var epoch: Int
  public var epochCount: Int
  public var trainingLoss: Double
  public var validationLoss: Double?
  /// With selection by MRR, the validation MRR.
  public var validationMRR: Double?
  /// Whether this epoch is the best so far by the selection (kept).
  public var isBest: Bool
  public var pairsPerSecond: Double
  public var totalSeconds: Double
}

/// Why `link fit` stopped without a model.
public enum LinkFitError: Error, CustomStringConvertible, Equatable {
  /// Training diverged in `epoch`: `reason` says how.
  case diverged(epoch: Int, reason: String, learningRate: Double)

  public var description: String {
    switch self {
    case .diverged(let epoch, let reason, let learningRate):
      return "training diverged in epoch \(epoch): \(reason) at learning rate \(learningRate); "
        + "no model was written. Lower --learning-rate (default \(LinkFitOptions().learningRate))."
    }
  }
}
