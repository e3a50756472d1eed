import TestSupport
import Testing

@testable import PoincareEmbedding

/// gensim's golden values (`gensim/test/test_poincare.py`, `TestPoincareKeyedVectors`) on its own
/// fixture, `poincare_vectors.bin` (1,182 mammal synsets, dimension 10, float32).
///
/// Tolerances: gensim computes in float32 and prints about 8 digits; we compute in double on the
/// same float32 coordinates. Over all pairs of this file the two differ by at most 2.4e-5
/// relative (measured with numpy in float64), so distances from gensim's output are compared at
/// 5e-5 relative, while values we can derive exactly (norm, differences) use 1e-7.
@Suite struct KeyedVectorsQueryTests {
  let vectors: KeyedVectors

  init() throws {
    vectors = try Word2VecFormat.read(try fixturePath("poincare_vectors.bin"))
  }

  func index(_ key: String) throws -> Int { try vectors.index(of: key) }
  func keys(_ indices: [Int]) -> [String] { indices.map { vectors.key(of: $0) } }

  @Test func fixtureShape() {
    #expect(vectors.count == 1182)
    #expect(vectors.dimension == 10)
    #expect(vectors.key(of: 0) == "mammal.n.01")
    #expect(vectors.key(of: 1181) == "female_mammal.n.01")
  }

  @Test func distanceMatchesGensim() throws {
    let dog = try index("dog.n.01")
    #expect(isClose(vectors.distance(dog, try index("mammal.n.01")), 4.5278745, relative: 5e-5))
    #expect(vectors.distance(dog, dog) == 0)
    // gensim: distances('dog.n.01')[-1] ≈ 10.04756 (the last key, female_mammal.n.01).
    let all = vectors.distances(from: dog)
    #expect(all.count == 1182)
    #expect(isClose(all[1181], 10.04756, relative: 5e-5))
    // Our own double-precision reference (numpy float64 on the same float32 coordinates).
    #expect(isClose(all[try index("mammal.n.01")], 4.527873325454145, relative: 1e-12))
    #expect(isClose(all[1181], 10.04755841789071, relative: 1e-12))
  }

  @Test func batchDistancesEqualPairwiseBitForBit() throws {
    let dog = try index("dog.n.01")
    let all = vectors.distances(from: dog)
    for other in stride(from: 0, to: vectors.count, by: 37) {
      #expect(all[other] == vectors.distance(dog, other))
    }
  }

  @Test func similarityNormAndDifferenceInHierarchy() throws {
    let dog = try index("dog.n.01")
    let mammal = try index("mammal.n.01")
    #expect(isClose(vectors.similarity(dog, mammal), 0.180901358, relative: 5e-5))
    #expect(vectors.similarity(dog, dog) == 1)
    // gensim 4.4.0's float32 output in full. test_poincare.py's `norm` method (which lacks the
    // `test_` prefix and never runs) says 0.03914723 for mammal, wrong in the 7th digit.
    #expect(isClose(vectors.norm(of: dog), 0.9775760173797607, relative: 1e-7))
    #expect(isClose(vectors.norm(of: mammal), 0.03914729878306389, relative: 1e-7))
    #expect(isClose(vectors.differenceInHierarchy(mammal, dog), 0.9384287, relative: 1e-7))
    #expect(isClose(vectors.differenceInHierarchy(dog, mammal), -0.9384287, relative: 1e-7))
    #expect(vectors.differenceInHierarchy(dog, dog) == 0)
    #expect(vectors.norms()[dog] == vectors.norm(of: dog))
  }

  @Test func mostSimilarMatchesGensimOrderAndDistances() throws {
    let result = vectors.mostSimilar(to: try index("dog.n.01"), count: 5)
    // gensim 4.4.0's float32 output, printed in full.
    let expected: [(String, Double)] = [
      ("canine.n.02", 3.2584238052368164), ("hunting_dog.n.01", 3.976999521255493),
      ("carnivore.n.01", 4.283454895019531), ("placental.n.01", 4.452333927154541),
      ("mammal.n.01", 4.527873992919922),
    ]
    #expect(keys(result.map(\.index)) == expected.map(\.0))
    for (neighbor, (_, distance)) in zip(result, expected) {
      #expect(isClose(neighbor.distance, distance, relative: 5e-5))
    }
    #expect(vectors.mostSimilar(to: try index("dog.n.01"), count: 10).count == 10)
  }

  @Test func mostSimilarOfAllEndsWithGensimsFarthestNode() throws {
    let dog = try index("dog.n.01")
    let all = vectors.mostSimilar(to: dog, count: nil)
    #expect(all.count == vectors.count - 1)
    #expect(vectors.key(of: all.last!.index) == "gallant_fox.n.01")
    #expect(!all.contains { $0.index == dog })
    #expect(zip(all, all.dropFirst()).allSatisfy { $0.distance <= $1.distance })
    #expect(vectors.mostSimilar(to: dog, count: 0).isEmpty)
    #expect(vectors.mostSimilar(to: dog, count: -3).isEmpty)
  }

