/// Reads relation files: `child<TAB>parent`, one relation a line (gensim's `PoincareRelations`
/// followed by `PoincareModel.build_vocab`).
///
/// Differences from gensim, on purpose:
/// - blank lines (empty, or only spaces, tabs and `\r`) are skipped (gensim raises);
/// - a line with other than two fields is an error naming `path:line`;
/// - an empty name, or a name containing whitespace or control characters, is refused: the
///   word2vec text format cannot hold it, so gensim would write a file it cannot read;
/// - invalid UTF-8 is an error naming the line;
/// - a UTF-8 byte order mark at the start of the file is skipped (Python's `utf-8` codec keeps
///   it as part of the first name).
///
/// Fields may be quoted as Python's `csv` module does (`"a b"`, with `""` for a quote); a quote
/// inside an unquoted field is an ordinary character. With `Format.facebookCSV`, the header
/// `id1,id2,weight` of facebookresearch's closure files is skipped and a third (weight) column is
/// accepted and ignored.
public enum RelationFile {
  /// The column layout of a relation file.
  public enum Format: Sendable, Equatable {
    /// Fields separated by one delimiter byte (a tab for `.tsv`).
    case delimited(UInt8)
    /// facebookresearch's `id1,id2,weight` CSV.
    case facebookCSV

    /// The format implied by a file name: `.csv` is facebookresearch's CSV, anything else TSV.
    public static func forPath(_ path: String) -> Format {
      path.lowercased().hasSuffix(".csv") ? .facebookCSV : .delimited(UInt8(ascii: "\t"))
    }

    var delimiter: UInt8 {
      switch self {
      case .delimited(let byte): return byte
      case .facebookCSV: return UInt8(ascii: ",")
      }
    }
  }

  static let fieldHint =
    "each line must be `child<TAB>parent`; check for stray tabs or a missing column."

  /// Reads `path` (or standard input for `-`), streaming, into relations with gensim's
  /// vocabulary order and counts.
  ///
  /// - Throws: `InputError` naming the file and line of the first problem.
  /// - Complexity: O(bytes in the file); memory grows with the relations and names, not with
  ///   line length.
  public static func read(_ path: String, format: Format? = nil) throws -> Relations {
    var parser = Parser(path: path, format: format ?? Format.forPath(path))
    try LineReader.forEachLine(inFile: path) { line, number in
      try parser.consume(line, number: number)
    }
    return try parser.finish()
  }

  /// Reads relations from the bytes of a file held in memory, exactly as `read(_:format:)` reads
  /// a file holding them; `path` names the bytes in errors. For tests and fuzzing: `chunkSize`
  /// and `initialCapacity` as in `LineReader.forEachLine(in:chunkSize:initialCapacity:_:)`.
  static func read(
    bytes: UnsafeRawBufferPointer, path: String, format: Format, chunkSize: Int = 1 << 20,
    initialCapacity: Int = 1 << 20
  ) throws -> Relations {
    var parser = Parser(path: path, format: format)
    try LineReader.forEachLine(
      in: bytes, chunkSize: chunkSize, initialCapacity: initialCapacity
    ) { line, number in
      try parser.consume(line, number: number)
    }
    return try parser.finish()
  }

  /// Parses relation lines into a vocabulary and pair list.
  struct Parser {
    let path: String
    let format: Format
    var vocabulary = Vocabulary()
    var pairs: [NodeID] = []
    var sawContent = false
    var sawLines = false
    private var fieldBuffer: [UInt8] = []

    init(path: String, format: Format) {
      self.path = path
      self.format = format
    }

    /// The relations read, or the error for a file without any.
    func finish() throws(InputError) -> Relations {
      guard !pairs.isEmpty else {
        let message = sawLines ? "has no relations, only blank lines" : "is empty"
        throw InputError(
          .malformed, path: path, location: .file, message: "the file \(message)",
          hint: "a relation file has one `child<TAB>parent` pair per line.")
      }
      return Relations(vocabulary: vocabulary, pairs: pairs)
    }

