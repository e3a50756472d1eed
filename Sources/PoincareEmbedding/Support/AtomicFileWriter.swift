#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes a file all or nothing: the bytes go to a temporary sibling (`name.tmp-<pid>`), which is
/// flushed to disk and renamed over the target only when complete.
///
/// A crash, a full disk or a kill signal therefore leaves either the previous file or the new
/// one, never half of one. On failure the temporary file is removed; one left behind by a process
/// that was killed (SIGKILL, a power cut) is removed by the next write to the same target, once
/// its process is gone. An existing file keeps its permissions, and a symbolic link to a file
/// stays a link: the file it points to is replaced.
///
/// Some targets cannot be replaced atomically and are written directly instead: `-` (standard
/// output), devices, pipes and sockets (`/dev/null`, `/dev/full`, a FIFO), and the names of open
/// descriptors (`/dev/stdout`, `/dev/fd/63` from a shell's `>(…)`, `/proc/…`), which are
/// appended to. A write error there (`/dev/full`: no space left) is an `OutputError` like any
/// other, and no file is created. (Renaming over `/dev/full` would have replaced the device.)
public enum AtomicFileWriter {
  /// Writes `path` from the bytes `body` appends to the buffered output.
  ///
  /// - Throws: `OutputError` when the file cannot be created, written or renamed, or whatever
  ///   `body` throws (the temporary file is removed in both cases).
  public static func write<Result>(
    to path: String, _ body: (inout BufferedOutput) throws -> Result
  ) throws -> Result {
    switch try target(of: path) {
    case .standardOutput:
      var output = BufferedOutput(descriptor: STDOUT_FILENO, path: "<stdout>")
      let result = try body(&output)
      try output.flush()
      return result
    case .stream:
      return try writeDirectly(to: path, body)
    case .file(let resolved, let mode):
      return try writeAtomically(to: resolved, reportedAs: path, mode: mode, body)
    }
  }

  /// Checks that `path` could be written now, without writing it: for a command that works for
  /// a long time before it writes (training), so a typo in the output folder fails at once.
  ///
  /// - Throws: `OutputError` (`.cannotCreate`) when the folder is missing or read-only, or the
  ///   path is a folder.
  public static func checkCanCreate(_ path: String) throws(OutputError) {
    switch try target(of: path) {
    case .standardOutput:
      return
    case .stream:
      // Opening a pipe to test it would hand its reader an end of file: ask instead.
      if access(path, W_OK) != 0 {
        throw OutputError(.cannotCreate, path: path, message: "cannot write: \(lastError())")
      }
    case .file(let resolved, _):
      let probe = "\(resolved).tmp-\(getpid())"
      let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
      if descriptor < 0 {
        throw OutputError(.cannotCreate, path: path, message: "cannot create file: \(lastError())")
      }
      close(descriptor)
      unlink(probe)
    }
  }

  /// Where the bytes for `path` go.
  private enum Target {
    case standardOutput
    /// A device, pipe or socket: written in place.
    case stream
    /// A regular file (existing with `mode`, or new), by its resolved path.
    case file(String, mode: mode_t?)
  }

  private static func target(of path: String) throws(OutputError) -> Target {
    if path == "-" { return .standardOutput }
    // Names of descriptors already open (`/dev/stdout`, a shell's `>(…)` as `/dev/fd/63`): the
    // shell chose truncation or appending, and replacing the file behind them would undo it.
    if path.hasPrefix("/dev/fd/") || path.hasPrefix("/dev/std") || path.hasPrefix("/proc/") {
      return .stream
    }
    var status = stat()
    guard stat(path, &status) == 0 else {
      // Missing (or a dangling link): created below, where opening reports any problem.
      return .file(path, mode: nil)
    }
    switch status.st_mode & S_IFMT {
    case S_IFREG:
      var linkStatus = stat()
      let isLink = lstat(path, &linkStatus) == 0 && (linkStatus.st_mode & S_IFMT) == S_IFLNK
      var resolved = path
      if isLink, let pointer = realpath(path, nil) {
        resolved = String(cString: pointer)
        free(pointer)
      }
      return .file(resolved, mode: status.st_mode & 0o7777)
    case S_IFDIR:
      throw OutputError(.cannotCreate, path: path, message: "is a folder, not a file")
    default:
      return .stream
    }
  }

  private static func writeDirectly<Result>(
    to path: String, _ body: (inout BufferedOutput) throws -> Result
  ) throws -> Result {
    // Appending: on a device or pipe it changes nothing; on a file redirected with `>>` behind
    // `/dev/stdout` it keeps what is there, as the shell asked.
    let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
    if descriptor < 0 {
      throw OutputError(.cannotCreate, path: path, message: "cannot open: \(lastError())")
    }
    defer { close(descriptor) }
    var output = BufferedOutput(descriptor: descriptor, path: path)
    let result = try body(&output)
    try output.flush()
    return result
  }

  private static func writeAtomically<Result>(
    to path: String, reportedAs reportedPath: String, mode: mode_t?,
    _ body: (inout BufferedOutput) throws -> Result
  ) throws -> Result {
    removeStaleTemporaryFiles(of: path)
    let temporaryPath = "\(path).tmp-\(getpid())"
    let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if descriptor < 0 {
      throw OutputError(
        .cannotCreate, path: reportedPath, message: "cannot create file: \(lastError())")
    }
    var output = BufferedOutput(descriptor: descriptor, path: reportedPath)
    do {
      if let mode { fchmod(descriptor, mode) }
      let result = try body(&output)
      try output.flush()
      if fsync(descriptor) != 0 && errno != EINVAL {
        throw OutputError(
          .ioError, path: reportedPath, message: "flush to disk failed: \(lastError())")
      }
      if close(descriptor) != 0 {
        throw OutputError(.ioError, path: reportedPath, message: "close failed: \(lastError())")
      }
      if rename(temporaryPath, path) != 0 {
        let code = errno
        unlink(temporaryPath)
        let kind: OutputError.Kind = code == EISDIR ? .cannotCreate : .ioError
        throw OutputError(
          kind, path: reportedPath, message: "cannot replace file: \(lastError(code))")
      }
      return result
    } catch {
      close(descriptor)
      unlink(temporaryPath)
      throw error
    }
  }

  /// Removes `path.tmp-<pid>` files whose process no longer exists: what a killed write leaves.
  /// A live process's file is kept (even a stranger's that reuses a dead writer's id).
  static func removeStaleTemporaryFiles(of path: String) {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let prefix = Array("\(name).tmp-".utf8)
    guard let directory = opendir(folder) else { return }
    defer { closedir(directory) }
    // A dirent is only as long as its name: read the name up to its NUL through a pointer,
    // never the declared 256-byte `d_name` array as a whole (that reads past the record).
    let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    while let entry = readdir(directory) {
      let name = (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: UInt8.self)
      let entryName = Array(UnsafeBufferPointer(start: name, count: strlen(name)))
      guard entryName.count > prefix.count, entryName.starts(with: prefix) else { continue }
      let digits = entryName[prefix.count...]
      guard digits.count <= 9, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
        let pid = Int32(String(decoding: digits, as: UTF8.self)), pid > 0, pid != getpid(),
        kill(pid, 0) != 0, errno == ESRCH
      else { continue }
      unlink(folder + "/" + String(decoding: entryName, as: UTF8.self))
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
