/// Pairs resolved against the input vectors and the embedding: per distinct key its raw input
/// vector, per pair the key and the node's embedding row.
public struct LinkExamples: Sendable {
  /// Distinct keys, in order of first appearance.
  public var keys: [String]
  /// `keys.count × inputDimension` raw input vectors (before the model's scaling).
  public var keyInputs: [Double]
  public var inputDimension: Int
  /// Per pair: its key (index into `keys`) and its node (embedding row).
  public var pairKeys: [Int32]
  public var pairNodes: [Int32]
  /// Per pair: its line in the pairs file.
  public var pairLines: [Int32]
  /// Pairs skipped (with `skipMissing`) because the key has no vector, and the distinct keys.
  public var skippedForKeys = 0
  public var missingKeys = 0
  /// Pairs skipped (with `skipMissing`) because the node is not in the embedding.
  public var skippedForNodes = 0

  /// The number of pairs kept.
  public var count: Int { pairKeys.count }

  /// Resolves every pair.
  ///
  /// - Parameters:
  ///   - inputsPath, embeddingPath: name the files in messages.
  ///   - skipMissing: skip (and count) pairs whose key has no vector or whose node is not in
  ///     the embedding, instead of failing.
  /// - Throws: `InputError` at the pairs file's line of the first pair that cannot be resolved,
  ///   or naming the file when no pair is left.
  public init(
    pairs: LinkPairs, lookup: KeyLookup, inputsPath: String, embedding: KeyedVectors,
    embeddingPath: String, skipMissing: Bool
  ) throws(InputError) {
    inputDimension = lookup.inputs.dimension
    keys = []
    keyInputs = []
    pairKeys = []
    pairNodes = []
    pairLines = []
    let n = inputDimension
    // Per name id of the pairs file: its key index (≥ 0), -1 when not yet seen, -2 when missing.
    var keyIndex = [Int32](repeating: -1, count: pairs.names.count)
    var row = [Double](repeating: 0, count: n)
    for pair in 0..<pairs.count {
      let keyID = Int(pairs.keys[pair])
      let node = pairs.names.withNameBytes(of: Int(pairs.nodes[pair])) {
        embedding.vocabulary.find($0)
      }
      guard let node else {
        if skipMissing {
          skippedForNodes += 1
          continue
        }
        let name = pairs.node(pair)
        let suggestions = embedding.vocabulary.suggestions(for: name)
        let guess =
          suggestions.isEmpty
          ? "" : "did you mean " + suggestions.map { "'\($0)'" }.joined(separator: ", ") + "? "
        throw InputError.malformed(
          pairs.path, line: Int(pairs.lines[pair]),
          "node '\(name)' is not in the embedding \(embeddingPath) (\(embedding.count) nodes)",
          hint: guess + "Pairs name nodes of the embedding; skip others with --skip-missing.")
      }
      if keyIndex[keyID] == -1 {
        let key = pairs.key(pair)
        let found = row.withUnsafeMutableBufferPointer {
          lookup.vector(of: key, into: $0.baseAddress!)
        }
        if found {
          keyIndex[keyID] = Int32(keys.count)
          keys.append(key)
          keyInputs.append(contentsOf: row)
        } else {
          guard skipMissing else {
            throw InputError.malformed(
              pairs.path, line: Int(pairs.lines[pair]),
              "key '\(key)' has no vector in \(inputsPath)", hint: lookup.missingHint(for: key))
          }
          keyIndex[keyID] = -2
          missingKeys += 1
        }
      }
      if keyIndex[keyID] == -2 {
        skippedForKeys += 1
        continue
      }
      pairKeys.append(keyIndex[keyID])
      pairNodes.append(node)
      pairLines.append(pairs.lines[pair])
    }
    if pairKeys.isEmpty {
      throw InputError(
        .malformed, path: pairs.path,
        message: "no pair is left: \(skippedForKeys) have no key vector, \(skippedForNodes) "
          + "name nodes outside the embedding",
        hint: "check that the pairs, the input vectors and the embedding belong together.")
    }
  }

  /// Per key: its distinct nodes, as offsets into a flat list (CSR).
  func nodesByKey() -> (offsets: [Int], nodes: [Int32]) {
    var lists = [[Int32]](repeating: [], count: keys.count)
    for pair in 0..<count where !lists[Int(pairKeys[pair])].contains(pairNodes[pair]) {
      lists[Int(pairKeys[pair])].append(pairNodes[pair])
    }
    var offsets = [0]
    var nodes: [Int32] = []
    for list in lists {
      nodes.append(contentsOf: list.sorted())
      offsets.append(nodes.count)
    }
    return (offsets, nodes)
  }
}
