import PoincareEmbedding

/// `poincare-embed closure`: the transitive closure of WordNet's hypernyms or of a file of
/// direct edges, written as sorted `child<TAB>ancestor` lines.
enum ClosureCommand: Subcommand {
  static let wordNet = OptionSpec(
    name: "wordnet",
    help: "Read a WordNet 3.0 database folder instead of an edges file; <input> names the "
      + "folder (default: \(WordNetDatabase.defaultDirectory)).")
  static let partOfSpeech = OptionSpec(
    name: "pos", valueName: "pos", help: "With --wordnet, the part of speech: noun or verb.",
    defaultValue: "noun")
  static let root = OptionSpec(
    name: "root", valueName: "node",
    help: "Keep only this node's descendants and the node itself (e.g. mammal.n.01).")
  static let output = OptionSpec(
    name: "output", shortName: "o", valueName: "file",
    help: "Where to write the closure; - is standard output. Required.")

  static let spec = CommandSpec(
    name: "closure",
    abstract: "Build the transitive closure of an is-a hierarchy, from WordNet or from edges.",
    discussion: """
      Writes every (descendant, ancestor) pair as one `child<TAB>ancestor` line, without \
      self-loops or duplicates, sorted by child name, then ancestor name, in byte order \
      (LC_ALL=C sort). Node and pair counts go to standard error.

      With --wordnet, reads Princeton WordNet 3.0's index.<pos> and data.<pos> (Debian/Ubuntu: \
      apt-get install wordnet-base) and names synsets as NLTK does (dog.n.01). The pairs are \
      those of the Poincaré paper's script (facebookresearch wordnet/transitive_closure.py): \
      each synset with every hypernym ancestor, and each instance with its instance hypernyms \
      and their hypernym ancestors. Nouns give 82115 nodes and 743086 pairs; --root \
      mammal.n.01 gives 1182 nodes and 6542 pairs.

      Otherwise <input> holds direct edges, `child<TAB>parent` one a line (or \
      facebookresearch's id1,id2,weight CSV for .csv). Duplicate edges are merged, self-loops \
      skipped; a cycle is an error that lists its nodes.
      """,
    arguments: [
      ArgumentSpec(
        name: "input",
        help: "The edges file; with --wordnet, the WordNet database folder.", isOptional: true)
    ],
    options: [wordNet, partOfSpeech, root, output],
    extraUsages: [
      "poincare-embed closure <edges.tsv> -o <out.tsv>",
      "poincare-embed closure --wordnet [<dir>] [--pos <pos>] -o <out.tsv>",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws {
    guard let outputPath = arguments.string(output) else {
      throw CommandLineError.missingArgument(output.synopsis)
    }
    let isWordNet = arguments.flag(wordNet)
    let partText = arguments.string(partOfSpeech) ?? "noun"
    guard let part = WordNetDatabase.PartOfSpeech(rawValue: partText) else {
      throw CommandLineError.invalidValue(partText, option: partOfSpeech.synopsis)
    }
    if !isWordNet && arguments.isSet(partOfSpeech) {
      throw ConfigurationError("--pos applies only with --wordnet")
    }
    let input: String
    if let argument = arguments.argument(0) {
      input = argument
    } else if isWordNet {
      input = WordNetDatabase.defaultDirectory
    } else {
      throw CommandLineError.missingArgument("<input>")
    }
    let rootName = arguments.string(root)
    let clock = ContinuousClock()
    let started = clock.now

    // The output file is opened first, so an unwritable path fails before the work; any later
    // error removes the temporary file and leaves nothing behind.
    let (nodes, pairs) = try AtomicFileWriter.write(to: outputPath) { file in
      var closure: TransitiveClosure
      if isWordNet {
        closure = TransitiveClosure(
          wordNet: try WordNetDatabase(directory: input, partOfSpeech: part))
      } else {
        let (edgeClosure, summary) = try TransitiveClosure.read(edgeFile: input)
        closure = edgeClosure
        if summary.selfLoopCount > 0 {
          console.printError(
            "Warning: skipped \(summary.selfLoopCount) self-loop line(s) (a node is not its own "
              + "ancestor)")
        }
      }
      if let rootName {
        closure = try restrict(closure, to: rootName, source: input)
      }
      try closure.write(to: &file)
      return (closure.nodeCount, closure.pairCount)
    }
    let seconds = (clock.now - started) / .seconds(1)
    let scope = rootName.map { " below \($0)" } ?? ""
    console.printError(
      "closure\(scope): \(nodes) nodes, \(pairs) pairs in \(formatSeconds(seconds))")
  }

  /// The part of `closure` below the node named `rootName`.
  private static func restrict(
    _ closure: TransitiveClosure, to rootName: String, source: String
  ) throws -> TransitiveClosure {
    guard let rootID = closure.names.index(of: rootName) else {
      let suggestions = closure.names.suggestions(for: rootName)
      let advice =
        suggestions.isEmpty
        ? "" : "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"
      throw ConfigurationError("--root '\(rootName)' is not a node of \(source)\(advice)")
    }
    let restricted = closure.restricted(toDescendantsOf: rootID)
    if restricted.pairCount == 0 {
      throw ConfigurationError(
        "--root '\(rootName)' has no descendants in \(source); the closure would be empty")
    }
    return restricted
  }

  private static func formatSeconds(_ seconds: Double) -> String {
    let hundredths = Int((seconds * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) s"
  }
}
