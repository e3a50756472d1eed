/// Reads word vectors, the Euclidean inputs of `link` (fastText, GloVe, word2vec, or vectors a
/// language model wrote): rows of any finite norm, read by the word2vec readers without their
/// check that rows lie inside the Poincaré ball.
///
/// Layouts: word2vec text (a `<count> <dimension>` header, then `word v1 … vd` lines), word2vec
/// binary (gensim's `save_word2vec_format(binary=True)`: float32 values after each word), and
/// GloVe's text (the same lines without the header).
public enum WordVectorsInput {
  /// The layout of a word vectors file.
  public enum Format: String, Sendable, CaseIterable {
    /// Recognised from the file: a `.bin` name is word2vec binary; a first line of two integers
    /// is a word2vec header (text, or binary when its rows are not text); anything else is
    /// GloVe's header-less text.
    case auto
    case word2vec
    case word2vecBinary = "word2vec-binary"
    case glove
  }

  /// The word vectors stored in `path`.
  ///
  /// - Throws: `InputError` naming the file and the line (text) or byte offset (binary).
  public static func read(_ path: String, format: Format = .auto) throws -> KeyedVectors {
    try decode(InputFile.readAll(path), path: path, format: format)
  }

  /// The word vectors in `bytes`, the content of a file named `path`.
  static func decode(_ bytes: [UInt8], path: String, format: Format) throws(InputError)
    -> KeyedVectors
  {
    switch format {
    case .word2vec:
      return try Word2VecFormat.parse(bytes, path: path, encoding: .text, space: .euclidean)
    case .word2vecBinary:
      return try Word2VecFormat.parse(bytes, path: path, encoding: .binary, space: .euclidean)
    case .glove:
      return try Word2VecFormat.parseHeaderless(bytes, path: path)
    case .auto:
      if path.lowercased().hasSuffix(".bin") || Word2VecFormat.hasHeader(bytes) {
        return try Word2VecFormat.parse(bytes, path: path, encoding: nil, space: .euclidean)
      }
      return try Word2VecFormat.parseHeaderless(bytes, path: path)
    }
  }
}
