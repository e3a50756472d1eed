#if canImport(FoundationEssentials)
  import FoundationEssentials  // URL; full Foundation would link its ICU data (scripts/package)
#else
  import Foundation
#endif
import PoincareEmbedding

/// `poincare-embed train`: gensim's `PoincareModel(...).train(...)` then
/// `kv.save_word2vec_format(...)`.
enum TrainCommand: Subcommand {
  static let preset = OptionSpec(
    name: "preset", valueName: "name",
    help: "gensim (gensim's PoincareModel, exactly) or best: our best general recipe for large "
      + "hierarchies (see below). Options given explicitly change the preset's values.",
    defaultValue: "gensim")
  static let output = OptionSpec(
    name: "output", shortName: "o", valueName: "file",
    help: "Where to write the vectors: gensim's word2vec text format, or binary when the name "
      + "ends in .bin. (default: the input's name with .txt, e.g. mammal_closure.txt)")
  static let dimension = OptionSpec(
    name: "dimension", valueName: "n", help: "Coordinates per point (gensim: size).",
    defaultValue: "50")
  static let learningRate = OptionSpec(
    name: "learning-rate", valueName: "rate", help: "Learning rate after burn-in (gensim: alpha).",
    defaultValue: "0.1")
  static let negatives = OptionSpec(
    name: "negatives", valueName: "n",
    help: "Negatives per relation, drawn in proportion to node counts, never a parent of the "
      + "child (gensim: negative).", defaultValue: "10")
  static let epochs = OptionSpec(
    name: "epochs", valueName: "n", help: "Epochs after burn-in (gensim: train(epochs=)).",
    defaultValue: "50")
  static let batchSize = OptionSpec(
    name: "batch-size", valueName: "n", help: "Relations per batch (gensim: batch_size).",
    defaultValue: "10")
  static let burnIn = OptionSpec(
    name: "burn-in", valueName: "epochs", help: "Burn-in epochs before training (gensim: burn_in).",
    defaultValue: "10")
  static let burnInLearningRate = OptionSpec(
    name: "burn-in-learning-rate", valueName: "rate",
    help: "Learning rate during burn-in (gensim: burn_in_alpha).", defaultValue: "0.01")
  static let regularization = OptionSpec(
    name: "regularization", valueName: "coefficient",
    help: "L2 penalty on each positive parent (gensim: regularization_coeff).",
    defaultValue: "1.0")
  static let epsilon = OptionSpec(
    name: "epsilon", valueName: "e",
    help: "Points reaching norm 1 - e are pulled back inside the ball (gensim: epsilon).",
    defaultValue: "1e-05")
  static let initRange = OptionSpec(
    name: "init-range", valueName: "r",
    help: "Initial coordinates are uniform in [-r, r]; or give 'low,high' (gensim: init_range).",
    defaultValue: "0.001")
  static let seed = OptionSpec(
    name: "seed", valueName: "n", help: "Seed of every random draw (gensim: seed).",
    defaultValue: "0")
  static let threads = OptionSpec(
    name: "threads", valueName: "n",
    help: "Worker threads. 1 is bit for bit reproducible on any machine; n > 1 splits the "
      + "nodes between the threads, which merge the rows they changed every 256 to 2,048 "
      + "relations a thread: deterministic for the same n, within 0.01 MAP of one thread "
      + "at n = 2 (see README).",
    defaultValue: "1; with --preset best the cores, at most 2")
  static let delimiter = OptionSpec(
    name: "delimiter", valueName: "char",
    help: "Field separator of the relations: tab, comma, or one character. (default: tab; "
      + "facebookresearch's id1,id2,weight CSV for .csv files)")
  static let rng = OptionSpec(
    name: "rng", valueName: "generator",
    help: "Random draws: 'xoshiro' (fast, any thread count) or 'numpy': a gensim-exact "
      + "replay (numpy's RandomState and gensim's sampling, draw for draw), giving gensim's "
      + "vectors for the same seed to rounding; one thread only (its default), slower, no "
      + "checkpoints.",
    defaultValue: "xoshiro")
  static let quiet = OptionSpec(name: "quiet", shortName: "q", help: "Print no progress.")
  static let evaluate = OptionSpec(
    name: "eval",
    help: "After training, print the reconstruction report (mean rank and MAP, both protocols, "
      + "as `poincare-embed eval`) of the vectors on the training relations to stdout.")
  static let negativeSampling = OptionSpec(
    name: "negative-sampling", valueName: "distribution",
    help: "Beyond gensim: draw negatives after burn-in in proportion to counts (gensim), "
      + "uniformly (facebookresearch), or to counts^P, e.g. counts^0.75.",
    defaultValue: "counts")
  static let burnInNegativeSampling = OptionSpec(
    name: "burn-in-negative-sampling", valueName: "distribution",
    help: "Beyond gensim: the same, during burn-in.", defaultValue: "counts")
  static let projection = OptionSpec(
    name: "projection", valueName: "kind",
    help: "Beyond gensim: how rows reaching norm 1 - epsilon are pulled back: gensim (rescale, "
      + "then step epsilon toward 0 in each coordinate) or rescale (keep the direction).",
    defaultValue: "gensim")
  static let model = OptionSpec(
    name: "model", valueName: "model",
    help: "Beyond gensim: train in the poincare ball (gensim) or on the lorentz hyperboloid "
      + "(geodesic steps, no boundary to stall at; --regularization is not used). The vectors "
      + "written are Poincaré-ball coordinates either way.", defaultValue: "poincare")
  static let localNegatives = OptionSpec(
    name: "local-negatives", valueName: "n",
    help: "Beyond gensim: n of the negatives of each relation are drawn among the parent's other "
      + "descendants.", defaultValue: "0")
  static let learningRateSchedule = OptionSpec(
    name: "learning-rate-schedule", valueName: "schedule",
    help: "Beyond gensim: constant (gensim), or linear: decreasing each epoch after burn-in "
      + "down to rate/epochs.", defaultValue: "constant")
  static let hardNegatives = OptionSpec(
    name: "hard-negatives", valueName: "n",
    help: "Beyond gensim: n of the negatives of each relation are drawn among the child's "
      + "nearest non-ancestors under the current embedding, found again every "
      + "--mining-interval epochs.", defaultValue: "0")
  static let hardNegativePool = OptionSpec(
    name: "hard-negative-pool", valueName: "k",
    help: "Beyond gensim: nearest non-ancestors kept per node for --hard-negatives.",
    defaultValue: "32")
  static let miningInterval = OptionSpec(
    name: "mining-interval", valueName: "epochs",
    help: "Beyond gensim: epochs between searches for the nearest non-ancestors.",
    defaultValue: "5")
  static let miningMargin = OptionSpec(
    name: "mining-margin", valueName: "distance",
    help: "Beyond gensim: hard negatives are looked for up to this hyperbolic distance beyond "
      + "the child's farthest ancestor.", defaultValue: "1.0")
  static let evalEvery = OptionSpec(
    name: "eval-every", valueName: "epochs",
    help: "Print the reconstruction MAP and mean rank (paper protocol) to stderr every n "
      + "training epochs.")
  static let initialization = OptionSpec(
    name: "init", valueName: "start",
    help: "Beyond gensim: uniform (gensim: uniform in --init-range) or hierarchy: nested caps "
      + "laid out from the closure, each node's ancestors already nearest.",
    defaultValue: "uniform")
  static let initVectors = OptionSpec(
    name: "init-vectors", valueName: "file",
    help: "Start from these vectors (word2vec text or binary, or a checkpoint; every node "
      + "needs one) instead of random points: continue or fine-tune an embedding.")
  static let checkpoint = OptionSpec(
    name: "checkpoint", valueName: "file",
    help: "Save the full training state here (atomically) every --checkpoint-every epochs, at "
      + "the end, and on Ctrl-C or SIGTERM.")
  static let checkpointEvery = OptionSpec(
    name: "checkpoint-every", valueName: "epochs", help: "Epochs between checkpoints.",
    defaultValue: "1")
  static let resume = OptionSpec(
    name: "resume", valueName: "file",
    help: "Continue from a checkpoint of the same relations; its hyper-parameters apply "
      + "(only --epochs and --threads may change). With the same --threads it resumes bit "
      + "for bit.")

