import Foundation
import Testing
import TestSupport

@testable import PoincareEmbedding

/// The path of a file in `Tests/PoincareEmbeddingTests/Fixtures/`, copied into the test bundle.
func fixturePath(_ name: String) throws -> String {
  let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
  return url.path
}

/// A random hierarchy's transitive closure: node i's parent is a random earlier node.
func randomClosure(nodes: Int, seed: UInt64) -> Relations {
  var random = RandomSource(seed: seed)
  var parent = [-1]
  for node in 1..<nodes { parent.append(random.bounded(node)) }
  var pairs: [(String, String)] = []
  for node in 1..<nodes {
    var ancestor = parent[node]
    while ancestor >= 0 {
      pairs.append(("n\(node)", "n\(ancestor)"))
      ancestor = parent[ancestor]
    }
  }
  return Relations(pairs)
}

/// A point in a random direction (coordinates uniform in ±0.5, normalised) at Euclidean norm
/// `radius`.
func randomBallPoint(dimension: Int, radius: Double, using random: inout RandomSource) -> [Double] {
  let direction = (0..<dimension).map { _ in random.unitInterval() - 0.5 }
  let length = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
  return direction.map { $0 / length * radius }
}

/// `count` random points of norm uniform in [0.2, 1]·`scale`: the rows of one training step.
func randomStepRows(count: Int, dimension: Int, scale: Double, seed: UInt64) -> [[Double]] {
  var random = RandomSource(seed: seed)
  return (0..<count).map { _ in
    let direction = randomBallPoint(dimension: dimension, radius: 1, using: &random)
    let radius = scale * (0.2 + 0.8 * random.unitInterval())
    return direction.map { $0 * radius }
  }
}

/// The central difference of `loss` in coordinate `index` of row `row`, h = 1e-6: a training step
/// moves a row by ~1e-6, so rounding x ± h costs ~1e-10 relative and the truncation error ~h²
/// dominates.
func centralDifference(
  _ loss: ([[Double]]) -> Double, at rows: [[Double]], row: Int, index: Int
) -> Double {
  let h = 1e-6
  var plus = rows
  plus[row][index] += h
  var minus = rows
  minus[row][index] -= h
  return (loss(plus) - loss(minus)) / (2 * h)
}
