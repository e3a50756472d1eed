/// Named points in the Poincaré ball: gensim's `PoincareKeyedVectors` (`index_to_key`,
/// `vectors`, and each key's `count`).
///
/// Rows are stored contiguously, row-major, in vocabulary order.
public struct KeyedVectors: Sendable {
  /// Keys, their indices and counts. Counts decide the row order of written files.
  public var vocabulary: Vocabulary
  /// The number of coordinates per point (gensim's `vector_size`).
  public let dimension: Int
  /// `vocabulary.count × dimension` coordinates, row-major.
  public var values: [Double]

  public init(vocabulary: Vocabulary, dimension: Int, values: [Double]) {
    precondition(dimension > 0 && values.count == vocabulary.count * dimension)
    self.vocabulary = vocabulary
    self.dimension = dimension
    self.values = values
  }

  /// The number of points.
  public var count: Int { vocabulary.count }

  /// The coordinates of row `index`.
  public func vector(_ index: Int) -> ArraySlice<Double> {
    values[(index * dimension)..<((index + 1) * dimension)]
  }

  /// Row indices in gensim's `save_word2vec_format` order: descending count, ties in index order
  /// (Python's stable `sorted`).
  public func rowsByDescendingCount() -> [Int] {
    let counts = vocabulary.counts
    return (0..<count).sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
  }
}
