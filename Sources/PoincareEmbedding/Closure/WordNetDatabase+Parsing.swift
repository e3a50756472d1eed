#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Byte-level readers of the WNDB `data.<pos>` and `index.<pos>` lines (`man 5 wndb`). Every field
// is checked, so a truncated or corrupted file stops with a message naming the field instead of
// producing wrong names; no count read from the file drives a loop past the end of its line.

private let dataHint =
  "the WordNet data file is truncated or corrupted; reinstall it (Debian/Ubuntu: "
  + "`apt-get install --reinstall wordnet-base`)."
private let indexHint =
  "index.<pos> and data.<pos> must come from the same, unmodified WordNet 3.0 release."

/// Splits one WNDB line into space-separated fields and converts them, throwing an `InputError`
/// at the line's location that names the field.
struct WNDBFieldScanner {
  private let line: UnsafeBufferPointer<UInt8>
  private var position = 0
  let path: String
  let location: InputLocation
  let hint: String

  init(line: UnsafeBufferPointer<UInt8>, path: String, location: InputLocation, hint: String) {
    self.line = line
    self.path = path
    self.location = location
    self.hint = hint
  }

  /// The error for this line.
  func error(_ message: String) -> InputError {
    InputError(.malformed, path: path, location: location, message: message, hint: hint)
  }

  /// The next field, described as `what` in the error when the line has no more fields.
  mutating func token(_ what: @autoclosure () -> String) throws(InputError) -> UnsafeBufferPointer<
    UInt8
  > {
    let space = UInt8(ascii: " ")
    while position < line.count && line[position] == space { position += 1 }
    guard position < line.count else {
      throw error("the line ends before the \(what()) (truncated?)")
    }
    let start = position
    while position < line.count && line[position] != space { position += 1 }
    return UnsafeBufferPointer(rebasing: line[start..<position])
  }

  /// The next field as a decimal number of at most 12 digits.
  mutating func decimal(_ what: @autoclosure () -> String) throws(InputError) -> Int {
    try number(what(), radix: 10, kind: "decimal")
  }

  /// The next field as a hexadecimal number of at most 12 digits.
  mutating func hexadecimal(_ what: @autoclosure () -> String) throws(InputError) -> Int {
    try number(what(), radix: 16, kind: "hexadecimal")
  }

  private mutating func number(
    _ what: @autoclosure () -> String, radix: Int, kind: String
  ) throws(InputError) -> Int {
    let field = try token(what())
    guard field.count <= 12, let value = Self.parse(field, radix: radix) else {
      throw error("expected the \(what()) (a \(kind) number), found '\(NodeName.preview(field))'")
    }
    return value
  }

  /// Reads a one-letter field that must be `letter` (a part of speech: `n`, `v`).
  mutating func expectLetter(_ letter: UInt8, _ what: String) throws(InputError) {
    let field = try token(what)
    guard field.count == 1 && field[0] == letter else {
      throw error(
        "\(what) '\(NodeName.preview(field))' where '\(Character(Unicode.Scalar(letter)))' "
          + "was expected")
    }
  }

  /// The rest of the line after the fields read so far.
  var remainder: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: line[position...]) }

  /// The value of a field of digits in `radix` (10 or 16), or nil when it has another byte.
  static func parse(_ field: UnsafeBufferPointer<UInt8>, radix: Int) -> Int? {
    var value = 0
    for byte in field {
      let digit: Int
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16:
        digit = Int(byte - UInt8(ascii: "a")) + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16:
        digit = Int(byte - UInt8(ascii: "A")) + 10
      default: return nil
      }
      value = value * radix + digit
    }
    return field.isEmpty ? nil : value
  }
}

/// Parses the synset lines of a `data.<pos>` file held in memory.
struct WordNetDataParser {
  let path: String
  let bytes: UnsafeBufferPointer<UInt8>
  /// The part of speech letter every synset must have (`n`, `v`).
  let letter: UInt8

