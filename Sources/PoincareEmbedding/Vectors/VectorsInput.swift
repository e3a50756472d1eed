/// Reads the embedding from any file the tool accepts where it needs one (`query`, `plot`,
/// `export`): every reader of vectors goes through `read(_:)`, so a new input kind becomes
/// available to all of them at once.
///
/// Today: word2vec text or binary, recognised as `Word2VecFormat.read` does (a `.bin` name is
/// binary; otherwise text, falling back to binary). Training checkpoints (issue 8) are to be
/// recognised here by their leading bytes, before the word2vec fallback.
public enum VectorsInput {
  /// The vectors stored in `path`.
  ///
  /// - Throws: `InputError` naming the file (and line or byte offset) of the problem.
  public static func read(_ path: String) throws -> KeyedVectors {
    try Word2VecFormat.read(path)
  }
}
