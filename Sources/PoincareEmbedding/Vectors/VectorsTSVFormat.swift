/// Vectors as tab-separated values: one row a line, `key<TAB>v1<TAB>…<TAB>vd`, no header.
///
/// Rows come in the order of gensim's word2vec files (descending count, ties in index order);
/// values are in shortest round-trip form, so nothing is lost. The layout is the one TensorBoard's
/// Embedding Projector wants, split in two: `cut -f 2-` gives its vectors file and `cut -f 1` its
/// metadata (labels) file; pandas reads it with `read_csv(path, sep="\t", header=None,
/// index_col=0)`. Keys cannot contain tabs (`NodeName` refuses whitespace), so the columns are
/// unambiguous.
public enum VectorsTSVFormat {
  /// Writes `vectors` to `path` atomically (`-` for standard output).
  ///
  /// - Throws: `OutputError` when the file cannot be written.
  public static func write(_ vectors: KeyedVectors, to path: String) throws {
    try AtomicFileWriter.write(to: path) { output in try write(vectors, to: &output) }
  }

  /// Appends the file's bytes to `output`.
  public static func write(_ vectors: KeyedVectors, to output: inout BufferedOutput) throws {
    for row in vectors.rowsByDescendingCount() {
      try vectors.vocabulary.withNameBytes(of: row) {
        try output.write(bytes: UnsafeRawBufferPointer($0))
      }
      var line = ""
      for value in vectors.vector(row) {
        line += "\t"
        line += value.description
      }
      line += "\n"
      try output.write(line)
    }
  }
}