  /// Reads every synset line; lines starting with whitespace (the licence header) are skipped,
  /// as NLTK's reader skips them.
  func parse() throws(InputError) -> WordNetSynsets {
    var synsets = WordNetSynsets()
    var position = 0
    while position < bytes.count {
      let lineStart = position
      let remaining = bytes.count - lineStart
      let isSynsetLine = !Self.isWhitespace(bytes[lineStart])
      guard let newline = memchr(bytes.baseAddress! + lineStart, 0x0A, remaining) else {
        if isSynsetLine {
          throw InputError(
            .malformed, path: path, location: .byteOffset(lineStart),
            message: "the file ends in the middle of a synset line (truncated?)", hint: dataHint)
        }
        break
      }
      let lineEnd = bytes.baseAddress!.distance(to: newline.assumingMemoryBound(to: UInt8.self))
      position = lineEnd + 1
      if isSynsetLine {
        try parseLine(
          UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]), at: lineStart,
          into: &synsets)
      }
    }
    guard synsets.count > 0 else {
      throw InputError(
        .malformed, path: path, message: "has no synset lines, only a header or nothing",
        hint: dataHint)
    }
    return synsets
  }

  private static func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
  }

  /// `synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...]
  /// [frames...] | gloss`, keeping the offset, the first word and the pointers the closure follows.
  private func parseLine(
    _ line: UnsafeBufferPointer<UInt8>, at lineStart: Int, into synsets: inout WordNetSynsets
  ) throws(InputError) {
    var fields = WNDBFieldScanner(
      line: line, path: path, location: .byteOffset(lineStart), hint: dataHint)
    let offset = try fields.decimal("synset offset")
    guard offset == lineStart else {
      throw fields.error(
        "the synset offset field reads \(offset) but the line starts at byte \(lineStart); "
          + "offsets are byte positions, so the file was edited (line endings converted?)")
    }
    _ = try fields.decimal("lexicographer file number")
    try fields.expectLetter(letter, "synset type")
    let wordCount = try fields.hexadecimal("word count")
    guard wordCount > 0 else { throw fields.error("the word count is 0; a synset has words") }
    let source = Int32(synsets.count)
    for word in 1...wordCount {
      let lemma = try fields.token("word \(word)")
      if word == 1 { synsets.append(offset: offset, firstWord: lemma) }
      _ = try fields.hexadecimal("lex_id of word \(word)")
    }
    let pointerCount = try fields.decimal("pointer count")
    for pointer in stride(from: 1, through: pointerCount, by: 1) {
      let symbol = try fields.token("symbol of pointer \(pointer)")
      let target = try fields.decimal("target offset of pointer \(pointer)")
      let targetPart = try fields.token("part of speech of pointer \(pointer)")
      guard targetPart.count == 1, "nvasr".utf8.contains(targetPart[0]) else {
        throw fields.error(
          "pointer \(pointer) has part of speech '\(NodeName.preview(targetPart))' "
            + "(expected n, v, a, s or r)")
      }
      let words = try fields.token("source/target field of pointer \(pointer)")
      guard words.count == 4, WNDBFieldScanner.parse(words, radix: 16) != nil else {
        throw fields.error(
          "pointer \(pointer) has source/target field '\(NodeName.preview(words))' "
            + "(expected 4 hexadecimal digits)")
      }
      // NLTK's `hypernyms()` and kin follow semantic pointers only (source/target `0000`);
      // nonzero word numbers make a lexical pointer between two words.
      guard let kind = WordNetPointer(symbol: symbol), words.allSatisfy({ $0 == 0x30 }) else {
        continue
      }
      guard targetPart[0] == letter else {
        throw fields.error(
          "pointer \(pointer) (\(kind.symbol)) leads to part of speech "
            + "'\(Character(Unicode.Scalar(targetPart[0])))'; only links within this file "
            + "are followed")
      }
      synsets.pointers.append(WordNetSynsets.Pointer(source: source, target: target, kind: kind))
    }
    let rest = fields.remainder
    guard !rest.isEmpty, memchr(rest.baseAddress!, Int32(UInt8(ascii: "|")), rest.count) != nil
    else {
      throw fields.error("no gloss separator '|' after the pointers (truncated line?)")
    }
  }
}

/// The synsets of a data file while the database is being read: offsets, first words, sense
/// numbers from the index, and pointers still addressed by byte offset.
struct WordNetSynsets {
  struct Pointer {
    var source: Int32
    var target: Int
    var kind: WordNetPointer
  }

  /// Line starts, which are the synset offsets; ascending because lines are read in order.
  private(set) var offsets: [Int] = []
  /// First words, lowercased and without an adjective marker, one after another.
  private var lemmaBytes: [UInt8] = []
  private var lemmaStarts: [Int] = [0]
  /// 1-based sense numbers from the index; 0 until the index lists the synset under its lemma.
  private var senses: [Int32] = []
  var pointers: [Pointer] = []

  var count: Int { offsets.count }

  /// Records a synset line's offset and first word, normalized as NLTK's `_synset_from_pos_and_line`
  /// does: a trailing syntactic marker such as `(a)` removed, then lowercased.
  mutating func append(offset: Int, firstWord: UnsafeBufferPointer<UInt8>) {
    offsets.append(offset)
    senses.append(0)
    var word = firstWord[...]
    // NLTK's pattern `(.*?)(\([^()]*\))?$`: a final parenthesized group without nested parens.
    if word.last == UInt8(ascii: ")"),
      let open = word.lastIndex(of: UInt8(ascii: "(")),
      !word[(open + 1)..<(word.endIndex - 1)].contains(UInt8(ascii: ")"))
    {
      word = word[..<open]
    }
    if word.allSatisfy({ $0 < 0x80 }) {
      for byte in word {
        let isUpper = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
        lemmaBytes.append(isUpper ? byte + 32 : byte)
      }
    } else {
      lemmaBytes.append(contentsOf: String(decoding: word, as: UTF8.self).lowercased().utf8)
    }
    lemmaStarts.append(lemmaBytes.count)
  }