    mutating func consume(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws {
      var line = line
      // A UTF-8 byte order mark (Windows editors write one) is not part of the first name:
      // kept, it would make `\u{FEFF}dog` a node apart from `dog`.
      if number == 1 && line.starts(with: [0xEF, 0xBB, 0xBF]) {
        line = UnsafeBufferPointer(rebasing: line[3...])
      }
      sawLines = true
      // Blank lines, including ones of spaces, tabs or a stray `\r`, are skipped.
      if line.isEmpty || (Self.isBlank(line[0]) && line.allSatisfy(Self.isBlank)) { return }
      if !sawContent {
        sawContent = true
        if format == .facebookCSV && Self.isFacebookHeader(line) { return }
      }
      let delimiter = format.delimiter
      let maximumFields = format == .facebookCSV ? 3 : 2
      if memchr(line.baseAddress!, Int32(UInt8(ascii: "\"")), line.count) == nil {
        // Fast path: no quoting, split at the delimiter.
        let delimiters = count(delimiter, in: line, from: 0)
        guard delimiters >= 1 && delimiters < maximumFields,
          let first = firstIndex(of: delimiter, in: line, from: 0)
        else {
          throw fieldCountError(found: delimiters + 1, in: line, line: number)
        }
        let second = firstIndex(of: delimiter, in: line, from: first + 1) ?? line.count
        let child = UnsafeBufferPointer(rebasing: line[0..<first])
        let parent = UnsafeBufferPointer(rebasing: line[(first + 1)..<second])
        try add(child, parent, line: number)
        return
      }
      var fields: [[UInt8]] = []
      try splitQuoted(line, delimiter: delimiter, number: number, into: &fields)
      guard fields.count == 2 || (fields.count == 3 && maximumFields == 3) else {
        throw fieldCountError(found: fields.count, in: line, line: number)
      }
      try fields[0].withUnsafeBufferPointer { child in
        try fields[1].withUnsafeBufferPointer { parent in
          try add(child, parent, line: number)
        }
      }
    }

    private mutating func add(
      _ child: UnsafeBufferPointer<UInt8>, _ parent: UnsafeBufferPointer<UInt8>, line: Int
    ) throws {
      try NodeName.validate(child, path: path, line: line)
      try NodeName.validate(parent, path: path, line: line)
      let childID = vocabulary.intern(child).id
      vocabulary.addOccurrence(of: childID)
      let parentID = vocabulary.intern(parent).id
      vocabulary.addOccurrence(of: parentID)
      pairs.append(childID)
      pairs.append(parentID)
    }

    private func fieldCountError(
      found: Int, in text: UnsafeBufferPointer<UInt8>, line: Int
    ) -> InputError {
      let separator = format.delimiter == UInt8(ascii: "\t") ? "tab" : "comma"
      let expected = format == .facebookCSV ? "2 or 3" : "2"
      // A `\r` inside a line means old Mac line endings: the whole file reads as one line.
      let hint =
        text.contains(0x0D)
        ? "the line holds a carriage return (\\r) without a newline: convert old Mac line "
          + "endings with `tr '\\r' '\\n'`."
        : RelationFile.fieldHint
      return .malformed(
        path, line: line,
        "expected \(expected) \(separator)-separated fields (child, parent), found \(found)",
        hint: hint)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
      byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    /// Splits a line the way Python's `csv.reader` (default dialect) does, for lines with quotes.
    private mutating func splitQuoted(
      _ line: UnsafeBufferPointer<UInt8>, delimiter: UInt8, number: Int,
      into fields: inout [[UInt8]]
    ) throws {
      let quote = UInt8(ascii: "\"")
      var index = 0
      fieldBuffer.removeAll(keepingCapacity: true)
      var inQuotes = false
      var atFieldStart = true
      while index < line.count {
        let byte = line[index]
        if inQuotes {
          if byte == quote {
            if index + 1 < line.count && line[index + 1] == quote {
              fieldBuffer.append(quote)
              index += 1
            } else {
              inQuotes = false
            }
          } else {
            fieldBuffer.append(byte)
          }
        } else if byte == delimiter {
          fields.append(fieldBuffer)
          fieldBuffer.removeAll(keepingCapacity: true)
          atFieldStart = true
          index += 1
          continue
        } else if byte == quote && atFieldStart {
          inQuotes = true
        } else {
          fieldBuffer.append(byte)
        }
        atFieldStart = false
        index += 1
      }
      if inQuotes {
        throw InputError.malformed(
          path, line: number, "a quoted field is not closed before the end of the line",
          hint: "close the quote, or remove it: names need no quoting.")
      }
      fields.append(fieldBuffer)
    }

    private static func isFacebookHeader(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
      let header = Array("id1,id2".utf8)
      return line.count >= header.count && zip(line, header).allSatisfy { $0 == $1 }
    }

    private func firstIndex(of byte: UInt8, in line: UnsafeBufferPointer<UInt8>, from start: Int)
      -> Int?
    {
      guard start < line.count,
        let found = memchr(line.baseAddress! + start, Int32(byte), line.count - start)
      else { return nil }
      return UnsafeRawPointer(line.baseAddress!).distance(to: UnsafeRawPointer(found))
    }

    private func count(_ byte: UInt8, in line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
      var count = 0
      var index = start
      while let next = firstIndex(of: byte, in: line, from: index) {
        count += 1
        index = next + 1
      }
      return count
    }
  }
}

/// The rules every node name obeys, so that each can be written to and read back from gensim's
/// word2vec text format.
public enum NodeName {
  /// Checks one name read at `path:line`.
  ///
  /// - Throws: `InputError.malformed` for an empty name, a name with whitespace or control
  ///   characters (including NUL), or invalid UTF-8.
  public static func validate(_ name: UnsafeBufferPointer<UInt8>, path: String, line: Int)
    throws(InputError)
  {
    if let problem = problem(with: name) {
      throw InputError.malformed(path, line: line, problem.message, hint: problem.hint)
    }
  }

