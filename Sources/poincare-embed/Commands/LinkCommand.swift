#if canImport(FoundationEssentials)
  import FoundationEssentials  // URL; full Foundation would link its ICU data (scripts/package)
#else
  import Foundation
#endif
import PoincareEmbedding

/// `poincare-embed link`: place new words into an embedding with a learned map from word vectors
/// into the Poincaré ball (`fit`, `predict`, `eval`).
enum LinkCommand: Subcommand {
  static let spec = CommandSpec(
    name: "link",
    abstract: "Place new words into an embedding: learn a map from word vectors into the ball.",
    discussion: """
      'link fit' learns f: Rⁿ → ball from key<TAB>node pairs (a word and its node), 'link \
      predict' places keys, 'link eval' ranks held-out pairs' nodes against two baselines. \
      Predictions are inside the ball by construction; losses and gradients stay finite.
      """,
    arguments: [ArgumentSpec(name: "subcommand", help: "fit, predict or eval.")])

  static let subcommands: [any Subcommand.Type] = [
    LinkFitCommand.self, LinkPredictCommand.self, LinkEvalCommand.self,
  ]

  static func run(_ arguments: ParsedArguments, console: Console) throws {}

  // MARK: Options shared by the subcommands

  static let format = OptionSpec(
    name: "format", valueName: "layout",
    help: "The inputs' layout: auto, word2vec (text), word2vec-binary, glove (text without "
      + "header). auto: .bin is binary, a first line of two integers is a word2vec header, "
      + "anything else GloVe.", defaultValue: "auto")
  static let embedding = OptionSpec(
    name: "embedding", valueName: "file",
    help: "The embedding (vectors or checkpoint) the model was fitted on; refused if it differs. "
      + "Default: the file named when fitting.")
  static let skipMissing = OptionSpec(
    name: "skip-missing",
    help: "Skip (and count) pairs or keys without an input vector, and pairs naming nodes "
      + "outside the embedding, instead of failing.")
  static let threads = OptionSpec(
    name: "threads", valueName: "n", help: "Worker threads (results do not depend on it).",
    defaultValue: "all cores")
  static let json = OptionSpec(name: "json", help: "Print the report as JSON.")

  static func inputFormat(_ arguments: ParsedArguments) throws -> WordVectorsInput.Format {
    let name = arguments.string(format) ?? "auto"
    guard let value = WordVectorsInput.Format(rawValue: name) else {
      throw CommandLineError.invalidValue(name, option: format.synopsis)
    }
    return value
  }

  static func threadCount(_ arguments: ParsedArguments) throws -> Int {
    let count = try arguments.value(threads, default: EvaluationOptions.defaultThreadCount)
    if count < 1 { throw ConfigurationError("--threads must be at least 1 (got \(count))") }
    return count
  }

  /// An enumeration option's value, or `fallback` when absent.
  static func choice<T: RawRepresentable<String>>(
    _ option: OptionSpec, in arguments: ParsedArguments, default fallback: T
  ) throws -> T {
    guard let name = arguments.string(option) else { return fallback }
    guard let value = T(rawValue: name) else {
      throw CommandLineError.invalidValue(name, option: option.synopsis)
    }
    return value
  }

  /// The model at `path` and the embedding it maps into (checked against its fingerprint).
  static func loadModel(_ path: String, arguments: ParsedArguments) throws -> (
    LinkModel, KeyedVectors, String
  ) {
    let model = try LinkModelFile.read(path)
    let embeddingPath = arguments.string(embedding) ?? model.embedding.path
    let vectors: KeyedVectors
    do {
      vectors = try VectorsInput.read(embeddingPath)
    } catch let error as InputError where error.kind == .notFound && arguments.string(embedding) == nil {
      throw InputError(
        .notFound, path: embeddingPath,
        message: "no such file (the embedding \(path) was fitted on)",
        hint: "pass the embedding with --embedding.")
    }
    try model.checkEmbedding(vectors, path: embeddingPath, modelPath: path)
    return (model, vectors, embeddingPath)
  }

