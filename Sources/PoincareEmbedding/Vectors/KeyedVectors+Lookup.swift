extension KeyedVectors {
  /// The row of `key` (gensim's `get_index`), or an error that suggests close names.
  ///
  /// - Parameters:
  ///   - key: the node name, compared byte for byte.
  ///   - path: the file the vectors came from, named in the error.
  /// - Throws: `UnknownNodeError` when no row has that key.
  public func index(of key: String, in path: String? = nil) throws(UnknownNodeError) -> Int {
    if let index = vocabulary.index(of: key) { return index }
    throw UnknownNodeError(
      key: key, path: path, nodeCount: count, suggestions: vocabulary.suggestions(for: key))
  }
}
