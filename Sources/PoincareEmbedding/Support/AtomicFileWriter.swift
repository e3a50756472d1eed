#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes a file all or nothing: the bytes go to a temporary sibling (`name.tmp-<pid>`), which is
/// flushed to disk and renamed over the target only when complete.
///
/// A crash, a full disk or a kill signal therefore leaves either the previous file or the new
/// one, never half of one. On failure the temporary file is removed. The path `-` writes to
/// standard output instead (no atomicity is possible there).
public enum AtomicFileWriter {
  /// Writes `path` from the bytes `body` appends to the buffered output.
  ///
  /// - Throws: `OutputError` when the file cannot be created, written or renamed, or whatever
  ///   `body` throws (the temporary file is removed in both cases).
  public static func write<Result>(
    to path: String, _ body: (inout BufferedOutput) throws -> Result
  ) throws -> Result {
    if path == "-" {
      var output = BufferedOutput(descriptor: STDOUT_FILENO, path: "<stdout>")
      let result = try body(&output)
      try output.flush()
      return result
    }
    let temporaryPath = "\(path).tmp-\(getpid())"
    let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if descriptor < 0 {
      let code = errno
      let reason = String(cString: strerror(code))
      throw OutputError(.cannotCreate, path: path, message: "cannot create file: \(reason)")
    }
    var output = BufferedOutput(descriptor: descriptor, path: path)
    do {
      let result = try body(&output)
      try output.flush()
      if fsync(descriptor) != 0 && errno != EINVAL {
        throw OutputError(.ioError, path: path, message: "flush to disk failed: \(lastError())")
      }
      if close(descriptor) != 0 {
        throw OutputError(.ioError, path: path, message: "close failed: \(lastError())")
      }
      if rename(temporaryPath, path) != 0 {
        let code = errno
        unlink(temporaryPath)
        let kind: OutputError.Kind = code == EISDIR ? .cannotCreate : .ioError
        throw OutputError(kind, path: path, message: "cannot replace file: \(lastError(code))")
      }
      return result
    } catch {
      close(descriptor)
      unlink(temporaryPath)
      throw error
    }
  }

  private static func lastError(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
  }
}

/// A write buffer over a file descriptor that reports failures as `OutputError`.
public struct BufferedOutput {
  private let descriptor: Int32
  private let path: String
  private var buffer: [UInt8] = []
  private let flushThreshold = 1 << 20

  init(descriptor: Int32, path: String) {
    self.descriptor = descriptor
    self.path = path
    buffer.reserveCapacity(flushThreshold + 4096)
  }

  /// Appends the UTF-8 bytes of `text`.
  public mutating func write(_ text: String) throws(OutputError) {
    var text = text
    text.withUTF8 { buffer.append(contentsOf: $0) }
    if buffer.count >= flushThreshold { try flush() }
  }

  /// Appends raw bytes.
  public mutating func write(bytes: UnsafeRawBufferPointer) throws(OutputError) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= flushThreshold { try flush() }
  }

  /// Appends one byte.
  public mutating func write(byte: UInt8) throws(OutputError) {
    buffer.append(byte)
    if buffer.count >= flushThreshold { try flush() }
  }

  /// Hands the buffered bytes to the operating system.
  public mutating func flush() throws(OutputError) {
    var written = 0
    while written < buffer.count {
      let count = buffer.withUnsafeBytes {
        systemWrite(descriptor, $0.baseAddress! + written, $0.count - written)
      }
      if count < 0 {
        if errno == EINTR { continue }
        let reason = String(cString: strerror(errno))
        throw OutputError(.ioError, path: path, message: "write failed: \(reason)")
      }
      written += count
    }
    buffer.removeAll(keepingCapacity: true)
  }
}

/// `write(2)`, named apart from `BufferedOutput.write`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, bytes, count)
}
