import PoincareEmbedding

/// `poincare-embed export <input> -o <out>`: rewrites an embedding (or a checkpoint's) in another
/// file format.
enum ExportCommand: Subcommand {
  /// The formats `export` writes.
  enum Format: String, CaseIterable {
    /// gensim's word2vec text (`save_word2vec_format(binary=False)`), full precision.
    case word2vec
    /// gensim's word2vec binary (`binary=True`): float32 values.
    case word2vecBinary = "word2vec-binary"
    /// `key<TAB>v1<TAB>…`, no header, full precision.
    case tsv

    /// The format an output name implies: `.bin` binary, `.tsv` TSV, anything else text.
    static func forPath(_ path: String) -> Format {
      let lowercased = path.lowercased()
      if lowercased.hasSuffix(".bin") { return .word2vecBinary }
      if lowercased.hasSuffix(".tsv") { return .tsv }
      return .word2vec
    }

    func write(_ vectors: KeyedVectors, to path: String) throws {
      switch self {
      case .word2vec: try Word2VecFormat.write(vectors, to: path, encoding: .text)
      case .word2vecBinary: try Word2VecFormat.write(vectors, to: path, encoding: .binary)
      case .tsv: try VectorsTSVFormat.write(vectors, to: path)
      }
    }
  }

  static let output = OptionSpec(
    name: "output", shortName: "o", valueName: "file",
    help: "Where to write (required; - for standard output).")
  static let format = OptionSpec(
    name: "format", valueName: "format",
    help: "word2vec (gensim's text format, every digit kept), word2vec-binary (gensim's binary "
      + "format: float32, about 7 significant digits) or tsv (key<TAB>v1<TAB>...<TAB>vd, one "
      + "node a line, no header, every digit kept). (default: from the extension of <file>: "
      + ".bin is word2vec-binary, .tsv is tsv, anything else word2vec)")

  static let spec = CommandSpec(
    name: "export",
    abstract: "Write an embedding in another file format.",
    discussion: """
      Reads <input> and writes the same nodes and coordinates to --output, atomically: an \
      existing file is replaced only once the new one is complete. Rows come in the order of \
      gensim's save_word2vec_format: descending count, which for a vectors file is the order \
      they are in, and for a checkpoint the counts of the training relations. The \
      TSV layout suits spreadsheets, pandas and TensorBoard's Embedding Projector \
      (cut -f 2- gives its vectors file, cut -f 1 its labels).
      """,
    arguments: [
      ArgumentSpec(
        name: "input",
        help: "Vectors file (word2vec text or binary, as gensim's save_word2vec_format "
          + "writes) or a checkpoint written by train --checkpoint.")
    ],
    options: [output, format])

  static func run(_ arguments: ParsedArguments, console: Console) throws {
    guard let outputPath = arguments.string(output) else {
      throw CommandLineError.missingArgument(output.synopsis)
    }
    let chosen: Format
    if let name = arguments.string(format) {
      guard let named = Format(rawValue: name) else {
        throw CommandLineError.invalidValue(name, option: format.synopsis)
      }
      chosen = named
    } else {
      chosen = Format.forPath(outputPath)
    }
    let vectors = try VectorsInput.read(arguments.positionals[0])
    try chosen.write(vectors, to: outputPath)
  }
}