  @Test func mostSimilarExcludesTheQueryEvenAtIndexZero() throws {
    // gensim's quirk: most_similar('mammal.n.01') (index 0) lists ('mammal.n.01', 0.0) first.
    let result = vectors.mostSimilar(to: 0, count: 2)
    #expect(keys(result.map(\.index)) == ["placental.n.01", "ungulate.n.01"])
    #expect(isClose(result[0].distance, 0.4375384747982025, relative: 5e-5))
  }

  @Test func closestParentAndChild() throws {
    let dog = try index("dog.n.01")
    #expect(vectors.closestChild(of: dog).map { vectors.key(of: $0.index) } == "terrier.n.01")
    #expect(vectors.closestChild(of: try index("harbor_porpoise.n.01")) == nil)
    let parent = try #require(vectors.closestParent(of: dog))
    #expect(vectors.key(of: parent.index) == "canine.n.02")
    #expect(parent.distance == vectors.distance(dog, parent.index))
    #expect(vectors.closestParent(of: try index("mammal.n.01")) == nil)
  }

  @Test func ancestorsAndDescendants() throws {
    let dog = try index("dog.n.01")
    #expect(
      keys(vectors.ancestors(of: dog))
        == ["canine.n.02", "carnivore.n.01", "placental.n.01", "mammal.n.01"])
    #expect(vectors.ancestors(of: try index("mammal.n.01")).isEmpty)
    let expected = [
      "terrier.n.01", "sporting_dog.n.01", "spaniel.n.01", "water_spaniel.n.01",
      "irish_water_spaniel.n.01",
    ]
    #expect(keys(vectors.descendants(of: dog)) == expected)
    #expect(keys(vectors.descendants(of: dog, maxDepth: 3)) == Array(expected.prefix(3)))
    #expect(vectors.descendants(of: dog, maxDepth: 0).isEmpty)
  }

  @Test func descendantsStopWhereGensimWouldRaise() throws {
    // gensim calls closest_child(None) once the chain reaches a leaf and fails; we stop there.
    let porpoise = try index("harbor_porpoise.n.01")
    #expect(vectors.descendants(of: porpoise, maxDepth: 5).isEmpty)
    let long = vectors.descendants(of: try index("dog.n.01"), maxDepth: 1000)
    #expect(long.count >= 5 && long.count < 1000)
    #expect(vectors.closestChild(of: long.last!) == nil)
    let norms = vectors.norms()
    #expect(zip(long, long.dropFirst()).allSatisfy { norms[$0] < norms[$1] })
  }

  @Test func closerThanAndRank() throws {
    let dog = try index("dog.n.01")
    let carnivore = try index("carnivore.n.01")
    #expect(Set(keys(vectors.closerThan(dog, carnivore))) == ["canine.n.02", "hunting_dog.n.01"])
    #expect(vectors.closerThan(dog, dog).isEmpty)
    #expect(vectors.rank(dog, carnivore) == 3)
    #expect(vectors.rank(dog, dog) == 1)
    // rank is 1 + the position in most_similar when there are no ties.
    let neighbors = vectors.mostSimilar(to: dog, count: 50)
    for (position, neighbor) in neighbors.enumerated() {
      #expect(vectors.rank(dog, neighbor.index) == position + 1)
    }
  }

  @Test func unknownKeySuggestsCloseNames() throws {
    let error = try #require(throws: UnknownNodeError.self) {
      try vectors.index(of: "dgo.n.01", in: "v.bin")
    }
    #expect(error.description == "v.bin: no node named 'dgo.n.01' (among 1182 nodes)")
    #expect(error.suggestions.first == "dog.n.01")
    #expect(vectors.vocabulary.suggestions(for: "dog") == ["dog.n.01"])
    #expect(vectors.vocabulary.suggestions(for: "Dog.N.01").first == "dog.n.01")
    #expect(vectors.vocabulary.suggestions(for: "zzzzzzzzzzzzzzzzzz").isEmpty)
    #expect(UnknownNodeError(key: "x", nodeCount: 1).hint == nil)
  }

  @Test(arguments: [
    ("kitten", "sitting", 3), ("", "abc", 3), ("abc", "abc", 0), ("abc", "", 3), ("ab", "ba", 1),
    ("dgo.n.01", "dog.n.01", 1), ("abcd", "badc", 2),
  ])
  func editDistance(a: String, b: String, expected: Int) {
    let bytes = Array(b.utf8)
    bytes.withUnsafeBufferPointer { b in
      #expect(Vocabulary.editDistance(Array(a.utf8), b, atMost: 3) == expected)
      #expect(Vocabulary.editDistance(Array(a.utf8), b, atMost: expected - 1) == nil)
    }
  }

  @Test func queriesStayFiniteNearTheBoundary() {
    // Two rows 1e-12 inside the unit circle and one at the origin: no NaN, no Inf.
    let radius = 1 - 1e-12
    let vectors = KeyedVectors(
      vocabulary: Vocabulary(names: ["top", "a", "b"]), dimension: 2,
      values: [0, 0, radius, 0, 0, radius])
    let all = vectors.distances(from: 1)
    #expect(all.allSatisfy { $0.isFinite })
    #expect(vectors.closestParent(of: 1)?.index == 0)
    #expect(vectors.closestChild(of: 0)?.index == 1)  // equal distances: the lower index
    #expect(vectors.ancestors(of: 2) == [0])
  }
}
