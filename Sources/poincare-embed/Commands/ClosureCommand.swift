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
    help: "Keep only this node's descendants and the node itself (e.g. mammal.n.01; for an "
      + "OBO file, a term's id or its name when no other term has it).")
  static let output = OptionSpec(
    name: "output", shortName: "o", valueName: "file",
    help: "Where to write the closure; - is standard output. Required.")
  static let relation = OptionSpec(
    name: "relation", valueName: "relation",
    help: "For an OBO file, also follow `relationship: <relation> <id>` lines of this relation "
      + "(e.g. part_of); repeat the option for several.")
  static let names = OptionSpec(
    name: "names", valueName: "file",
    help: "For an OBO file, also write `id<TAB>name` for every node of the closure (from its "
      + "name: tag), for query and plot --names.")
  static let strict = OptionSpec(
    name: "strict",
    help: "For an OBO file, refuse an edge to a term the file does not define or to an obsolete "
      + "term, instead of dropping it with a warning.")

  static let spec = CommandSpec(
    name: "closure",
    abstract: "Build the transitive closure of an is-a hierarchy: WordNet, OBO or edges.",
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

      An OBO flat file (.obo, or a file that starts with format-version: or [Term]; OBO 1.2 \
      or 1.4 as the OBO Foundry publishes the Gene Ontology, HPO, Uberon...) gives the \
      closure over the is_a lines of its [Term] stanzas; `{...}` qualifiers and `! labels` \
      after a value are ignored, and so are [Typedef] and [Instance] stanzas, intersection_of \
      lines (logical definitions, not asserted is_a) and replaced_by. Obsolete terms \
      (is_obsolete: true) are left out and counted. An edge to a term the file does not \
      define, or to an obsolete term, is dropped with a warning (an error with --strict).

      is_a alone is the default because it is the hierarchy the embedding models: a term's \
      ancestors are the classes it is a kind of. --relation part_of adds the wholes a term \
      is part of, and their ancestors (Uberon: a finger is part of a hand, so the hand and \
      everything the hand is a kind of or part of become ancestors of the finger): a \
      partonomy mixed into the taxonomy. Use it when that mixed hierarchy is what you want; \
      relations such as has_part or regulates point sideways or down and make cycles.

      Otherwise <input> holds direct edges, `child<TAB>parent` one a line (or \
      facebookresearch's id1,id2,weight CSV for .csv). Duplicate edges are merged, self-loops \
      skipped; a cycle is an error that lists its nodes.
      """,
    arguments: [
      ArgumentSpec(
        name: "input",
        help: "The edges or OBO file; with --wordnet, the WordNet database folder.",
        isOptional: true)
    ],
    options: [wordNet, partOfSpeech, root, output, relation, names, strict],
    extraUsages: [
      "poincare-embed closure <edges.tsv> -o <out.tsv>",
      "poincare-embed closure <file.obo> [--names <file>] -o <out.tsv>",
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
    let isOBO = !isWordNet && OBOOntology.isOBOFile(input)
    let namesPath = arguments.string(names)
    if !isOBO {
      for option in [relation, names, strict] where arguments.isSet(option) {
        throw ConfigurationError("--\(option.name) applies only to an OBO file")
      }
    }
    if let namesPath {
      if namesPath == outputPath {
        throw ConfigurationError("--names and --output name the same file (\(namesPath))")
      }
      try AtomicFileWriter.checkCanCreate(namesPath)
    }
    let clock = ContinuousClock()
    let started = clock.now

    // The output file is opened first, so an unwritable path fails before the work; any later
    // error removes the temporary file and leaves nothing behind.
    let (nodes, pairs) = try AtomicFileWriter.write(to: outputPath) { file in
      var closure: TransitiveClosure
      var ontology: OBOOntology?
      if isWordNet {
        closure = TransitiveClosure(
          wordNet: try WordNetDatabase(directory: input, partOfSpeech: part))
      } else if isOBO {
        let read = try OBOOntology(path: input)
        ontology = read
        closure = try oboClosure(
          read, relations: arguments.strings(relation), strict: arguments.flag(strict),
          console: console)
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
        closure = try restrict(closure, to: rootName, source: input, ontology: ontology)
      }
      try closure.write(to: &file)
      if let namesPath, let ontology {
        let labels = ontology.labels(of: closure)
        try labels.write(to: namesPath)
        console.printError("wrote the names of \(labels.count) nodes to \(namesPath)")
      }
      return (closure.nodeCount, closure.pairCount)
    }
    let seconds = (clock.now - started) / .seconds(1)
    let scope = rootName.map { " below \($0)" } ?? ""
    console.printError(
      "closure\(scope): \(nodes) nodes, \(pairs) pairs in \(formatSeconds(seconds))")
  }

  /// The closure of an OBO ontology, with its counts and warnings on the console.
  private static func oboClosure(
    _ ontology: OBOOntology, relations: [String], strict: Bool, console: Console
  ) throws -> TransitiveClosure {
    let (closure, summary) = try TransitiveClosure.closure(
      of: ontology, following: relations, strict: strict)
    let version = ontology.formatVersion.map { "OBO \($0), " } ?? ""
    var followed = ["is_a"]
    for name in relations where !followed.contains(name) { followed.append(name) }
    let counts = followed.map { "\(summary.followedEdgeCounts[$0] ?? 0) \($0)" }
    console.printError(
      "\(ontology.path): \(version)\(summary.termCount) terms (\(summary.obsoleteTermCount) "
        + "obsolete, left out); edges followed: \(counts.joined(separator: ", "))")
    for (dropped, what) in [
      (summary.undefinedTargets, "terms the file does not define"),
      (summary.obsoleteTargets, "obsolete terms"),
    ] where dropped.count > 0 {
      console.printError(
        "Warning: dropped \(dropped.count) edge(s) to \(what) (the first: "
          + "\(dropped.firstTarget ?? "?") at \(ontology.path):\(dropped.firstLine ?? 0)); "
          + "--strict refuses them")
    }
    if summary.selfLoopCount > 0 {
      console.printError(
        "Warning: skipped \(summary.selfLoopCount) self-loop edge(s) (a term is not its own "
          + "ancestor)")
    }
    if summary.isolatedTermCount > 0 {
      console.printError(
        "Note: \(summary.isolatedTermCount) term(s) have no followed edge to or from another "
          + "term and are in no pair")
    }
    return closure
  }

  /// The part of `closure` below the node named `rootName` (for an OBO file, a term's id or
  /// its name when no other term has it).
  private static func restrict(
    _ closure: TransitiveClosure, to rootName: String, source: String, ontology: OBOOntology?
  ) throws -> TransitiveClosure {
    var rootName = rootName
    if closure.names.index(of: rootName) == nil, let ontology {
      let named = (0..<ontology.ids.count).filter {
        ontology.isLiveTerm($0) && ontology.names[$0] == rootName
      }
      if named.count == 1 { rootName = ontology.ids.name(of: named[0]) }
    }
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
