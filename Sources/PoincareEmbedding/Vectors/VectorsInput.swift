/// Reads the embedding from any file the tool accepts where it needs one (`eval`, `query`,
/// `plot`, `export`): every reader of vectors goes through `read(_:)`, so each input kind is
/// available to all of them at once.
///
/// A training checkpoint is recognised by its leading bytes (its vectors at full precision, with
/// the training counts); anything else is word2vec text or binary, recognised as
/// `Word2VecFormat.read` does (a `.bin` name is binary; otherwise text, falling back to binary).
public enum VectorsInput {
  /// The vectors stored in `path`.
  ///
  /// - Throws: `InputError` naming the file (and line or byte offset) of the problem.
  public static func read(_ path: String) throws -> KeyedVectors {
    try decode(InputFile.readAll(path), path: path)
  }

  /// The vectors in `bytes`, the content of a file named `path` (for messages and the `.bin`
  /// extension).
  static func decode(_ bytes: [UInt8], path: String) throws(InputError) -> KeyedVectors {
    if Checkpoint.isCheckpoint(bytes) { return try Checkpoint.decode(bytes, path: path).vectors }
    return try Word2VecFormat.parse(bytes, path: path, encoding: nil)
  }
}