  static let spec = CommandSpec(
    name: "train",
    abstract: "Train Poincaré embeddings of a transitive closure.",
    discussion: """
      Reads `child<TAB>parent` relations (one a line; node order and counts as gensim's \
      build_vocab), trains exactly as gensim's PoincareModel (softmax loss over the parent and \
      its negatives, burn-in, Riemannian SGD with batches, projection into the ball) and writes \
      the vectors in gensim's save_word2vec_format layout.
      Progress goes to stderr: epoch, relations/s, loss and ETA. The loss is the one gensim \
      logs: the mean over batches of each batch's summed loss, without the regularization term.

      --preset best (our best general recipe, measured in the README) starts from nested caps \
      laid out from the hierarchy (--init hierarchy: each node's ancestors already nearest, \
      with room for deep hierarchies: --epsilon 1e-10, 1e-14 at dimension 2), then, above \
      dimension 2, trains 50 epochs at rate 0.01 (0.03 from dimension 10) with 10 uniform and \
      10 hard negatives \
      (--negative-sampling uniform --negatives 20 --hard-negatives 10), without burn-in or \
      regularization, with --projection rescale, on the machine's cores up to 2 (--threads). \
      Points may then lie closer to the boundary than float32 resolves: load the vectors in \
      gensim with datatype=numpy.float64.
      """,
    arguments: [
      ArgumentSpec(name: "relations", help: "Relations file: child<TAB>parent, one pair a line.")
    ],
    options: [
      preset, output, dimension, learningRate, negatives, epochs, batchSize, burnIn, burnInLearningRate,
      regularization, epsilon, initRange, seed, threads, rng, delimiter, checkpoint,
      checkpointEvery, resume, quiet, evaluate, model, negativeSampling, burnInNegativeSampling,
      learningRateSchedule, projection, localNegatives, hardNegatives, hardNegativePool,
      miningInterval, miningMargin, evalEvery, initialization, initVectors,
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws {
    let input = arguments.argument(0)!
    let outputPath = try outputPath(for: input, arguments: arguments)
    let format = try relationFormat(arguments.string(delimiter), input: input)
    let isQuiet = arguments.flag(quiet)
    let checkpointPath = arguments.string(checkpoint)
    let checkpointInterval = try arguments.value(checkpointEvery, default: 1)
    guard checkpointInterval >= 1 else {
      throw ConfigurationError("--checkpoint-every must be at least 1 (got \(checkpointInterval))")
    }
    let resumePath = arguments.string(resume)
    let isNumpyReplay = try isNumpyGenerator(arguments)
    if isNumpyReplay, let option = [checkpoint, resume].first(where: arguments.isSet) {
      throw ConfigurationError(
        "--rng numpy cannot be combined with \(option.synopsis): the replay keeps no checkpoints")
    }
    var configuration = TrainingConfiguration()
    if resumePath == nil {
      configuration = try self.configuration(from: arguments)
      if isNumpyReplay {
        if !arguments.isSet(threads) { configuration.threadCount = 1 }
        try GensimReplay.validate(configuration)
      }
    } else if let fixed = fixedWhenResuming.first(where: arguments.isSet) {
      throw ConfigurationError(
        "\(fixed.synopsis) cannot change when resuming; the checkpoint fixes it")
    }

    // Training may take hours: a typo in an output folder must fail now, not at the end.
    try AtomicFileWriter.checkCanCreate(outputPath)
    if let checkpointPath { try AtomicFileWriter.checkCanCreate(checkpointPath) }

    // A damaged checkpoint is found before the relations are read.
    let saved = try resumePath.map { try Checkpoint.read($0) }
    let stopwatch = Stopwatch()
    let relations = try RelationFile.read(input, format: format)
    if !isQuiet {
      console.printError(
        "read \(relations.count.grouped) relations over \(relations.nodeCount.grouped) nodes "
          + "from \(input) in \(format: stopwatch.seconds) s")
    }
    if isNumpyReplay {
      let replay = try GensimReplay(relations: relations, configuration: configuration)
      let progress = isQuiet ? nil : ProgressLine(console: console, configuration: configuration)
      var observer: (@Sendable (TrainingReport) -> Void)? = nil
      if let progress { observer = { progress.show($0) } }
      let completed = try withInterruptionHandling {
        try replay.train(observer: observer, stop: interruption)
      }
      progress?.finish()
      if !completed {
        let error = Interrupted(signal: interruption.reason, message: "")
        throw Interrupted(
          signal: error.signal,
          message: "Interrupted by \(error.signalName); nothing was written (\(outputPath) is "
            + "untouched; --rng numpy keeps no checkpoints).")
      }
      try write(replay.vectors, to: outputPath)
      if !isQuiet {
        console.printError(
          "replayed gensim's \(configuration.epochs) epochs (+\(configuration.burnInEpochs) "
            + "burn-in) with numpy's RandomState(\(configuration.seed)) at dimension "
            + "\(configuration.dimension) in \(format: stopwatch.seconds) s; wrote \(outputPath)")
      }
      if arguments.flag(evaluate) {
        try printReconstruction(
          replay.vectors, relations: relations, path: input, outputPath: outputPath,
          console: console)
      }
      return
    }
    let trainer: PoincareTrainer
    if let resumePath, let saved {
      trainer = try saved.makeTrainer(
        relations: relations, path: resumePath, epochs: try arguments.value(epochs),
        threadCount: try arguments.value(threads))
      configuration = trainer.configuration
      if !isQuiet {
        console.printError(
          "resuming \(resumePath) after \(saved.position.burnInEpochs) burn-in and "
            + "\(saved.position.epochs) training epochs")
      }
    } else if let startPath = arguments.string(initVectors) {
      if arguments.isSet(initialization) {
        throw ConfigurationError("--init-vectors replaces --init; give one of them")
      }
      trainer = try PoincareTrainer(
        relations: relations, configuration: configuration, start: VectorsInput.read(startPath),
        startPath: startPath)
    } else {
      trainer = try PoincareTrainer(relations: relations, configuration: configuration)
    }

    let progress = isQuiet ? nil : ProgressLine(console: console, configuration: configuration)
    var observer: (@Sendable (TrainingReport) -> Void)? = nil
    if let progress { observer = { progress.show($0) } }
    let evaluationInterval: Int? = try arguments.isSet(evalEvery) ? arguments.value(evalEvery) : nil
    let completed = try withInterruptionHandling {
      try trainer.train(observer: observer, stop: interruption) { trainer in
        let done = trainer.position.burnInEpochs + trainer.position.epochs
        if let evaluationInterval, trainer.position.epochs > 0,
          trainer.position.burnInEpochs == trainer.configuration.burnInEpochs,
          trainer.position.epochs % evaluationInterval == 0
        {
          let report = try ReconstructionEvaluation.evaluate(
            vectors: trainer.vectors, relations: relations, relationsPath: input)
          progress?.finish()
          console.printError(
            "epoch \(trainer.position.epochs): MAP \(format: report.paper.meanAveragePrecision ?? 0, digits: 4)"
              + " mean rank \(format: report.paper.meanRank ?? 0, digits: 2) (paper protocol; "
              + "\(format: report.seconds) s)")
        }
        if let checkpointPath, done % checkpointInterval == 0 || trainer.isComplete {
          try Checkpoint(trainer).write(to: checkpointPath)
        }
      }
    }
    progress?.finish()
    if !completed {
      throw interrupted(trainer, input: input, checkpointPath: checkpointPath, outputPath: outputPath)
    }

    try write(trainer.vectors, to: outputPath)
    if !isQuiet {
      let threadCount = configuration.threadCount
      console.printError(
        "trained \(configuration.epochs) epochs (+\(configuration.burnInEpochs) burn-in) at "
          + "dimension \(configuration.dimension) on \(threadCount) thread"
          + "\(threadCount == 1 ? "" : "s") in \(format: stopwatch.seconds) s; wrote \(outputPath)")
    }
    if arguments.flag(evaluate) {
      try printReconstruction(
        trainer.vectors, relations: relations, path: input, outputPath: outputPath,
        console: console)
    }
  }

  /// `--eval`: the reconstruction report of freshly trained vectors on their own relations.
  static func printReconstruction(
    _ vectors: KeyedVectors, relations: Relations, path: String, outputPath: String,
    console: Console
  ) throws {
    var report = try ReconstructionEvaluation.evaluate(
      vectors: vectors, relations: relations, relationsPath: path)
    report.vectorsPath = outputPath
    console.write(report.table(protocols: EvaluationProtocol.allCases))
  }

  /// Writes word2vec text, or binary when the name ends in `.bin`.
  static func write(_ vectors: KeyedVectors, to path: String) throws {
    try Word2VecFormat.write(
      vectors, to: path, encoding: path.lowercased().hasSuffix(".bin") ? .binary : .text)
  }

  /// Whether `--rng` asks for the numpy replay.
  static func isNumpyGenerator(_ arguments: ParsedArguments) throws -> Bool {
    switch arguments.string(rng) ?? "xoshiro" {
    case "xoshiro": return false
    case "numpy": return true
    case let other: throw CommandLineError.invalidValue(other, option: rng.synopsis)
    }
  }

  /// The options a checkpoint fixes: everything that shapes the run except its length and
  /// thread count.
  static let fixedWhenResuming = [
    preset, dimension, learningRate, negatives, batchSize, burnIn, burnInLearningRate,
    regularization, epsilon, initRange, seed, negativeSampling, burnInNegativeSampling,
    learningRateSchedule, projection, model, localNegatives, hardNegatives, hardNegativePool,
    miningInterval, miningMargin, initialization, initVectors,
  ]

  /// Saves the checkpoint (when configured) of a run stopped by a signal, and describes it.
  static func interrupted(
    _ trainer: PoincareTrainer, input: String, checkpointPath: String?, outputPath: String
  ) -> Error {
    let signal = interruption.reason
    let position = trainer.position
    let phase = position.burnInEpochs < trainer.configuration.burnInEpochs ? "burn-in" : "training"
    let epoch = phase == "burn-in" ? position.burnInEpochs + 1 : position.epochs + 1
    var error = Interrupted(signal: signal, message: "")
    var message = "Interrupted by \(error.signalName) in \(phase) epoch \(epoch); "
    if let checkpointPath {
      do {
        try Checkpoint(trainer).write(to: checkpointPath)
        message +=
          "saved checkpoint \(checkpointPath). Resume with: poincare-embed train \(input) "
          + "--resume \(checkpointPath) -o \(outputPath)"
      } catch {
        message += "could not save the checkpoint: \(error)"
      }
    } else {
      message += "nothing was written (\(outputPath) is untouched; use --checkpoint to keep progress)."
    }
    error.message = message
    return error
  }

  /// The training configuration from the command line, validated.
  static func configuration(from arguments: ParsedArguments) throws -> TrainingConfiguration {
    let chosenPreset = try choice(preset, in: arguments, default: Preset.gensim)
    var configuration = TrainingConfiguration(
      preset: chosenPreset,
      dimension: try arguments.value(dimension, default: TrainingConfiguration().dimension))
    configuration.learningRate = try arguments.value(learningRate, default: configuration.learningRate)
    configuration.negativeCount = try arguments.value(negatives, default: configuration.negativeCount)
    configuration.epochs = try arguments.value(epochs, default: configuration.epochs)
    configuration.batchSize = try arguments.value(batchSize, default: configuration.batchSize)
    configuration.burnInEpochs = try arguments.value(burnIn, default: configuration.burnInEpochs)
    configuration.burnInLearningRate = try arguments.value(
      burnInLearningRate, default: configuration.burnInLearningRate)
    configuration.regularizationCoefficient = try arguments.value(
      regularization, default: configuration.regularizationCoefficient)
    configuration.epsilon = try arguments.value(epsilon, default: configuration.epsilon)
    configuration.seed = try arguments.value(seed, default: configuration.seed)
    configuration.threadCount = try arguments.value(
      threads,
      default: chosenPreset.defaultThreadCount(
        availableCores: EvaluationOptions.defaultThreadCount))
    if let text = arguments.string(initRange) {
      configuration.initializationRange = try parseRange(text)
    }
    for (option, keyPath) in [
      (negativeSampling, \TrainingConfiguration.negativeDistribution),
      (burnInNegativeSampling, \TrainingConfiguration.burnInNegativeDistribution),
    ] {
      if let text = arguments.string(option) {
        guard let distribution = NegativeDistribution(text) else {
          throw CommandLineError.invalidValue(text, option: option.synopsis)
        }
        configuration[keyPath: keyPath] = distribution
      }
    }
    configuration.learningRateSchedule = try choice(
      learningRateSchedule, in: arguments, default: configuration.learningRateSchedule)
    configuration.projection = try choice(
      projection, in: arguments, default: configuration.projection)
    configuration.model = try choice(model, in: arguments, default: configuration.model)
    configuration.initialization = try choice(
      initialization, in: arguments, default: configuration.initialization)
    configuration.localNegativeCount = try arguments.value(
      localNegatives, default: configuration.localNegativeCount)
    configuration.hardNegativeCount = try arguments.value(
      hardNegatives, default: configuration.hardNegativeCount)
    configuration.hardNegativePool = try arguments.value(
      hardNegativePool, default: configuration.hardNegativePool)
    configuration.miningInterval = try arguments.value(
      miningInterval, default: configuration.miningInterval)
    configuration.miningMargin = try arguments.value(
      miningMargin, default: configuration.miningMargin)
    try configuration.validate()
    return configuration
  }

  /// The value of an option naming one case of `T`.
  static func choice<T: RawRepresentable<String>>(
    _ option: OptionSpec, in arguments: ParsedArguments, default fallback: T
  ) throws(CommandLineError) -> T {
    guard let text = arguments.string(option) else { return fallback }
    guard let value = T(rawValue: text) else {
      throw .invalidValue(text, option: option.synopsis)
    }
    return value
  }

  /// `r` → [-r, r]; `low,high` → [low, high].
  static func parseRange(_ text: String) throws(CommandLineError) -> ClosedRange<Double> {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    let numbers = parts.compactMap { Double($0.trimmingSpaces()) }
    guard numbers.count == parts.count, numbers.allSatisfy(\.isFinite) else {
      throw .invalidValue(text, option: initRange.synopsis)
    }
    switch numbers.count {
    case 1 where numbers[0] > 0: return -numbers[0]...numbers[0]
    case 2 where numbers[0] < numbers[1]: return numbers[0]...numbers[1]
    default: throw .invalidValue(text, option: initRange.synopsis)
    }
  }

  /// `-o` when given; otherwise the input's name with `.txt`, never the input itself.
  static func outputPath(for input: String, arguments: ParsedArguments) throws -> String {
    if let path = arguments.string(output) { return path }
    guard input != "-" else {
      throw CommandLineError.validation("--output is required when reading relations from stdin")
    }
    let url = URL(fileURLWithPath: input)
    var derived = url.deletingPathExtension().appendingPathExtension("txt").path
    if derived == url.standardizedFileURL.path {
      derived = url.deletingPathExtension().appendingPathExtension("vectors.txt").path
    }
    return input.hasPrefix("/") ? derived : relativePath(derived)
  }

  private static func relativePath(_ path: String) -> String {
    let current = FileManager.default.currentDirectoryPath + "/"
    return path.hasPrefix(current) ? String(path.dropFirst(current.count)) : path
  }

  /// The relation file format from `--delimiter` (tab, comma or one character).
  static func relationFormat(_ text: String?, input: String) throws -> RelationFile.Format {
    guard let text else { return RelationFile.Format.forPath(input) }
    switch text {
    case "tab", "\t": return .delimited(UInt8(ascii: "\t"))
    case "comma", ",": return .facebookCSV
    default:
      guard text.utf8.count == 1, let byte = text.utf8.first, byte != 0x0A, byte != 0x0D else {
        throw CommandLineError.invalidValue(text, option: delimiter.synopsis)
      }
      return .delimited(byte)
    }
  }
}
