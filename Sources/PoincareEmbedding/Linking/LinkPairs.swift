/// A `key<TAB>node` file: each line pairs a key of the input vectors (a word) with the node of the
/// embedding it belongs to (WordNet: a lemma and one of its synsets, `dog<TAB>dog.n.01`).
///
/// Read by the relation-file parser (same rules: blank lines skipped, two tab-separated fields,
/// names without whitespace or control characters, errors naming `path:line`), keeping each
/// pair's line number for later messages. A key may have several nodes (one line each).
public struct LinkPairs: Sendable {
  /// The file the pairs came from.
  public var path: String
  /// Keys and nodes, interned together (`Relations`' vocabulary).
  public var names: Vocabulary
  /// Per pair: the key's and the node's name ids.
  public var keys: [NodeID]
  public var nodes: [NodeID]
  /// Per pair: its 1-based line in the file.
  public var lines: [Int32]

  /// The number of pairs.
  public var count: Int { keys.count }

  /// Reads `path` (`-` for standard input).
  ///
  /// - Throws: `InputError` naming the file and line of the first malformed line, or the file
  ///   when it holds no pair.
  public static func read(_ path: String) throws -> LinkPairs {
    var parser = RelationFile.Parser(path: path, format: .delimited(UInt8(ascii: "\t")))
    var lines: [Int32] = []
    try LineReader.forEachLine(inFile: path) { line, number in
      let before = parser.pairs.count
      try parser.consume(line, number: number)
      if parser.pairs.count > before { lines.append(Int32(truncatingIfNeeded: number)) }
    }
    let relations = try parser.finish()
    return LinkPairs(path: path, relations: relations, lines: lines)
  }

  /// Pairs from (key, node) names, numbered as lines 1, 2, … (for tests and the library).
  public init(path: String = "pairs", _ pairs: [(String, String)]) {
    self.init(
      path: path, relations: Relations(pairs), lines: (1...max(1, pairs.count)).map(Int32.init))
  }

  private init(path: String, relations: Relations, lines: [Int32]) {
    self.path = path
    names = relations.vocabulary
    keys = (0..<relations.count).map { relations.child($0) }
    nodes = (0..<relations.count).map { relations.parent($0) }
    self.lines = Array(lines.prefix(relations.count))
  }

  public func key(_ pair: Int) -> String { names.name(of: Int(keys[pair])) }

  public func node(_ pair: Int) -> String { names.name(of: Int(nodes[pair])) }
}

/// How the input vector of a key absent from the inputs file may be built.
public enum KeyComposition: String, Codable, Sendable, CaseIterable {
  /// Only keys in the file have vectors.
  case none
  /// A key `a_b_c` absent from the file gets the mean of the vectors of `a`, `b` and `c` when
  /// each of them is in the file (WordNet writes multi-word lemmas with `_`).
  case mean
}

/// Looks up the input vector of a key in a word vectors file, composing multi-word keys when
/// asked.
public struct KeyLookup: Sendable {
  public let inputs: KeyedVectors
  public let composition: KeyComposition

  public init(inputs: KeyedVectors, composition: KeyComposition) {
    self.inputs = inputs
    self.composition = composition
  }

  /// Writes the raw input vector of `key` to `row` (`inputs.dimension` values) and returns
  /// true, or returns false when the key has none.
  public func vector(of key: String, into row: UnsafeMutablePointer<Double>) -> Bool {
    let n = inputs.dimension
    if let index = inputs.vocabulary.index(of: key) {
      inputs.values.withUnsafeBufferPointer {
        row.update(from: $0.baseAddress! + index * n, count: n)
      }
      return true
    }
    guard composition == .mean, key.contains("_") else { return false }
    let words = key.split(separator: "_")
    var indices: [Int] = []
    for word in words {
      guard let index = inputs.vocabulary.index(of: String(word)) else { return false }
      indices.append(index)
    }
    guard !indices.isEmpty else { return false }
    row.update(repeating: 0, count: n)
    // Each term divided first, so that the mean of vectors near the largest double cannot
    // overflow.
    let share = 1 / Double(indices.count)
    inputs.values.withUnsafeBufferPointer { values in
      for index in indices {
        VectorKernels.addScaled(share, values.baseAddress! + index * n, to: row, count: n)
      }
    }
    return true
  }

  /// A hint for a key without a vector.
  func missingHint(for key: String) -> String {
    if key.contains("_") && composition == .none {
      return "build multi-word keys from their words with --compose mean, or skip such pairs "
        + "with --skip-missing."
    }
    return "skip pairs whose key has no vector with --skip-missing."
  }
}
