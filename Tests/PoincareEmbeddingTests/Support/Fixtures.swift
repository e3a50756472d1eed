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
