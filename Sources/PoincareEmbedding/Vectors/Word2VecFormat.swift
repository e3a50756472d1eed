#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// gensim's word2vec files (`KeyedVectors.save_word2vec_format` / `load_word2vec_format`), text
/// and binary.
///
/// Text: a header `"<count> <dimension>\n"`, then one `key v1 … vd\n` line per row, each value in
/// shortest round-trip form (as numpy's `str` of a float64). Binary: the same header, then per row
/// the key, a space and `dimension` little-endian float32 values, with no newline.
/// Rows are written in descending count order, ties in index order, as gensim does.
public enum Word2VecFormat {
  /// The two layouts gensim reads and writes.
  public enum Encoding: String, Sendable, CaseIterable {
    case text
    case binary
  }

  // MARK: Writing

  /// Writes `vectors` to `path` atomically (a temporary file renamed when complete).
  ///
  /// - Throws: `OutputError` when the file cannot be written; `InputError`-free.
  public static func write(
    _ vectors: KeyedVectors, to path: String, encoding: Encoding = .text
  ) throws {
    try AtomicFileWriter.write(to: path) { output in
      try write(vectors, encoding: encoding, to: &output)
    }
  }

  /// Appends the file's bytes to `output`.
  public static func write(
    _ vectors: KeyedVectors, encoding: Encoding, to output: inout BufferedOutput
  ) throws {
    let dimension = vectors.dimension
    try output.write("\(vectors.count) \(dimension)\n")
    for row in vectors.rowsByDescendingCount() {
      try vectors.vocabulary.withNameBytes(of: row) { try output.write(bytes: UnsafeRawBufferPointer($0)) }
      let start = row * dimension
      switch encoding {
      case .text:
        var line = ""
        for value in vectors.values[start..<(start + dimension)] {
          line += " "
          line += value.description
        }
        line += "\n"
        try output.write(line)
      case .binary:
        try output.write(byte: UInt8(ascii: " "))
        for value in vectors.values[start..<(start + dimension)] {
          var little = Float(value).bitPattern.littleEndian
          try withUnsafeBytes(of: &little) { try output.write(bytes: $0) }
        }
      }
    }
  }

  // MARK: Reading

  /// Reads a vectors file. With `encoding` nil, a `.bin` name means binary, anything else text
  /// (falling back to binary when the text reading fails on the first row and binary succeeds).
  ///
  /// Every value must be finite and every row's norm below 1 (a point of the open ball);
  /// keys must be distinct.
  /// - Throws: `InputError` naming the file and line (text) or row (binary) of the problem.
  public static func read(_ path: String, encoding: Encoding? = nil) throws -> KeyedVectors {
    try parse(InputFile.readAll(path), path: path, encoding: encoding)
  }