  /// The inputs at `path`, checked against the model's input dimension.
  static func loadInputs(_ path: String, model: LinkModel, arguments: ParsedArguments) throws
    -> KeyedVectors
  {
    let inputs = try WordVectorsInput.read(path, format: inputFormat(arguments))
    if inputs.dimension != model.architecture.inputDimension {
      throw InputError(
        .malformed, path: path,
        message: "vectors of dimension \(inputs.dimension), but the model takes "
          + "\(model.architecture.inputDimension) (fitted on \(model.record.inputsPath))",
        hint: "use input vectors like the ones the model was fitted on.")
    }
    return inputs
  }
}

/// `poincare-embed link fit`.
enum LinkFitCommand: Subcommand {
  static let output = OptionSpec(
    name: "output", shortName: "o", valueName: "model", help: "The model file to write.")
  static let hiddenLayers = OptionSpec(
    name: "hidden-layers", valueName: "n", help: "Hidden layers; 0 for a linear map.",
    defaultValue: "1")
  static let width = OptionSpec(
    name: "width", valueName: "n", help: "Units per hidden layer.", defaultValue: "512")
  static let activation = OptionSpec(
    name: "activation", valueName: "name", help: "Hidden activation: relu or tanh.",
    defaultValue: "relu")
  static let ballMap = OptionSpec(
    name: "ball-map", valueName: "name",
    help: "Output into the ball: exp-map ((1−ε)·tanh‖g‖·g/‖g‖) or direction-norm "
      + "((1−ε)·σ(η)·g/‖g‖, Dhingra et al. 2018).", defaultValue: "exp-map")
  static let epsilon = OptionSpec(
    name: "epsilon", valueName: "e", help: "Predictions have norm at most 1 − e.",
    defaultValue: "1e-05")
  static let inputScaling = OptionSpec(
    name: "input-scaling", valueName: "name",
    help: "unit (x/‖x‖) or standardize (per coordinate, from the training keys).",
    defaultValue: "unit")
  static let compose = OptionSpec(
    name: "compose", valueName: "how",
    help: "none, or mean: a key a_b missing from the inputs gets the mean of the vectors of a "
      + "and b (WordNet's multi-word lemmas). Kept in the model for predict and eval.",
    defaultValue: "none")
  static let loss = OptionSpec(
    name: "loss", valueName: "name",
    help: "softmax (the target nearer than --negatives random nodes, as in training) or "
      + "distance (the Poincaré distance to the target).", defaultValue: "softmax")
  static let negatives = OptionSpec(
    name: "negatives", valueName: "n", help: "Negative nodes per pair (softmax loss).",
    defaultValue: "50")
  static let nearNegatives = OptionSpec(
    name: "near-negatives", valueName: "n",
    help: "How many of the negatives come from the target's --near-pool nearest nodes "
      + "(fine placement) instead of all nodes.", defaultValue: "0")
  static let nearPool = OptionSpec(
    name: "near-pool", valueName: "n", help: "Nodes in a target's neighbourhood.",
    defaultValue: "100")
  static let predictionNegatives = OptionSpec(
    name: "prediction-negatives", valueName: "n",
    help: "How many of the negatives are the nodes nearest the current prediction (those that "
      + "outrank the target now); a scan of all nodes per pair.", defaultValue: "0")
  static let select = OptionSpec(
    name: "select", valueName: "by",
    help: "What picks the epoch kept: loss (the lowest validation loss) or mrr (the highest "
      + "validation MRR, ranked among all nodes as link eval ranks).", defaultValue: "loss")
  static let epochs = OptionSpec(
    name: "epochs", valueName: "n", help: "Epochs at most.", defaultValue: "40")
  static let batchSize = OptionSpec(
    name: "batch-size", valueName: "n", help: "Pairs per Adam step.", defaultValue: "64")
  static let learningRate = OptionSpec(
    name: "learning-rate", valueName: "rate", help: "Adam's step size.", defaultValue: "0.003")
  static let weightDecay = OptionSpec(
    name: "weight-decay", valueName: "decay", help: "Decoupled weight decay (AdamW).",
    defaultValue: "0")
  static let seed = OptionSpec(
    name: "seed", valueName: "n", help: "Seed of every random draw.", defaultValue: "0")
  static let validation = OptionSpec(
    name: "validation", valueName: "share",
    help: "Share of keys held out for early stopping (the epoch with the best validation "
      + "score is kept, see --select); 0 keeps the last epoch.", defaultValue: "0.1")
  static let patience = OptionSpec(
    name: "patience", valueName: "n",
    help: "Stop after n epochs without a better validation score (see --select).",
    defaultValue: "5")
  static let quiet = OptionSpec(name: "quiet", shortName: "q", help: "No progress on stderr.")

