import PoincareEmbedding

/// `poincare-embed eval`: reconstruction or link-prediction mean rank and MAP, both protocols.
enum EvalCommand: Subcommand {
  static let train = OptionSpec(
    name: "train", valueName: "file",
    help: "Link prediction: the relations the vectors were trained on (filtered from rankings).")
  static let test = OptionSpec(
    name: "test", valueName: "file", help: "Link prediction: the held-out relations to rank.")
  static let protocolOption = OptionSpec(
    name: "protocol", valueName: "name",
    help: "paper (u excluded from its own ranking), gensim (u ranked at distance 0), or both.",
    defaultValue: "both")
  static let json = OptionSpec(name: "json", help: "Print the report as JSON.")
  static let threads = OptionSpec(
    name: "threads", valueName: "n", help: "Worker threads (results do not depend on it).",
    defaultValue: "all cores")
  static let maxN = OptionSpec(
    name: "max-n", valueName: "n",
    help:
      "Mimic gensim's evaluate(max_n=n): stop after the first node past n in index order. Default: every node."
  )
  static let skipMissing = OptionSpec(
    name: "skip-missing",
    help: "Skip relations whose nodes have no vector (and report how many) instead of failing.")

  static let spec = CommandSpec(
    name: "eval",
    abstract: "Rank relations by Poincaré distance: mean rank and MAP, exactly, over every node.",
    discussion: """
      Reconstruction (with <relations>): for every node u with relations, each positive v \
      (u's distinct parents) is ranked among all vectors that are not positives of u: \
      rank = 1 + the number strictly closer to u. MAP averages each node's average precision. \
      Link prediction (with --train and --test): test positives are ranked, train and test \
      positives are filtered (gensim's LinkPredictionEvaluation).

      Both protocols come from the same pass: 'paper' excludes u from its own ranking and \
      ignores self-loops (the Poincaré paper, facebookresearch); 'gensim' ranks u as a negative \
      at distance 0 unless it is its own positive, as gensim's ReconstructionEvaluation does \
      (same numbers when gensim holds the vectors as float64; its load_word2vec_format \
      default, float32, reorders nearly equal distances). Distances are compared exactly, \
      without sampling. Relation nodes are matched to vectors by name.
      """,
    arguments: [
      ArgumentSpec(
        name: "vectors",
        help: "Vectors: word2vec text or binary (as gensim writes), or a checkpoint."),
      ArgumentSpec(
        name: "relations", help: "Relations to reconstruct: child<TAB>parent lines.",
        isOptional: true),
    ],
    options: [train, test, protocolOption, json, threads, maxN, skipMissing],
    extraUsages: ["poincare-embed eval <vectors> --train <file> --test <file> [<options>]"])

  static func run(_ arguments: ParsedArguments, console: Console) throws {
    let vectorsPath = arguments.argument(0)!
    let relationsPath = arguments.argument(1)
    let trainPath = arguments.string(train)
    let testPath = arguments.string(test)
    let protocols: [EvaluationProtocol]
    switch arguments.string(protocolOption) ?? "both" {
    case "both": protocols = EvaluationProtocol.allCases
    case let name:
      guard let single = EvaluationProtocol(rawValue: name) else {
        throw CommandLineError.invalidValue(name, option: protocolOption.synopsis)
      }
      protocols = [single]
    }
    let options = EvaluationOptions(
      threadCount: try arguments.value(threads, default: EvaluationOptions.defaultThreadCount),
      maxN: try arguments.value(maxN), skipMissing: arguments.flag(skipMissing))
    try options.validate()
    if relationsPath != nil && (trainPath != nil || testPath != nil) {
      throw ConfigurationError("give either <relations> or --train and --test, not both")
    }
    if (trainPath == nil) != (testPath == nil) {
      throw ConfigurationError("--train and --test go together (link prediction)")
    }
    if relationsPath == nil && trainPath == nil {
      throw CommandLineError.missingArgument("<relations>")
    }

    let clock = ContinuousClock()
    let started = clock.now
    let vectors = try VectorsInput.read(vectorsPath)
    var report: EvaluationReport
    if let relationsPath {
      let relations = try RelationFile.read(relationsPath)
      let loaded = clock.now
      report = try ReconstructionEvaluation.evaluate(
        vectors: vectors, relations: relations, relationsPath: relationsPath, options: options)
      report.loadSeconds = seconds(loaded - started)
    } else {
      let trainRelations = try RelationFile.read(trainPath!)
      let testRelations = try RelationFile.read(testPath!)
      let loaded = clock.now
      report = try LinkPredictionEvaluation.evaluate(
        vectors: vectors, train: trainRelations, trainPath: trainPath!, test: testRelations,
        testPath: testPath!, options: options)
      report.loadSeconds = seconds(loaded - started)
    }
    report.vectorsPath = vectorsPath
    if arguments.flag(json) {
      console.print(report.json(protocols: protocols).rendered())
    } else {
      console.write(report.table(protocols: protocols))
    }
  }

  private static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }
}
