/// A seeded train/test split of a relation list for link prediction, in which every node of a
/// test relation still occurs in a train relation.
///
/// How it is drawn (the gensim notebook's rules made exact and reproducible):
/// 1. Candidates are the distinct relations (a, b) with a ≠ b whose nodes are neither roots
///    (never a child in a relation a ≠ b) nor leaves (never a parent in one): the gensim
///    `Poincare Evaluation` notebook's `train_test_split`. Self-loops always stay in train; the
///    lines repeating one relation stay together.
/// 2. The test set has ⌊fraction × distinct relations⌋ relations.
/// 3. Candidates, in order of first appearance, are visited in a Fisher–Yates order drawn from
///    `RandomSource(seed:)` (xoshiro256** seeded through SplitMix64, Lemire's bounded integers);
///    each is moved to test when both of its nodes still occur in another
///    train line, until the test set is full. In a transitive closure every node of a candidate
///    has a leaf descendant, whose relation to it can never move, so this is a uniform sample of
///    the candidates; on other graphs it keeps every node in train.
public struct TrainTestSplit: Sendable, Equatable {
  /// Indices of the relations (lines) in train and in test, ascending.
  public var train: [Int]
  public var test: [Int]
  /// The number of distinct relations that could have been held out.
  public var candidateCount: Int

  /// Draws the split.
  ///
  /// - Throws: `ConfigurationError` when `testFraction` is outside [0, 1) or fewer relations can
  ///   be held out than it asks for.
  public static func draw(_ relations: Relations, testFraction: Double, seed: UInt64)
    throws(ConfigurationError) -> TrainTestSplit
  {
    try validate(testFraction: testFraction)
    let nodeCount = relations.nodeCount
    // Distinct relations, in order of first appearance, and each line's relation.
    var relationOfLine = [Int](repeating: 0, count: relations.count)
    var distinct: [(child: Int, parent: Int)] = []
    var linesOfRelation: [Int] = []
    var index: [UInt64: Int] = [:]
    var hasParent = [Bool](repeating: false, count: nodeCount)
    var hasChild = [Bool](repeating: false, count: nodeCount)
    var occurrences = [Int](repeating: 0, count: nodeCount)
    for line in 0..<relations.count {
      let child = Int(relations.child(line))
      let parent = Int(relations.parent(line))
      let key = UInt64(UInt32(child)) << 32 | UInt64(UInt32(parent))
      let id: Int
      if let existing = index[key] {
        id = existing
      } else {
        id = distinct.count
        index[key] = id
        distinct.append((child, parent))
        linesOfRelation.append(0)
      }
      relationOfLine[line] = id
      linesOfRelation[id] += 1
      occurrences[child] += 1
      if parent != child {
        occurrences[parent] += 1
        hasParent[child] = true
        hasChild[parent] = true
      }
    }
    let isInner = { (node: Int) in hasParent[node] && hasChild[node] }
    var candidates = distinct.indices.filter {
      distinct[$0].child != distinct[$0].parent && isInner(distinct[$0].child)
        && isInner(distinct[$0].parent)
    }
    let target = Int((testFraction * Double(distinct.count)).rounded(.down))
    var random = RandomSource(seed: seed)
    var isTest = [Bool](repeating: false, count: distinct.count)
    var chosen = 0
    var position = 0
    while chosen < target && position < candidates.count {
      let other = position + random.bounded(candidates.count - position)
      candidates.swapAt(position, other)
      let id = candidates[position]
      position += 1
      let (child, parent) = distinct[id]
      let lines = linesOfRelation[id]
      guard occurrences[child] > lines && occurrences[parent] > lines else { continue }
      occurrences[child] -= lines
      occurrences[parent] -= lines
      isTest[id] = true
      chosen += 1
    }
    if chosen < target {
      throw ConfigurationError(
        "--test-fraction \(testFraction) asks for \(target) test relations, but only \(chosen) of \(distinct.count) can be held out (relations between inner nodes whose nodes stay in train)"
      )
    }
    var split = TrainTestSplit(train: [], test: [], candidateCount: candidates.count)
    for line in 0..<relations.count {
      if isTest[relationOfLine[line]] { split.test.append(line) } else { split.train.append(line) }
    }
    return split
  }

  /// - Throws: `ConfigurationError` when `testFraction` is outside [0, 1).
  public static func validate(testFraction: Double) throws(ConfigurationError) {
    guard testFraction >= 0 && testFraction < 1 else {
      throw ConfigurationError(
        "--test-fraction must be at least 0 and below 1 (got \(testFraction))")
    }
  }

  /// Writes the train and test relations as `child<TAB>parent` lines, in input order, each file
  /// atomically. A name containing `"` is quoted as Python's `csv` writer quotes it.
  ///
  /// - Throws: `OutputError` when a file cannot be written.
  public func write(_ relations: Relations, trainPath: String, testPath: String) throws {
    for (path, lines) in [(trainPath, train), (testPath, test)] {
      try AtomicFileWriter.write(to: path) { output in
        for line in lines {
          try output.write(
            Self.field(relations.vocabulary.name(of: Int(relations.child(line)))) + "\t"
              + Self.field(relations.vocabulary.name(of: Int(relations.parent(line)))) + "\n")
        }
      }
    }
  }

  private static func field(_ name: String) -> String {
    name.contains("\"") ? "\"" + name.replacing("\"", with: "\"\"") + "\"" : name
  }
}