  static let spec = CommandSpec(
    name: "fit", parent: "link",
    abstract: "Learn a map from word vectors into the ball of an embedding.",
    discussion: """
      Each pair key<TAB>node asks f(vector of key) to land near the node's point. The network \
      (dense layers, then the ball map) is trained with Adam on minibatches; every prediction \
      is inside the ball by construction, and the distance term is √(d² + δ²) − δ (δ = 1e-3), \
      whose gradient stays finite when prediction and node coincide and when nodes lie at \
      norm 1 − 1e-15. A run whose loss is not finite or rises far above its start stops with \
      an error and writes nothing.
      """,
    arguments: [
      ArgumentSpec(
        name: "inputs", help: "Word vectors: word2vec text or binary, or GloVe text."),
      ArgumentSpec(
        name: "embedding", help: "The Poincaré embedding: vectors file or checkpoint."),
      ArgumentSpec(name: "pairs", help: "Training pairs: key<TAB>node lines."),
    ],
    options: [
      output, LinkCommand.format, compose, hiddenLayers, width, activation, ballMap, epsilon,
      inputScaling, loss, negatives, nearNegatives, nearPool, predictionNegatives, epochs,
      batchSize, learningRate, weightDecay, seed, LinkCommand.threads, validation, select, patience,
      LinkCommand.skipMissing, quiet,
    ])

  static func options(from arguments: ParsedArguments) throws -> LinkFitOptions {
    var options = LinkFitOptions()
    let layers: Int = try arguments.value(hiddenLayers, default: options.hiddenWidths.count)
    let units: Int = try arguments.value(width, default: options.hiddenWidths.first ?? 512)
    if layers < 0 { throw ConfigurationError("--hidden-layers must be at least 0 (got \(layers))") }
    if units < 1 { throw ConfigurationError("--width must be at least 1 (got \(units))") }
    options.hiddenWidths = Array(repeating: units, count: layers)
    options.activation = try LinkCommand.choice(activation, in: arguments, default: options.activation)
    options.output = try LinkCommand.choice(ballMap, in: arguments, default: options.output)
    options.epsilon = try arguments.value(epsilon, default: options.epsilon)
    options.inputScaling = try LinkCommand.choice(
      inputScaling, in: arguments, default: options.inputScaling)
    options.composition = try LinkCommand.choice(compose, in: arguments, default: options.composition)
    options.loss = try LinkCommand.choice(loss, in: arguments, default: options.loss)
    options.negatives = try arguments.value(negatives, default: options.negatives)
    options.nearNegatives = try arguments.value(nearNegatives, default: options.nearNegatives)
    options.nearPool = try arguments.value(nearPool, default: options.nearPool)
    options.predictionNegatives = try arguments.value(
      predictionNegatives, default: options.predictionNegatives)
    options.selection = try LinkCommand.choice(select, in: arguments, default: options.selection)
    options.epochs = try arguments.value(epochs, default: options.epochs)
    options.batchSize = try arguments.value(batchSize, default: options.batchSize)
    options.learningRate = try arguments.value(learningRate, default: options.learningRate)
    options.weightDecay = try arguments.value(weightDecay, default: options.weightDecay)
    options.seed = try arguments.value(seed, default: options.seed)
    options.threadCount = try LinkCommand.threadCount(arguments)
    options.validationShare = try arguments.value(validation, default: options.validationShare)
    options.patience = try arguments.value(patience, default: options.patience)
    try options.validate()
    return options
  }

