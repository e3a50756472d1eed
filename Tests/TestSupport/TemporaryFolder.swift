import Foundation

/// A fresh temporary folder per test, removed when the value is dropped.
public final class TemporaryFolder {
  public let path: String

  public init() {
    let base = FileManager.default.temporaryDirectory.path
    path = "\(base)/poincare-tests-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Writes `contents` to `name` inside the folder and returns the full path.
  @discardableResult
  public func write(_ name: String, _ contents: String) -> String {
    let file = "\(path)/\(name)"
    try! contents.write(toFile: file, atomically: false, encoding: .utf8)
    return file
  }

  /// Writes raw bytes to `name` inside the folder and returns the full path.
  @discardableResult
  public func write(_ name: String, bytes: [UInt8]) -> String {
    let file = "\(path)/\(name)"
    precondition(
      FileManager.default.createFile(atPath: file, contents: Data(bytes)), "cannot create \(file)")
    return file
  }

  /// The full path of `name` inside the folder.
  public func file(_ name: String) -> String { "\(path)/\(name)" }

  /// The names of the files in the folder, sorted.
  public var fileNames: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
  }
}
