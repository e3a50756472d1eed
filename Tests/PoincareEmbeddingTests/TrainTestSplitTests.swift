import TestSupport
import Testing

@testable import PoincareEmbedding

@Suite struct TrainTestSplitTests {
  /// The closure of a tree: r ← a, b; a ← a1, a2; b ← b1, b2; each of those has leaves.
  /// Inner nodes: a, b, a1, a2, b1, b2; 25 distinct relations plus two self-loops.
  static let tree: [(String, String)] = {
    let parent = [
      "a": "r", "b": "r", "a1": "a", "a2": "a", "b1": "b", "b2": "b", "a1x": "a1", "a1y": "a1",
      "a2x": "a2", "b1x": "b1", "b2x": "b2",
    ]
    var pairs: [(String, String)] = []
    for child in parent.keys.sorted() {
      var node = child
      while let up = parent[node] {
        pairs.append((child, up))
        node = up
      }
    }
    return pairs + [("r", "r"), ("a", "a")]  // self-loops never go to test
  }()

  @Test func testNodesStayInTrainAndCandidatesAreInner() throws {
    let relations = Relations(Self.tree)
    for seed in UInt64(0)..<20 {
      let split = try TrainTestSplit.draw(relations, testFraction: 0.1, seed: seed)
      #expect(split.train.count + split.test.count == relations.count)
      #expect(Set(split.train).isDisjoint(with: split.test))
      // ⌊0.1 × 27 distinct relations⌋ = 2.
      #expect(split.test.count == 2)
      let trainNodes = Set(split.train.flatMap { [relations.child($0), relations.parent($0)] })
      for line in split.test {
        let (child, parent) = (relations.child(line), relations.parent(line))
        #expect(child != parent)
        #expect(trainNodes.contains(child) && trainNodes.contains(parent))
        // Inner nodes only: r is the root, the *x and *y nodes are leaves.
        let names = [child, parent].map { relations.vocabulary.name(of: Int($0)) }
        #expect(names.allSatisfy { ["a", "b", "a1", "a2", "b1", "b2"].contains($0) })
      }
    }
  }

  @Test func theOnlyCandidatesAreHeldOutWhenAsked() throws {
    // Relations between inner nodes: a1 → a, a2 → a, b1 → b, b2 → b. ⌊0.15 × 27⌋ = 4 takes all
    // of them; ⌊0.2 × 27⌋ = 5 is too many.
    let relations = Relations(Self.tree)
    let all = try TrainTestSplit.draw(relations, testFraction: 0.15, seed: 1)
    #expect(all.candidateCount == 4 && all.test.count == 4)
    #expect(throws: ConfigurationError.self) {
      try TrainTestSplit.draw(relations, testFraction: 0.2, seed: 1)
    }
  }

  @Test func sameSeedSameSplitDifferentSeedsDiffer() throws {
    var pairs: [(String, String)] = []
    for i in 0..<40 {
      pairs.append(("leaf\(i)", "mid\(i % 10)"))
      pairs.append(("leaf\(i)", "root"))
    }
    for m in 0..<10 {
      pairs.append(("mid\(m)", "top\(m % 3)"))
      pairs.append(("mid\(m)", "root"))
    }
    for t in 0..<3 { pairs.append(("top\(t)", "root")) }
    pairs += (0..<10).map { ("leaf\($0)", "top\($0 % 3)") }
    let relations = Relations(pairs)
    let first = try TrainTestSplit.draw(relations, testFraction: 0.05, seed: 42)
    #expect(try TrainTestSplit.draw(relations, testFraction: 0.05, seed: 42) == first)
    let others = try (0..<5).map {
      try TrainTestSplit.draw(relations, testFraction: 0.05, seed: $0)
    }
    #expect(others.contains { $0.test != first.test })
  }

  @Test func repeatedLinesStayTogether() throws {
    let relations = Relations(Self.tree + [("a1", "a"), ("a1", "a")])
    let split = try TrainTestSplit.draw(relations, testFraction: 0.1, seed: 3)
    let lines = (0..<relations.count).filter {
      relations.vocabulary.name(of: Int(relations.child($0))) == "a1"
        && relations.vocabulary.name(of: Int(relations.parent($0))) == "a"
    }
    #expect(lines.count == 3)
    #expect(Set(lines).isSubset(of: split.test) || Set(lines).isDisjoint(with: split.test))
  }

  @Test func writesBothFilesInInputOrder() throws {
    let folder = TemporaryFolder()
    let relations = Relations(Self.tree + [("q\"uote", "a")])
    let split = TrainTestSplit(train: [0, 2, relations.count - 1], test: [1], candidateCount: 1)
    try split.write(
      relations, trainPath: folder.file("t.train.tsv"), testPath: folder.file("t.test.tsv"))
    let train = try RelationFile.read(folder.file("t.train.tsv"))
    #expect(train.count == 3)
    #expect(train.vocabulary.name(of: Int(train.child(2))) == "q\"uote")
    let test = try RelationFile.read(folder.file("t.test.tsv"))
    #expect(test.vocabulary.names == [Self.tree[1].0, Self.tree[1].1])
  }

  @Test func fractionOutOfRangeIsRefused() {
    #expect(throws: ConfigurationError("--test-fraction must be at least 0 and below 1 (got 1.0)"))
    {
      try TrainTestSplit.draw(Relations(Self.tree), testFraction: 1, seed: 0)
    }
  }
}