  static func run(_ arguments: ParsedArguments, console: Console) throws {
    let inputsPath = arguments.positionals[0]
    let embeddingPath = arguments.positionals[1]
    let pairsPath = arguments.positionals[2]
    guard let modelPath = arguments.string(output) else {
      throw CommandLineError.missingValue(option: output.synopsis)
    }
    let options = try options(from: arguments)
    try AtomicFileWriter.checkCanCreate(modelPath)
    let clock = Stopwatch()
    let inputs = try WordVectorsInput.read(inputsPath, format: LinkCommand.inputFormat(arguments))
    let embedding = try VectorsInput.read(embeddingPath)
    let pairs = try LinkPairs.read(pairsPath)
    let examples = try LinkExamples(
      pairs: pairs, lookup: KeyLookup(inputs: inputs, composition: options.composition),
      inputsPath: inputsPath, embedding: embedding, embeddingPath: embeddingPath,
      skipMissing: arguments.flag(LinkCommand.skipMissing))
    let readSeconds = clock.seconds
    let quiet = arguments.flag(quiet)
    if !quiet {
      console.printError(
        "read \(inputs.count.grouped) input vectors (dimension \(inputs.dimension)), "
          + "\(embedding.count.grouped) nodes (dimension \(embedding.dimension)) and "
          + "\(examples.count.grouped) pairs over \(examples.keys.count.grouped) keys in "
          + "\(format: readSeconds) s")
      reportSkipped(examples, console: console)
    }
    var lineOpen = false
    let absolute = URL(fileURLWithPath: embeddingPath).standardizedFileURL.path
    let model = try LinkTrainer.fit(
      examples: examples, embedding: embedding,
      identity: EmbeddingIdentity(embedding, path: absolute), options: options,
      inputsPath: inputsPath, pairsPath: pairsPath
    ) { report in
      guard !quiet else { return }
      let remaining =
        report.totalSeconds / Double(report.epoch) * Double(report.epochCount - report.epoch)
      var line =
        "epoch \(report.epoch)/\(report.epochCount)  loss \(format: report.trainingLoss, digits: 4)"
      if let validation = report.validationLoss {
        line += "  validation \(format: validation, digits: 4)"
        if let mrr = report.validationMRR { line += "  MRR \(format: mrr, digits: 4)" }
        line += report.isBest ? " *" : "  "
      }
      line += "  \(report.pairsPerSecond.rateText) pairs/s  ETA \(remaining.clockText)"
      if console.errorsAreTerminal {
        console.writeError("\r\(line)\u{1B}[K")
        lineOpen = true
      } else {
        console.printError(line)
      }
    }
    if lineOpen { console.writeError("\n") }
    try LinkModelFile.write(model, to: modelPath)
    if !quiet {
      let record = model.record
      let kept =
        record.validationMRR.map {
          "kept epoch \(record.bestEpoch) (validation MRR \(format: $0, digits: 4))"
        }
        ?? record.validationLoss.map {
          "kept epoch \(record.bestEpoch) (validation loss \(format: $0, digits: 4))"
        } ?? "kept the last epoch"
      console.printError(
        "fitted \(model.architecture.summary) on \(record.trainingPairCount.grouped) pairs "
          + "(\(record.validationPairCount.grouped) held out for validation) in "
          + "\(format: record.seconds) s, \(record.epochsRun) epochs on "
          + "\(options.threadCount) thread\(options.threadCount == 1 ? "" : "s"); \(kept); "
          + "wrote \(modelPath)")
    }
  }

  static func reportSkipped(_ examples: LinkExamples, console: Console) {
    if examples.skippedForKeys > 0 {
      console.printError(
        "skipped \(examples.skippedForKeys.grouped) pairs whose key has no input vector "
          + "(\(examples.missingKeys.grouped) keys)")
    }
    if examples.skippedForNodes > 0 {
      console.printError(
        "skipped \(examples.skippedForNodes.grouped) pairs whose node is not in the embedding")
    }
  }
}

/// `poincare-embed link predict`.
enum LinkPredictCommand: Subcommand {
  static let top = OptionSpec(
    name: "top", valueName: "k", help: "Nearest nodes listed per key (0: none).",
    defaultValue: "10")
  static let keysFile = OptionSpec(
    name: "keys", valueName: "file", help: "Keys to place, one a line (added to <key> ...).")
  static let output = OptionSpec(
    name: "output", shortName: "o", valueName: "points",
    help: "Also write the predicted points as word2vec text (gensim's KeyedVectors.load_word2vec_format reads it).")

