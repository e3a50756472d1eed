import Foundation

/// The repository's root folder, found from this source file's location
/// (`Tests/TestSupport/RepositoryRoot.swift`).
public let repositoryRoot: String = {
  var url = URL(fileURLWithPath: #filePath)
  for _ in 0..<3 { url.deleteLastPathComponent() }
  return url.path
}()
