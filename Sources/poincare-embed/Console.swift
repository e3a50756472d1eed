import Foundation

/// The two output streams of a command: results on `output` (stdout), progress, warnings and
/// errors on `errors` (stderr).
///
/// Tests build one over strings; the executable builds one over the process's streams.
final class Console: @unchecked Sendable {
  private let writeOutput: (String) -> Void
  private let writeErrors: (String) -> Void
  /// Whether stderr is a terminal, so progress may be redrawn in place with `\r`.
  let errorsAreTerminal: Bool
  private let lock = NSLock()

  init(
    errorsAreTerminal: Bool = false, output: @escaping (String) -> Void,
    errors: @escaping (String) -> Void
  ) {
    self.errorsAreTerminal = errorsAreTerminal
    self.writeOutput = output
    self.writeErrors = errors
  }

  /// A console over the process's stdout and stderr.
  static func standard() -> Console {
    Console(
      errorsAreTerminal: isatty(STDERR_FILENO) != 0,
      output: { FileHandle.standardOutput.write(Data($0.utf8)) },
      errors: { FileHandle.standardError.write(Data($0.utf8)) })
  }

  /// Writes `text` to the results stream.
  func write(_ text: String) {
    lock.withLock { writeOutput(text) }
  }

  /// Writes a line to the results stream.
  func print(_ line: String) { write(line + "\n") }

  /// Writes a line to the diagnostics stream.
  func printError(_ line: String) {
    lock.withLock { writeErrors(line + "\n") }
  }

  /// Writes raw text (e.g. a `\r`-redrawn progress line) to the diagnostics stream.
  func writeError(_ text: String) {
    lock.withLock { writeErrors(text) }
  }
}