  static let spec = CommandSpec(
    name: "predict", parent: "link",
    abstract: "Place keys in the ball and list their nearest nodes.",
    discussion: """
      For every key given (default: every key of <inputs>), prints the predicted point's norm \
      and the k nearest nodes with their Poincaré distances. A key missing from <inputs> (and \
      not composable, see fit --compose) is an error unless --skip-missing.
      """,
    arguments: [
      ArgumentSpec(name: "model", help: "A model written by link fit."),
      ArgumentSpec(name: "inputs", help: "Word vectors of the keys (as for link fit)."),
      ArgumentSpec(name: "key", help: "Keys to place.", isRepeating: true),
    ],
    options: [
      top, keysFile, output, LinkCommand.embedding, LinkCommand.format, LinkCommand.json,
      LinkCommand.skipMissing, LinkCommand.threads,
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws {
    let modelPath = arguments.positionals[0]
    let inputsPath = arguments.positionals[1]
    let nearestCount = try arguments.value(top, default: 10)
    if nearestCount < 0 { throw ConfigurationError("--top must be at least 0 (got \(nearestCount))") }
    let threadCount = try LinkCommand.threadCount(arguments)
    if let points = arguments.string(output) { try AtomicFileWriter.checkCanCreate(points) }
    let (model, embedding, _) = try LinkCommand.loadModel(modelPath, arguments: arguments)
    let inputs = try LinkCommand.loadInputs(inputsPath, model: model, arguments: arguments)
    var keys = Array(arguments.positionals.dropFirst(2))
    if let file = arguments.string(keysFile) {
      try LineReader.forEachLine(inFile: file) { line, _ in
        let key = String(decoding: line, as: UTF8.self).trimmingSpaces()
        if !key.isEmpty { keys.append(key) }
      }
    }
    if keys.isEmpty { keys = inputs.vocabulary.names }
    let lookup = KeyLookup(inputs: inputs, composition: model.composition)
    let n = inputs.dimension
    var placed: [String] = []
    var missing: [String] = []
    var raw: [Double] = []
    var row = [Double](repeating: 0, count: n)
    for key in keys {
      if row.withUnsafeMutableBufferPointer({ lookup.vector(of: key, into: $0.baseAddress!) }) {
        placed.append(key)
        raw.append(contentsOf: row)
      } else if arguments.flag(LinkCommand.skipMissing) {
        missing.append(key)
      } else {
        throw UnknownNodeError(
          key: key, path: inputsPath, nodeCount: inputs.count,
          suggestions: inputs.vocabulary.suggestions(for: key))
      }
    }
    let points = model.predict(rawInputs: raw, count: placed.count, threadCount: threadCount)
    let nearest = embedding.nearest(toPoints: points, count: nearestCount, threadCount: threadCount)
    let d = embedding.dimension
    if let pointsPath = arguments.string(output) {
      let vectors = KeyedVectors(
        vocabulary: Vocabulary(names: placed), dimension: d, values: points)
      try Word2VecFormat.write(vectors, to: pointsPath)
    }
    if arguments.flag(LinkCommand.json) {
      let predictions: [JSONValue] = placed.indices.map { index in
        let point = Array(points[(index * d)..<((index + 1) * d)])
        let neighbors: [JSONValue] = nearest[index].map { neighbor in
          JSONValue.object([
            ("node", .string(embedding.key(of: neighbor.index))),
            ("distance", .number(neighbor.distance)),
          ])
        }
        return JSONValue.object([
          ("key", .string(placed[index])),
          ("norm", .number(point.reduce(0) { $0 + $1 * $1 }.squareRoot())),
          ("point", .array(point.map { .number($0) })), ("nearest", .array(neighbors)),
        ])
      }
      console.print(
        JSONValue.object([
          ("model", .string(modelPath)), ("predictions", .array(predictions)),
          ("missing", .array(missing.map { .string($0) })),
        ]).rendered())
    } else {
      var text = ""
      for index in placed.indices {
        let point = points[(index * d)..<((index + 1) * d)]
        let norm = point.reduce(0) { $0 + $1 * $1 }.squareRoot()
        text += "\(placed[index])  norm \(format: norm, digits: 4)\n"
        let names = nearest[index].map { embedding.key(of: $0.index) }
        let width = names.map(\.count).max() ?? 0
        for (rank, neighbor) in nearest[index].enumerated() {
          let number = String(rank + 1).leftPadded(to: 2)
          let name = names[rank].rightPadded(to: width + 2)
          text += "  \(number)  \(name)\(format: neighbor.distance, digits: 4)\n"
        }
      }
      console.write(text)
    }
    if !missing.isEmpty {
      console.printError("skipped \(missing.count.grouped) keys without an input vector")
    }
  }
}

/// `poincare-embed link eval`.
enum LinkEvalCommand: Subcommand {
  static let closure = OptionSpec(
    name: "closure", valueName: "file",
    help: "The embedding's closure (child<TAB>ancestor): adds hypernym discovery, the "
      + "precision of the predicted ancestors.")

  static let spec = CommandSpec(
    name: "eval", parent: "link",
    abstract: "Rank held-out pairs' nodes from the model's predictions, against two baselines.",
    discussion: """
      For every pair key<TAB>node, the node is ranked among all nodes by Poincaré distance from \
      the prediction (rank = 1 + the nodes strictly closer; the key's other nodes left out): \
      MRR, Hits@1, Hits@10, mean rank and the mean distance to the node. With --closure, \
      ancestor precision: of the k nodes with a smaller norm than the prediction that lie \
      nearest it (the key's nodes left out), the share that are ancestors of the node, k being \
      its number of ancestors. The same pairs are scored for two baselines fitted on the \
      model's own training pairs: the nearest training key by cosine in input space (placed at \
      that key's node), and linear least squares into the tangent space at the origin \
      followed by the exponential map. The MRR is also given apart for the pairs whose node is \
      a training pair's node too (a synonym was fitted on: the nearest key can copy it) and for \
      the others.
      """,
    arguments: [
      ArgumentSpec(name: "model", help: "A model written by link fit."),
      ArgumentSpec(name: "inputs", help: "Word vectors of the keys (as for link fit)."),
      ArgumentSpec(name: "pairs", help: "Held-out pairs: key<TAB>node lines."),
    ],
    options: [
      closure, LinkCommand.embedding, LinkCommand.format, LinkCommand.json,
      LinkCommand.skipMissing, LinkCommand.threads,
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws {
    let modelPath = arguments.positionals[0]
    let inputsPath = arguments.positionals[1]
    let pairsPath = arguments.positionals[2]
    let threadCount = try LinkCommand.threadCount(arguments)
    let (model, embedding, embeddingPath) = try LinkCommand.loadModel(
      modelPath, arguments: arguments)
    let inputs = try LinkCommand.loadInputs(inputsPath, model: model, arguments: arguments)
    let pairs = try LinkPairs.read(pairsPath)
    let lookup = KeyLookup(inputs: inputs, composition: model.composition)
    let test = try LinkExamples(
      pairs: pairs, lookup: lookup, inputsPath: inputsPath, embedding: embedding,
      embeddingPath: embeddingPath, skipMissing: arguments.flag(LinkCommand.skipMissing))
    var ancestors: RelationGraph?
    if let closurePath = arguments.string(closure) {
      let relations = try RelationFile.read(closurePath)
      ancestors = try LinkEvaluation.ancestors(
        in: relations, onto: embedding, path: closurePath,
        skipMissing: arguments.flag(LinkCommand.skipMissing))
    }
    let report = LinkEvaluation.evaluate(
      model: model, lookup: lookup, embedding: embedding, test: test, ancestors: ancestors,
      threadCount: threadCount)
    if arguments.flag(LinkCommand.json) {
      console.print(json(report, modelPath: modelPath, pairsPath: pairsPath).rendered())
    } else {
      console.write(table(report, model: model, modelPath: modelPath, pairsPath: pairsPath))
    }
  }

  static func json(_ report: LinkEvaluationReport, modelPath: String, pairsPath: String)
    -> JSONValue
  {
    .object([
      ("model", .string(modelPath)), ("pairs", .string(pairsPath)),
      ("pair_count", .integer(report.pairCount)),
      ("pairs_with_training_keys", .integer(report.pairsWithTrainingKeys)),
      ("pairs_with_training_nodes", .integer(report.pairsWithTrainingNodes)),
      ("ancestor_pair_count", .integer(report.ancestorPairCount)),
      ("skipped_for_keys", .integer(report.skippedForKeys)),
      ("skipped_for_nodes", .integer(report.skippedForNodes)),
      (
        "methods",
        .array(
          report.scores.map { scores in
            .object([
              ("method", .string(scores.method)), ("label", .string(scores.label)),
              ("mrr", .number(scores.meanReciprocalRank)), ("hits_at_1", .number(scores.hitsAt1)),
              ("hits_at_10", .number(scores.hitsAt10)), ("mean_rank", .number(scores.meanRank)),
              ("mean_distance", .number(scores.meanDistance)),
              ("ancestor_precision", scores.ancestorPrecision.map { .number($0) } ?? .null),
              ("mrr_training_nodes", scores.trainingNodeMRR.map { .number($0) } ?? .null),
              ("mrr_other_nodes", scores.otherNodeMRR.map { .number($0) } ?? .null),
            ])
          })
      ),
      ("seconds", .number(report.seconds)),
    ])
  }

  static func table(
    _ report: LinkEvaluationReport, model: LinkModel, modelPath: String, pairsPath: String
  ) -> String {
    var text =
      "\(report.pairCount.grouped) held-out pairs from \(pairsPath); model \(modelPath) "
      + "(\(model.architecture.summary)), fitted on \(model.trainingKeys.count.grouped) pairs\n"
    if report.pairsWithTrainingKeys > 0 {
      text += "warning: \(report.pairsWithTrainingKeys.grouped) held-out pairs have a key the "
        + "model was fitted on\n"
    }
    if report.skippedForKeys + report.skippedForNodes > 0 {
      text += "skipped \(report.skippedForKeys.grouped) pairs without a key vector and "
        + "\(report.skippedForNodes.grouped) naming nodes outside the embedding\n"
    }
    let hasAncestors = report.scores.first?.ancestorPrecision != nil
    var header = ["method", "MRR", "Hits@1", "Hits@10", "mean rank", "mean distance"]
    if hasAncestors { header.append("ancestor precision") }
    var rows = [header]
    for scores in report.scores {
      var row = [
        scores.label, "\(format: scores.meanReciprocalRank, digits: 4)",
        "\(format: scores.hitsAt1, digits: 4)", "\(format: scores.hitsAt10, digits: 4)",
        "\(format: scores.meanRank, digits: 1)", "\(format: scores.meanDistance, digits: 3)",
      ]
      if let precision = scores.ancestorPrecision { row.append("\(format: precision, digits: 4)") }
      rows.append(row)
    }
    let widths = header.indices.map { column in rows.map { $0[column].count }.max()! }
    text += "\n"
    for row in rows {
      text += row.enumerated().map { column, cell in
        column == 0
          ? cell.rightPadded(to: widths[0])
          : cell.leftPadded(to: widths[column])
      }.joined(separator: "  ") + "\n"
    }
    if let ours = report.scores.first, report.scores.count > 1 {
      text += "\nMRR of ours against "
        + report.scores.dropFirst().map { other in
          let ratio = other.meanReciprocalRank > 0
            ? " (×\(format: ours.meanReciprocalRank / other.meanReciprocalRank, digits: 2))" : ""
          let difference = ours.meanReciprocalRank - other.meanReciprocalRank
          return "\(other.label): \(difference >= 0 ? "+" : "")\(format: difference, digits: 4)\(ratio)"
        }.joined(separator: "; ") + "\n"
    }
    if report.pairsWithTrainingNodes > 0 && report.pairsWithTrainingNodes < report.pairCount {
      let other = report.pairCount - report.pairsWithTrainingNodes
      text += "MRR on the \(report.pairsWithTrainingNodes.grouped) pairs whose node is also a "
        + "training pair's node (the nearest key can copy it) / on the other \(other.grouped): "
        + report.scores.map { scores in
          "\(scores.label) \(format: scores.trainingNodeMRR ?? 0, digits: 4) / "
            + "\(format: scores.otherNodeMRR ?? 0, digits: 4)"
        }.joined(separator: "; ") + "\n"
    }
    if hasAncestors {
      text += "Ancestor precision over the \(report.ancestorPairCount.grouped) pairs whose node "
        + "has ancestors in the closure.\n"
    }
    text += "Time: \(format: report.seconds, digits: 2) s\n"
    return text
  }
}
