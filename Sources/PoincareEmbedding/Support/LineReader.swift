#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Streams the lines of a file (or standard input, for `-`) without holding the file in memory.
///
/// Each line is handed to the body as bytes without its `\n` or `\r\n`. The byte just past the
/// line is always a `0`, so C parsers such as `strtod` stop at the line's end. Memory is one
/// buffer that grows only to the longest line.
public enum LineReader {
  /// Calls `body` with each line and its 1-based number.
  ///
  /// - Throws: `InputError` (`.notFound`, `.unreadable`) when the file cannot be read, or whatever
  ///   `body` throws.
  public static func forEachLine(
    inFile path: String,
    _ body: (_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws -> Void
  ) throws {
    let descriptor = try InputFile.open(path)
    defer { if descriptor != STDIN_FILENO { close(descriptor) } }
    try forEachLine(
      filling: { destination, count, lineNumber in
        while true {
          let got = read(descriptor, destination, count)
          if got >= 0 { return got }
          if errno == EINTR { continue }
          throw InputError(
            .unreadable, path: path, location: .line(lineNumber),
            message: "read failed: \(String(cString: strerror(errno)))")
        }
      }, body)
  }

  /// Calls `body` with each line of `bytes` held in memory, exactly as `forEachLine(inFile:_:)`
  /// would for a file holding them; `chunkSize` bytes are handed over at a time and the buffer
  /// starts at `initialCapacity` bytes, so tests and fuzzers can drive the buffer's growth and
  /// lines that straddle reads with small inputs.
  static func forEachLine(
    in bytes: UnsafeRawBufferPointer, chunkSize: Int = 1 << 20, initialCapacity: Int = 1 << 20,
    _ body: (_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws -> Void
  ) throws {
    var offset = 0
    try forEachLine(
      initialCapacity: initialCapacity,
      filling: { destination, count, _ in
        let taken = min(count, chunkSize, bytes.count - offset)
        if taken > 0 {
          UnsafeMutableRawPointer(destination).copyMemory(
            from: bytes.baseAddress! + offset, byteCount: taken)
        }
        offset += taken
        return taken
      }, body)
  }

  /// The line splitter: `fill` writes up to `count` bytes at a pointer and returns how many it
  /// filled, 0 at the end (it gets the number of the line being read, for its errors).
  private static func forEachLine(
    initialCapacity: Int = 1 << 20,
    filling fill: (UnsafeMutablePointer<UInt8>, Int, Int) throws -> Int,
    _ body: (_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws -> Void
  ) throws {
    var capacity = max(1, initialCapacity)
    var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + 1)
    defer { buffer.deallocate() }
    var start = 0  // first byte of the pending line
    var end = 0  // one past the last byte read
    var lineNumber = 0
    var atEndOfFile = false

    while true {
      // Hand out every complete line in the buffer.
      var scan = start
      while scan < end {
        guard let newline = memchr(buffer + scan, 0x0A, end - scan) else { break }
        let newlineIndex = buffer.distance(
          to: newline.assumingMemoryBound(to: UInt8.self))
        var lineEnd = newlineIndex
        if lineEnd > start && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        buffer[lineEnd] = 0
        lineNumber += 1
        try body(UnsafeBufferPointer(start: buffer + start, count: lineEnd - start), lineNumber)
        start = newlineIndex + 1
        scan = start
      }
      if atEndOfFile {
        if start < end {
          var lineEnd = end
          if buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
          buffer[lineEnd] = 0
          lineNumber += 1
          try body(UnsafeBufferPointer(start: buffer + start, count: lineEnd - start), lineNumber)
        }
        return
      }
      // Move the partial line to the front, growing the buffer if one line fills it.
      if start > 0 {
        if end > start { memmove(buffer, buffer + start, end - start) }
        end -= start
        start = 0
      }
      if end == capacity {
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2 + 1)
        larger.update(from: buffer, count: end)
        buffer.deallocate()
        buffer = larger
        capacity *= 2
      }
      let count = try fill(buffer + end, capacity - end, lineNumber + 1)
      if count == 0 { atEndOfFile = true }
      end += count
    }
  }
}

/// Opening input files with errors that name the path and say what is wrong.
enum InputFile {
  /// Opens `path` for reading; `-` is standard input.
  static func open(_ path: String) throws(InputError) -> Int32 {
    if path == "-" { return STDIN_FILENO }
    #if canImport(Glibc)
      let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    #else
      let descriptor = Darwin.open(path, O_RDONLY | O_CLOEXEC)
    #endif
    if descriptor < 0 {
      let code = errno
      if code == ENOENT || code == ENOTDIR {
        throw InputError(.notFound, path: path, message: "no such file")
      }
      throw InputError(.unreadable, path: path, message: String(cString: strerror(code)))
    }
    var status = stat()
    if fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
      close(descriptor)
      throw InputError(.unreadable, path: path, message: "is a directory, not a file")
    }
    return descriptor
  }

  /// Reads at most the first `count` bytes of a file, to recognise its format.
  static func readPrefix(_ path: String, count: Int) throws(InputError) -> [UInt8] {
    let descriptor = try open(path)
    defer { if descriptor != STDIN_FILENO { close(descriptor) } }
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
      let got = bytes.withUnsafeMutableBytes {
        read(descriptor, $0.baseAddress! + filled, count - filled)
      }
      if got < 0 && errno == EINTR { continue }
      if got <= 0 { break }
      filled += got
    }
    return Array(bytes[..<filled])
  }

  /// Reads a whole file into memory; for formats addressed by byte offset or read in binary.
  static func readAll(_ path: String) throws(InputError) -> [UInt8] {
    let descriptor = try open(path)
    defer { if descriptor != STDIN_FILENO { close(descriptor) } }
    var bytes: [UInt8] = []
    var status = stat()
    if fstat(descriptor, &status) == 0 && status.st_size > 0 {
      bytes.reserveCapacity(Int(status.st_size))
    }
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw InputError(
          .unreadable, path: path, message: "read failed: \(String(cString: strerror(errno)))")
      }
      if count == 0 { return bytes }
      bytes.append(contentsOf: chunk[0..<count])
    }
  }
}
