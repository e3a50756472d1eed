/// Why training could not start or had to stop.
public enum TrainingError: Error, CustomStringConvertible, Sendable, Equatable {
  /// A node has fewer non-positive candidates than the negatives asked for (gensim's
  /// `ValueError('Cannot sample %d negative nodes from a set of %d negative nodes for %s')`).
  case tooFewNegatives(node: String, available: Int, requested: Int)
  /// A gradient or update became NaN or infinite; no row was changed by the failing batch.
  case nonFiniteValue(phase: TrainingPhase, epoch: Int)

  public var description: String {
    switch self {
    case .tooFewNegatives(let node, let available, let requested):
      return
        "cannot sample \(requested) negatives for '\(node)': only \(available) nodes are not its "
        + "parents; lower --negatives to at most \(available)"
    case .nonFiniteValue(let phase, let epoch):
      return
        "training diverged: a non-finite value appeared in \(phase) epoch \(epoch); "
        + "no output was written (try a smaller --learning-rate)"
    }
  }
}

/// The two phases of training: burn-in at its own rate, then the main epochs.
public enum TrainingPhase: String, Sendable, Equatable {
  case burnIn = "burn-in"
  case training = "training"
}