  /// The synset whose line starts at `offset`, if any.
  func synset(at offset: Int) -> Int? {
    var low = 0
    var high = offsets.count
    while low < high {
      let middle = (low + high) / 2
      if offsets[middle] < offset { low = middle + 1 } else { high = middle }
    }
    return low < offsets.count && offsets[low] == offset ? low : nil
  }

  private func lemma(of synset: Int) -> ArraySlice<UInt8> {
    lemmaBytes[lemmaStarts[synset]..<lemmaStarts[synset + 1]]
  }

  /// Reads one `index.<pos>` line, `lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt
  /// tagsense_cnt synset_offset [synset_offset...]`, and numbers the senses of the synsets whose
  /// first word is `lemma` (NLTK's `_lemma_pos_offset_map`). Lines starting with a space (the
  /// licence header) and blank lines are skipped.
  mutating func consumeIndexLine(
    _ line: UnsafeBufferPointer<UInt8>, number: Int, path: String, letter: UInt8
  ) throws(InputError) {
    guard let first = line.first, first != UInt8(ascii: " ") else { return }
    var fields = WNDBFieldScanner(line: line, path: path, location: .line(number), hint: indexHint)
    let lemma = try fields.token("lemma")
    try fields.expectLetter(letter, "part of speech")
    let synsetCount = try fields.decimal("synset count")
    guard synsetCount > 0 else { throw fields.error("the synset count is 0") }
    let symbolCount = try fields.decimal("pointer symbol count")
    for symbol in stride(from: 1, through: symbolCount, by: 1) {
      _ = try fields.token("pointer symbol \(symbol)")
    }
    let senseCount = try fields.decimal("sense count")
    guard senseCount == synsetCount else {
      throw fields.error(
        "the sense count \(senseCount) differs from the synset count \(synsetCount)")
    }
    _ = try fields.decimal("tagged sense count")
    for sense in 1...synsetCount {
      let offset = try fields.decimal("synset offset \(sense)")
      guard let synset = synset(at: offset) else {
        throw fields.error(
          "synset offset \(sense) of '\(NodeName.preview(lemma))', \(offset), is not the start "
            + "of a synset line in the data file")
      }
      if lemma.elementsEqual(self.lemma(of: synset)) { senses[synset] = Int32(sense) }
    }
  }

  /// The synset names, `lemma.pos.NN`, in data-file order.
  ///
  /// - Throws: `InputError` at a synset's byte offset when the index does not list it under its
  ///   first word, when its name is not a valid node name, or when two synsets get one name.
  func names(dataPath: String, indexPath: String, letter: UInt8) throws(InputError) -> Vocabulary {
    var names = Vocabulary()
    var name: [UInt8] = []
    for synset in 0..<count {
      let lemma = lemma(of: synset)
      func error(_ message: String, hint: String = indexHint) -> InputError {
        InputError(
          .malformed, path: dataPath, location: .byteOffset(offsets[synset]), message: message,
          hint: hint)
      }
      let sense = senses[synset]
      guard sense > 0 else {
        let shown = String(decoding: lemma, as: UTF8.self)
        throw error(
          "no line of \(indexPath) lists this synset under its first word '\(shown)', so it has "
            + "no NLTK name")
      }
      name.removeAll(keepingCapacity: true)
      name.append(contentsOf: lemma)
      name.append(UInt8(ascii: "."))
      name.append(letter)
      name.append(UInt8(ascii: "."))
      if sense < 10 { name.append(UInt8(ascii: "0")) }
      name.append(contentsOf: String(sense).utf8)
      try name.withUnsafeBufferPointer { bytes throws(InputError) in
        if let problem = NodeName.problem(with: bytes) {
          throw error("synset name: \(problem.message)", hint: dataHint)
        }
        guard names.intern(bytes).isNew else {
          throw error("a second synset is named '\(String(decoding: bytes, as: UTF8.self))'")
        }
      }
    }
    return names
  }

  /// The pointers as interleaved (source, target) synset pairs, one list per `WordNetPointer`.
  ///
  /// - Throws: `InputError` at the source synset's byte offset when a target offset is past the
  ///   end of the file or not the start of a synset line.
  func resolvePointers(dataPath: String, fileSize: Int) throws(InputError) -> [[NodeID]] {
    var pairs = [[NodeID]](repeating: [], count: WordNetPointer.allCases.count)
    for pointer in pointers {
      guard let target = synset(at: pointer.target) else {
        let problem =
          pointer.target >= fileSize
          ? "past the end of the file (\(fileSize) bytes)" : "not the start of a synset line"
        throw InputError(
          .malformed, path: dataPath, location: .byteOffset(offsets[Int(pointer.source)]),
          message: "a '\(pointer.kind.symbol)' pointer targets offset \(pointer.target), "
            + problem, hint: dataHint)
      }
      pairs[pointer.kind.rawValue].append(pointer.source)
      pairs[pointer.kind.rawValue].append(NodeID(target))
    }
    return pairs
  }
}