  /// Whether the first row after the header is text: after its key, only printable ASCII (and
  /// tabs and `\r`) up to the line's end. A text file whose first row breaks a rule (a norm ≥ 1,
  /// a `NaN`, a misspelt number) must be reported, not re-read as binary: the binary reader would
  /// take its characters for float32 bytes, and the bytes of small floats are often printable
  /// (`0.1 ` is a float of 1.5e-19). A binary row passes for text only when every byte of its
  /// values is printable, about (95/256)⁴ ≈ 2% a value, so for dimension ≥ 2 rarely; such a
  /// file is read once it is named `.bin`.
  private static func firstRowLooksLikeText(_ bytes: [UInt8]) -> Bool {
    guard let headerEnd = bytes.firstIndex(of: 0x0A),
      let keyEnd = bytes[(headerEnd + 1)...].firstIndex(of: UInt8(ascii: " "))
    else { return false }
    let rowEnd = bytes[keyEnd...].firstIndex(of: 0x0A) ?? bytes.endIndex
    let values = bytes[(keyEnd + 1)..<rowEnd]
    return !values.isEmpty
      && values.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 || $0 == 0x0D }
  }

  /// Parses the bytes of a vectors file named `path` (for messages). With `encoding` nil, the
  /// encoding is recognised as `read(_:encoding:)` recognises it.
  ///
  /// - Throws: `InputError` naming `path` and the line (text) or byte offset (binary).
  public static func parse(
    _ bytes: [UInt8], path: String, encoding: Encoding?, space: Space = .poincareBall
  ) throws(InputError) -> KeyedVectors {
    if let encoding { return try parse(bytes, path: path, knownEncoding: encoding, space: space) }
    if path.lowercased().hasSuffix(".bin") {
      return try parse(bytes, path: path, knownEncoding: .binary, space: space)
    }
    do {
      return try parse(bytes, path: path, knownEncoding: .text, space: space)
    } catch let textError {
      guard case .line(let line) = textError.location, line <= 2,
        !firstRowLooksLikeText(bytes),
        let vectors = try? parse(bytes, path: path, knownEncoding: .binary, space: space)
      else { throw textError }
      return vectors
    }
  }

  /// What the rows of a file are, and so which values a reader accepts.
  public enum Space: Sendable {
    /// Points of the Poincaré ball: every row's norm must be below 1 (embeddings).
    case poincareBall
    /// Vectors of any finite norm (word vectors, the inputs of `link`).
    case euclidean
  }

  /// Parses GloVe's text layout: word2vec text without the header line (`key v1 … vd` per
  /// line); the dimension is the first line's value count, and every line must have as many.
  ///
  /// - Throws: `InputError` naming `path` and the line of the problem.
  public static func parseHeaderless(_ bytes: [UInt8], path: String) throws(InputError)
    -> KeyedVectors
  {
    try withScanner(bytes, path: path, space: .euclidean) { scanner throws(InputError) in
      let (rowCount, dimension) = try scanner.headerlessShape()
      return try scanner.textRows(rowCount: rowCount, dimension: dimension)
    }
  }

  /// Whether `bytes` start with a word2vec header line (`<count> <dimension>`) rather than a
  /// GloVe row.
  public static func hasHeader(_ bytes: [UInt8]) -> Bool {
    let end = bytes.firstIndex(of: 0x0A) ?? bytes.endIndex
    let fields = bytes[..<end].split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
    return fields.count == 2
      && fields.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
  }

  private static func parse(
    _ bytes: [UInt8], path: String, knownEncoding encoding: Encoding, space: Space
  ) throws(InputError) -> KeyedVectors {
    try withScanner(bytes, path: path, space: space) { scanner throws(InputError) in
      let (rowCount, dimension) = try scanner.header()
      switch encoding {
      case .text: return try scanner.textRows(rowCount: rowCount, dimension: dimension)
      case .binary: return try scanner.binaryRows(rowCount: rowCount, dimension: dimension)
      }
    }
  }

  private static func withScanner(
    _ bytes: [UInt8], path: String, space: Space,
    _ body: (inout Scanner) throws(InputError) -> KeyedVectors
  ) throws(InputError) -> KeyedVectors {
    var bytes = bytes
    bytes.append(0)  // strtod and the scanners may look one byte past the last line
    return try bytes.withUnsafeMutableBufferPointer { buffer throws(InputError) in
      var scanner = Scanner(
        bytes: buffer, count: buffer.count - 1, path: path, requiresBall: space == .poincareBall)
      return try body(&scanner)
    }
  }

  static let finiteHint = "vectors must be finite numbers; was the file written by a diverged run?"
  static let ballHint = "Poincaré vectors must lie strictly inside the unit ball."

  private struct Scanner {
    let bytes: UnsafeMutableBufferPointer<UInt8>
    let count: Int
    let path: String
    /// Whether every row must be a point of the open unit ball.
    let requiresBall: Bool
    var position = 0
    var line = 1

    init(bytes: UnsafeMutableBufferPointer<UInt8>, count: Int, path: String, requiresBall: Bool) {
      self.bytes = bytes
      self.count = count
      self.path = path
      self.requiresBall = requiresBall
    }

    private func error(_ message: String, hint: String? = nil) -> InputError {
      .malformed(path, line: line, message, hint: hint)
    }

    /// The end of the current line (index of its `\n`, or `count`).
    private func lineEnd() -> Int {
      guard position < count,
        let found = memchr(bytes.baseAddress! + position, 0x0A, count - position)
      else { return count }
      return UnsafeRawPointer(bytes.baseAddress!).distance(to: UnsafeRawPointer(found))
    }

    mutating func header() throws(InputError) -> (Int, Int) {
      if count == 0 {
        throw InputError(
          .malformed, path: path, message: "the file is empty",
          hint: "a vectors file starts with a header line `<count> <dimension>`.")
      }
      let end = lineEnd()
      let text = String(decoding: bytes[position..<end], as: UTF8.self)
      let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      guard fields.count == 2, let rows = Int(fields[0]), let dimension = Int(fields[1]),
        rows >= 0, dimension > 0
      else {
        throw error(
          "expected a header `<count> <dimension>`, found '\(text.prefix(60))'",
          hint: "is this a word2vec file written by gensim's save_word2vec_format?")
      }
      position = min(end + 1, count)
      line += 1
      return (rows, dimension)
    }

    /// The shape of a header-less (GloVe) file: its non-blank lines, and the first line's
    /// fields after the key. Consumes nothing.
    func headerlessShape() throws(InputError) -> (Int, Int) {
      if count == 0 {
        throw InputError(
          .malformed, path: path, message: "the file is empty",
          hint: "a GloVe file has one `word v1 … vd` line per word.")
      }
      let end = lineEnd()
      let fields = bytes[position..<end].split(
        whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
      guard fields.count >= 2 else {
        throw error(
          "expected a word and its values, found \(fields.count) field",
          hint: "a GloVe file has one `word v1 … vd` line per word, separated by spaces.")
      }
      var rows = 0
      var lineStart = position
      while lineStart < count {
        let next =
          memchr(bytes.baseAddress! + lineStart, 0x0A, count - lineStart).map {
            UnsafeRawPointer(bytes.baseAddress!).distance(to: UnsafeRawPointer($0))
          } ?? count
        if bytes[lineStart..<next].contains(where: { !Self.isTrailingSpace($0) }) { rows += 1 }
        lineStart = next + 1
      }
      return (rows, fields.count - 1)
    }

    mutating func textRows(rowCount: Int, dimension: Int) throws(InputError) -> KeyedVectors {
      var vocabulary = Vocabulary()
      var values = [Double]()
      values.reserveCapacity(plausibleValueCount(rowCount, dimension, bytesPerValue: 2))
      for _ in 0..<rowCount {
        guard position < count else {
          throw error(
            "the header promises \(rowCount) rows but the file ends after \(vocabulary.count)",
            hint: "the file may be truncated; re-export it.")
        }
        var end = lineEnd()
        let nextPosition = end + 1
        // gensim strips trailing whitespace (including `\r`) before splitting on spaces.
        while end > position && Self.isTrailingSpace(bytes[end - 1]) { end -= 1 }
        bytes[end] = 0
        guard let keyEnd = findSpace(from: position, to: end) else {
          throw error(
            "expected a key and \(dimension) values, found "
              + (end == position ? "an empty line" : "only a key"), hint: rowHint(dimension))
        }
        let key = UnsafeBufferPointer(rebasing: UnsafeBufferPointer(bytes)[position..<keyEnd])
        if let problem = NodeName.problem(with: key) {
          throw error(problem.message, hint: problem.hint)
        }
        let (id, isNew) = vocabulary.intern(key)
        if !isNew {
          throw error(
            "duplicate key '\(NodeName.preview(key))' (first on line \(Int(id) + 2))",
            hint: "each key may appear once.")
        }
        var cursor = keyEnd
        var squaredNorm = 0.0
        for index in 0..<dimension {
          guard cursor < end, bytes[cursor] == UInt8(ascii: " ") else {
            throw error("expected \(dimension) values, found \(index)", hint: rowHint(dimension))
          }
          cursor += 1
          let start = bytes.baseAddress! + cursor
          var stop: UnsafeMutablePointer<CChar>? = nil
          let value = start.withMemoryRebound(to: CChar.self, capacity: 1) { token in
            strtod(token, &stop)
          }
          let consumed = stop.map {
            UnsafeRawPointer(start).distance(to: UnsafeRawPointer($0))
          } ?? 0
          let tokenEnd = findSpace(from: cursor, to: end) ?? end
          guard consumed > 0, cursor + consumed == tokenEnd else {
            let token = String(decoding: bytes[cursor..<tokenEnd].prefix(40), as: UTF8.self)
            throw error(
              "value \(index + 1) '\(token)' is not a number", hint: rowHint(dimension))
          }
          guard value.isFinite else {
            throw error(
              "value \(index + 1) is not finite (\(value))", hint: Word2VecFormat.finiteHint)
          }
          squaredNorm += value * value
          values.append(value)
          cursor = tokenEnd
        }
        if cursor != end {
          throw error("expected \(dimension) values, found more", hint: rowHint(dimension))
        }
        try checkInsideBall(squaredNorm, key: key)
        position = min(nextPosition, count)
        line += 1
      }
      while position < count, bytes[position] == 0x0A || Self.isTrailingSpace(bytes[position]) {
        if bytes[position] == 0x0A { line += 1 }
        position += 1
      }
      if position < count {
        throw error(
          "the header promises \(rowCount) rows but the file has more",
          hint: "fix the row count in the header line.")
      }
      return KeyedVectors(vocabulary: vocabulary, dimension: dimension, values: values)
    }

    mutating func binaryRows(rowCount: Int, dimension: Int) throws(InputError) -> KeyedVectors {
      var vocabulary = Vocabulary()
      var values = [Double]()
      values.reserveCapacity(plausibleValueCount(rowCount, dimension, bytesPerValue: 4))
      // A dimension too large to multiply is a row longer than any file: cut short below.
      let (rowBytes, rowBytesOverflow) = dimension.multipliedReportingOverflow(by: 4)
      for row in 0..<rowCount {
        // Rows follow one another directly; gensim strips a newline before a key.
        while position < count && bytes[position] == 0x0A { position += 1 }
        let start = position
        while position < count && bytes[position] != UInt8(ascii: " ") { position += 1 }
        guard position < count, !rowBytesOverflow, rowBytes < count - position else {
          throw InputError(
            .malformed, path: path, location: .byteOffset(start),
            message:
              "row \(row + 1) of \(rowCount) is cut short: the file ends inside it",
            hint: "the file may be truncated; re-export it.")
        }
        let key = UnsafeBufferPointer(rebasing: UnsafeBufferPointer(bytes)[start..<position])
        if let problem = NodeName.problem(with: key) {
          throw InputError(
            .malformed, path: path, location: .byteOffset(start),
            message: "row \(row + 1): \(problem.message)", hint: problem.hint)
        }
        let (_, isNew) = vocabulary.intern(key)
        if !isNew {
          throw InputError(
            .malformed, path: path, location: .byteOffset(start),
            message: "row \(row + 1): duplicate key '\(NodeName.preview(key))'",
            hint: "each key may appear once.")
        }
        position += 1
        var squaredNorm = 0.0
        for index in 0..<dimension {
          var pattern: UInt32 = 0
          memcpy(&pattern, bytes.baseAddress! + position + 4 * index, 4)
          let value = Double(Float(bitPattern: UInt32(littleEndian: pattern)))
          guard value.isFinite else {
            throw InputError(
              .malformed, path: path, location: .byteOffset(position + 4 * index),
              message: "row \(row + 1): value \(index + 1) is not finite (\(value))",
              hint: Word2VecFormat.finiteHint)
          }
          squaredNorm += value * value
          values.append(value)
        }
        if requiresBall && squaredNorm >= 1 {
          throw InputError(
            .malformed, path: path, location: .byteOffset(start),
            message: "row \(row + 1): '\(NodeName.preview(key))' has norm "
              + "\(squaredNorm.squareRoot()) ≥ 1, outside the Poincaré ball",
            hint: Word2VecFormat.ballHint)
        }
        position += rowBytes
      }
      while position < count && bytes[position] == 0x0A { position += 1 }
      if position < count {
        throw InputError(
          .malformed, path: path, location: .byteOffset(position),
          message: "the header promises \(rowCount) rows but more bytes follow",
          hint: "the header's row count or dimension is wrong, or this is a text file: name "
            + "a text file other than .bin.")
      }
      return KeyedVectors(vocabulary: vocabulary, dimension: dimension, values: values)
    }

    /// How many values to reserve room for: the header's `rowCount × dimension`, but never more
    /// than the rest of the file can hold at `bytesPerValue` bytes a value, so that a corrupt
    /// header cannot ask for terabytes (or overflow) before the rows show it is wrong.
    private func plausibleValueCount(
      _ rowCount: Int, _ dimension: Int, bytesPerValue: Int
    ) -> Int {
      let limit = (count - position) / bytesPerValue
      let (product, overflow) = rowCount.multipliedReportingOverflow(by: dimension)
      return overflow ? limit : min(product, limit)
    }

    private func checkInsideBall(_ squaredNorm: Double, key: UnsafeBufferPointer<UInt8>)
      throws(InputError)
    {
      if requiresBall && squaredNorm >= 1 {
        throw error(
          "'\(NodeName.preview(key))' has norm \(squaredNorm.squareRoot()) ≥ 1, outside the "
            + "Poincaré ball", hint: Word2VecFormat.ballHint)
      }
    }

    private func rowHint(_ dimension: Int) -> String {
      "each row after the header is a key and \(dimension) numbers, separated by single spaces; "
        + "a binary word2vec file must be named .bin."
    }

    private func findSpace(from start: Int, to end: Int) -> Int? {
      guard start < end,
        let found = memchr(bytes.baseAddress! + start, Int32(UInt8(ascii: " ")), end - start)
      else { return nil }
      return UnsafeRawPointer(bytes.baseAddress!).distance(to: UnsafeRawPointer(found))
    }

    private static func isTrailingSpace(_ byte: UInt8) -> Bool {
      byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }
  }
}
