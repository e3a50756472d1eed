import PoincareEmbedding

/// `poincare-embed split`: a seeded train/test split for link prediction.
enum SplitCommand: Subcommand {
  static let testFraction = OptionSpec(
    name: "test-fraction", valueName: "f",
    help: "Share of the distinct relations to hold out, in [0, 1).", defaultValue: "0.1")
  static let seed = OptionSpec(
    name: "seed", valueName: "n", help: "Random seed (0 to 2^64-1).", defaultValue: "0")
  static let output = OptionSpec(
    name: "output", shortName: "o", valueName: "prefix",
    help: "Write <prefix>.train.tsv and <prefix>.test.tsv (required).")

  static let spec = CommandSpec(
    name: "split",
    abstract: "Split relations into train and test sets for link prediction.",
    discussion: """
      How the split is drawn: the candidates are the distinct relations (a, b), a ≠ b, whose \
      nodes are neither roots (never a child) nor leaves (never a parent), as in gensim's \
      Poincaré evaluation notebook; self-loops always stay in train, and repeated lines of one \
      relation stay together. floor(f × distinct relations) of them go to test: candidates are \
      visited in a Fisher-Yates order drawn from xoshiro256** seeded through SplitMix64, with \
      Lemire's bounded integers, and one is taken when both of its nodes still occur in another train line, so \
      every test node occurs in train. On a transitive closure this is a uniform sample of the \
      candidates. The same input and seed give the same files on every platform. Lines keep \
      their input order.
      """,
    arguments: [ArgumentSpec(name: "relations", help: "child<TAB>parent lines (a closure).")],
    options: [testFraction, seed, output])

  static func run(_ arguments: ParsedArguments, console: Console) throws {
    let relationsPath = arguments.argument(0)!
    let fraction: Double = try arguments.value(testFraction, default: 0.1)
    let seedValue: UInt64 = try arguments.value(seed, default: 0)
    guard let prefix = arguments.string(output) else {
      throw CommandLineError.missingArgument(output.synopsis)
    }
    try TrainTestSplit.validate(testFraction: fraction)
    let relations = try RelationFile.read(relationsPath)
    let split = try TrainTestSplit.draw(relations, testFraction: fraction, seed: seedValue)
    let trainPath = prefix + ".train.tsv"
    let testPath = prefix + ".test.tsv"
    try split.write(relations, trainPath: trainPath, testPath: testPath)
    console.print(
      "Wrote \(split.train.count) train relations to \(trainPath) and \(split.test.count) test relations to \(testPath) (\(split.candidateCount) candidates, seed \(seedValue))."
    )
  }
}
