import Foundation
import Testing

/// A fresh temporary folder per test, removed when the value is dropped.
final class TemporaryFolder {
  let path: String

  init() {
    let base = FileManager.default.temporaryDirectory.path
    path = "\(base)/poincare-tests-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Writes `contents` to `name` inside the folder and returns the full path.
  @discardableResult
  func write(_ name: String, _ contents: String) -> String {
    let file = "\(path)/\(name)"
    try! contents.write(toFile: file, atomically: false, encoding: .utf8)
    return file
  }

  /// Writes raw bytes to `name` inside the folder and returns the full path.
  @discardableResult
  func write(_ name: String, bytes: [UInt8]) -> String {
    let file = "\(path)/\(name)"
    FileManager.default.createFile(atPath: file, contents: Data(bytes))
    return file
  }

  /// The full path of `name` inside the folder.
  func file(_ name: String) -> String { "\(path)/\(name)" }

  /// The names of the files in the folder, sorted.
  var fileNames: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
  }
}

/// The repository's root folder, found from this source file's location.
let repositoryRoot: String = {
  var url = URL(fileURLWithPath: #filePath)
  for _ in 0..<4 { url.deleteLastPathComponent() }
  return url.path
}()

/// The path of a file in `Tests/PoincareEmbeddingTests/Fixtures/`, copied into the test bundle.
func fixturePath(_ name: String) throws -> String {
  let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
  return url.path
}
