#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import PoincareEmbedding
import Synchronization

/// The two output streams of a command: results on `output` (stdout), progress, warnings and
/// errors on `errors` (stderr).
///
/// Tests build one over strings; the executable builds one over the process's streams.
final class Console: @unchecked Sendable {
  private let writeOutput: (String) throws(OutputError) -> Void
  private let writeErrors: (String) -> Void
  /// Whether stderr is a terminal, so progress may be redrawn in place with `\r`.
  let errorsAreTerminal: Bool
  /// Serialises writes; holds the first failed write of results.
  private let state = Mutex<OutputError?>(nil)

  init(
    errorsAreTerminal: Bool = false, output: @escaping (String) throws(OutputError) -> Void,
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
      output: { text throws(OutputError) in
        if let code = writeAll(text, to: STDOUT_FILENO) {
          let reason = String(cString: strerror(code))
          throw OutputError(.ioError, path: "<stdout>", message: "write failed: \(reason)")
        }
      },
      // Nowhere is left to report a failed write of diagnostics.
      errors: { _ = writeAll($0, to: STDERR_FILENO) })
  }

  /// The first write of results that failed (stdout on a full disk, say); the results after it
  /// were dropped, and the run must not report success.
  var outputFailure: OutputError? { state.withLock { $0 } }

  /// Writes `text` to the results stream.
  func write(_ text: String) {
    state.withLock { failure in
      guard failure == nil else { return }
      do throws(OutputError) { try writeOutput(text) } catch { failure = error }
    }
  }

  /// Writes a line to the results stream.
  func print(_ line: String) { write(line + "\n") }

  /// Writes a line to the diagnostics stream.
  func printError(_ line: String) {
    state.withLock { _ in writeErrors(line + "\n") }
  }

  /// Writes raw text (e.g. a `\r`-redrawn progress line) to the diagnostics stream.
  func writeError(_ text: String) {
    state.withLock { _ in writeErrors(text) }
  }
}

/// Writes all of `text` to `descriptor`; the `errno` of a failed write, or nil.
private func writeAll(_ text: String, to descriptor: Int32) -> Int32? {
  var text = text
  return text.withUTF8 { bytes in
    var written = 0
    while written < bytes.count {
      let count = write(descriptor, bytes.baseAddress! + written, bytes.count - written)
      if count < 0 {
        if errno == EINTR { continue }
        return errno
      }
      written += count
    }
    return nil
  }
}