  /// Describes what is wrong with a name, or nil when it is fine.
  public static func problem(with name: UnsafeBufferPointer<UInt8>) -> (
    message: String, hint: String
  )? {
    if name.isEmpty {
      return ("empty node name", "every line needs a child and a parent name.")
    }
    var isASCII = true
    for byte in name {
      if byte <= 0x20 || byte == 0x7F {
        let shown = preview(name)
        if byte == 0x20 {
          return (
            "node name '\(shown)' contains a space",
            "the word2vec text format separates fields with spaces; replace spaces with '_'."
          )
        }
        let what: String
        switch byte {
        case 0x00: what = "a NUL byte"
        case 0x09: what = "a tab"
        case 0x0D: what = "a carriage return"
        default: what = "a control character"
        }
        return (
          "node name '\(shown)' contains \(what) (byte 0x\(String(byte, radix: 16)))",
          "names are text without control characters; is this a binary file, or text with "
            + "stray control bytes?"
        )
      }
      if byte >= 0x80 { isASCII = false }
    }
    if !isASCII && String(validating: name, as: UTF8.self) == nil {
      return (
        "node name is not valid UTF-8",
        "convert the file to UTF-8 (e.g. `iconv -f cp1252 -t utf-8`)."
      )
    }
    return nil
  }

  /// At most 60 characters of a name, for messages (a 1 MB name must not flood the terminal).
  static func preview(_ name: UnsafeBufferPointer<UInt8>) -> String {
    let limit = 60
    let text = String(decoding: name.prefix(limit), as: UTF8.self)
    let printable = String(
      text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    return name.count > limit ? printable + "…" : printable
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
