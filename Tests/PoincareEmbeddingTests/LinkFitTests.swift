#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
import TestSupport
import Testing

@testable import PoincareEmbedding

/// The negatives `link fit` draws from the current prediction (`--prediction-negatives`): the
/// nodes nearest it, in order, never the key's own, then the other kinds.
@Suite struct LinkNegativesTests {
  /// 40 seeded points of the 3-dimensional ball, some near the boundary.
  static func embedding() -> KeyedVectors {
    var random = RandomSource(seed: 3)
    var values: [Double] = []
    for _ in 0..<40 {
      let norm = 1 - pow(10, -9 * random.unitInterval())
      var direction = (0..<3).map { _ in 2 * random.unitInterval() - 1 }
      let length = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
      direction = direction.map { $0 / length * norm }
      values += direction
    }
    return KeyedVectors(
      vocabulary: Vocabulary(names: (0..<40).map { "n\($0)" }), dimension: 3, values: values)
  }

  @Test func searchFromAPointListsTheNearestNodesOtherThanTheExcluded() {
    let vectors = Self.embedding()
    let search = NodeSearch(vectors)
    let point = [0.3, -0.5, 0.6]
    let expected = vectors.nearest(toPoints: point, count: 40, threadCount: 1)[0].map {
      Int32($0.index)
    }
    let excluded: [Int32] = [expected[1], expected[4]]
    var keys = [Double](repeating: 0, count: 40)
    var rows = [Int32](repeating: -1, count: 50)
    for count in [0, 1, 5, 38, 50] {
      let found = point.withUnsafeBufferPointer { p in
        keys.withUnsafeMutableBufferPointer { k in
          rows.withUnsafeMutableBufferPointer { r in
            search.nearest(
              to: p.baseAddress!, count: count, excluding: excluded[...], keys: k.baseAddress!,
              into: r.baseAddress!)
          }
        }
      }
      let wanted = Array(expected.filter { !excluded.contains($0) }.prefix(count))
      #expect(found == wanted.count)
      #expect(Array(rows.prefix(found)) == wanted, "count \(count)")
    }
  }

  @Test func predictionNegativesComeFirstThenUniformNeverTheKeysNodes() {
    let vectors = Self.embedding()
    var options = LinkFitOptions()
    options.negatives = 8
    options.predictionNegatives = 5
    let architecture = LinkArchitecture(
      inputDimension: 2, hiddenWidths: [], activation: .relu, output: .expMap, ballDimension: 3,
      epsilon: 1e-5)
    // Key 0 has nodes 7 and 9; its pair's node is 7.
    let context = FitContext(
      architecture: architecture, options: options, inputs: [1, 0], pairKeys: [0],
      pairNodes: [7], keyOffsets: [0, 2], keyNodes: [7, 9], embedding: vectors.values,
      nodeCount: 40, search: NodeSearch(vectors))
    let point = vectors.values[(7 * 3)..<(8 * 3)].map { $0 * 0.999 }
    let nearest = vectors.nearest(toPoints: point, count: 40, threadCount: 1)[0]
      .map { Int32($0.index) }.filter { $0 != 7 && $0 != 9 }
    var keys = [Double](repeating: 0, count: 40)
    for seed in 0..<50 as Range<UInt64> {
      var random = RandomSource(seed: seed)
      var drawn = [Int32](repeating: -1, count: 8)
      point.withUnsafeBufferPointer { p in
        keys.withUnsafeMutableBufferPointer { k in
          drawn.withUnsafeMutableBufferPointer { out in
            context.drawNegatives(
              for: 0, into: out.baseAddress!, random: &random, point: p.baseAddress!,
              keys: k.baseAddress!)
          }
        }
      }
      #expect(Array(drawn.prefix(5)) == Array(nearest.prefix(5)), "seed \(seed)")
      #expect(drawn.allSatisfy { $0 >= 0 && $0 < 40 && $0 != 7 && $0 != 9 }, "seed \(seed)")
    }
  }
}

/// Model files keep their fit options as JSON: options added since a file was written take
/// their defaults, which is what the version that wrote it did.
@Suite struct LinkFitOptionsTests {
  @Test func optionsWrittenBeforePredictionNegativesAndSelectionTakeTheDefaults() throws {
    let old = #"{"negatives": 30, "nearNegatives": 2, "epochs": 7}"#
    let options = try JSONDecoder().decode(LinkFitOptions.self, from: Data(old.utf8))
    #expect(options.negatives == 30 && options.nearNegatives == 2 && options.epochs == 7)
    #expect(options.predictionNegatives == 0)
    #expect(options.selection == .loss)
    var changed = LinkFitOptions()
    changed.predictionNegatives = 3
    changed.selection = .mrr
    let again = try JSONDecoder().decode(
      LinkFitOptions.self, from: JSONEncoder().encode(changed))
    #expect(again == changed)
  }
}

#if canImport(Glibc)
  import Glibc
#endif
