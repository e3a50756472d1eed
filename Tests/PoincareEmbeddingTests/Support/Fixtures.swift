import Foundation
import Testing

/// The path of a file in `Tests/PoincareEmbeddingTests/Fixtures/`, copied into the test bundle.
func fixturePath(_ name: String) throws -> String {
  let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
  return url.path
}
