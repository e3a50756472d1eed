import PoincareEmbedding

/// `poincare-embed plot <vectors> -o <disk.svg>`: a picture of the embedding in the Poincaré
/// disk.
enum PlotCommand: Subcommand {
  static let output = OptionSpec(
    name: "output", shortName: "o", valueName: "file",
    help: "Where to write the SVG picture (required; - for standard output).")
  static let relations = OptionSpec(
    name: "relations", valueName: "file",
    help: "Draw these child-parent pairs (TSV, or facebookresearch CSV by the .csv extension) as "
      + "geodesics. Every node named must be in <vectors>. Direct edges read better than a whole "
      + "transitive closure.")
  static let labels = OptionSpec(
    name: "labels", valueName: "k",
    help: "Write the names of the k nodes nearest the origin (the top of the hierarchy); every "
      + "dot also shows its name when hovered.", defaultValue: "20")
  static let size = OptionSpec(
    name: "size", valueName: "pixels", help: "Width and height of the picture.",
    defaultValue: "800")
  static let names = OptionSpec(
    name: "names", valueName: "file",
    help: "An `id<TAB>name` file (closure --names writes one for an OBO file): labels show "
      + "names instead of ids, and each dot's tooltip shows its id and name.")

  static let spec = CommandSpec(
    name: "plot",
    abstract: "Draw an embedding in the Poincaré disk as an SVG picture.",
    discussion: """
      Draws the unit disk, every node as a dot, and the relations given with --relations as \
      hyperbolic geodesics: arcs of circles orthogonal to the boundary, or straight lines \
      through the centre. Dimension 2 is drawn as is. Higher dimensions are projected in three \
      steps that keep the origin at the centre and never push a node outwards: the \
      logarithmic map at the origin (x -> artanh(|x|) x/|x|), orthogonal projection onto the \
      two principal directions of the mapped points (the top two eigenvectors of their \
      uncentred second-moment matrix, by power iteration), and the exponential map back \
      (z -> tanh(|z|) z/|z|). The same input always gives the same file, written atomically.
      """,
    arguments: [
      ArgumentSpec(
        name: "vectors",
        help: "Vectors file (word2vec text or binary, as gensim's save_word2vec_format "
          + "writes) or a checkpoint written by train --checkpoint.")
    ],
    options: [output, relations, labels, size, names])

  static func run(_ arguments: ParsedArguments, console: Console) throws {
    guard let outputPath = arguments.string(output) else {
      throw CommandLineError.missingArgument(output.synopsis)
    }
    let labelCount: Int = try arguments.value(labels, default: 20)
    if labelCount < 0 {
      throw ConfigurationError("--labels must be at least 0 (got \(labelCount))")
    }
    let pixels: Int = try arguments.value(size, default: 800)
    if pixels < 100 || pixels > 100_000 {
      throw ConfigurationError("--size must be between 100 and 100000 (got \(pixels))")
    }
    let vectorsPath = arguments.positionals[0]
    let vectors = try VectorsInput.read(vectorsPath)
    var edges: [(child: Int, parent: Int)] = []
    if let relationsPath = arguments.string(relations) {
      edges = try rowPairs(inRelations: relationsPath, of: vectors, vectorsPath: vectorsPath)
    }
    let nodeNames = try arguments.string(names).map { try NodeLabels.read($0) }
    let plot = DiskPlot(
      edges: edges, labelCount: labelCount, size: Double(pixels), names: nodeNames)
    try plot.write(vectors, to: outputPath)
  }

  /// The relations of `path` as row pairs of `vectors`.
  ///
  /// - Throws: `InputError` for an unreadable or malformed file, or a node missing from the
  ///   vectors.
  static func rowPairs(inRelations path: String, of vectors: KeyedVectors, vectorsPath: String)
    throws -> [(child: Int, parent: Int)]
  {
    let relations = try RelationFile.read(path)
    let rows = try (0..<relations.nodeCount).map { id in
      let name = relations.vocabulary.name(of: id)
      guard let row = vectors.vocabulary.index(of: name) else {
        throw InputError(
          .malformed, path: path, message: "node '\(name)' is not in \(vectorsPath)",
          hint: "draw relations between nodes of the embedding, e.g. the file it was trained on.")
      }
      return row
    }
    return (0..<relations.count).map {
      (rows[Int(relations.child($0))], rows[Int(relations.parent($0))])
    }
  }
}
