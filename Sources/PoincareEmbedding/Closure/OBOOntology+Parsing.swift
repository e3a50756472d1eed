// The line-by-line reader behind `OBOOntology`. Every line is checked (UTF-8, no control
// characters, one of the four kinds of OBO line); the values of the tags a closure needs are
// parsed fully, including their `{…}` qualifier lists, and every other tag is skipped unparsed.

private let lineHint =
  "OBO lines are `tag: value`, a stanza header such as `[Term]`, a `!` comment or blank; a value "
  + "cannot continue on the next line."
private let notOBOHint =
  "an OBO flat file holds header tags (`format-version: 1.4`) and then `[Term]` stanzas of "
  + "`tag: value` lines; for `child<TAB>parent` edges use a name that does not end in .obo."

/// Reads OBO lines one at a time and collects the terms and edges (see `OBOOntology`).
struct OBOParser {
  let path: String
  private var ids = Vocabulary()
  private var isTerm: [Bool] = []
  private var isObsolete: [Bool] = []
  private var names: [String?] = []
  /// Per id: the line of its name, for the message when a merged stanza renames it.
  private var nameLines: [Int] = []
  private var edges: [OBOOntology.Edge] = []
  private var relations: [String] = []
  private var relationIndex: [String: Int] = [:]
  private var typedefs: [String] = []
  private var formatVersion: String?

  private enum Stanza { case header, term, typedef, instance }
  private var stanza = Stanza.header
  private var term = PendingTerm()
  private var typedefID: String?
  /// Whether a line other than a blank line or a comment was read.
  private var sawContent = false
  private var sawLines = false
  private var value = OBOValue()

  /// What one `[Term]` stanza said, kept until the stanza ends.
  private struct PendingTerm {
    var headerLine = 0
    var id: NodeID?
    var idLine = 0
    var name: String?
    var nameLine = 0
    var isObsolete = false
    var edges: [(parent: NodeID, relation: Int?, line: Int)] = []
  }

  init(path: String) { self.path = path }

  mutating func consume(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws(InputError) {
    var line = line
    if number == 1 && line.starts(with: [0xEF, 0xBB, 0xBF]) {
      line = UnsafeBufferPointer(rebasing: line[3...])
    }
    sawLines = true
    try checkCharacters(line, number: number)
    var start = 0
    var end = line.count
    while start < end && Self.isBlank(line[start]) { start += 1 }
    while end > start && Self.isBlank(line[end - 1]) { end -= 1 }
    if start == end || line[start] == UInt8(ascii: "!") { return }
    let content = UnsafeBufferPointer(rebasing: line[start..<end])
    let isFirst = !sawContent
    sawContent = true
    if content[0] == UInt8(ascii: "[") {
      try beginStanza(content, number: number, isFirst: isFirst)
      return
    }
    guard let colon = Self.tagLength(content) else {
      throw notALine(content, number: number, isFirst: isFirst)
    }
    let tag = UnsafeBufferPointer(rebasing: content[..<colon])
    let rest = UnsafeBufferPointer(rebasing: content[(colon + 1)...])
    switch stanza {
    case .header:
      if Self.equals(tag, "format-version") {
        try value.parse(rest, path: path, line: number)
        formatVersion = value.text
      }
    case .term:
      try termClause(tag, rest, number: number)
    case .typedef:
      if Self.equals(tag, "id") {
        typedefID = try singleID(rest, tag: "id", number: number)
      }
    case .instance:
      break
    }
  }

  /// The ontology read, once every line was consumed.
  mutating func finish() throws(InputError) -> OBOOntology {
    try endStanza()
    guard isTerm.contains(true) else {
      if !sawContent {
        let what = sawLines ? "has only blank lines and comments" : "is empty"
        throw InputError(
          .malformed, path: path, message: "the file \(what)",
          hint: "an OBO file lists its terms in `[Term]` stanzas.")
      }
      throw InputError(
        .malformed, path: path, message: "the file has no [Term] stanza", hint: notOBOHint)
    }
    return OBOOntology(
      path: path, ids: ids, isTerm: isTerm, isObsolete: isObsolete, names: names, edges: edges,
      relations: relations, typedefs: typedefs, formatVersion: formatVersion)
  }

  // MARK: Stanzas and clauses

  private mutating func beginStanza(
    _ content: UnsafeBufferPointer<UInt8>, number: Int, isFirst: Bool
  ) throws(InputError) {
    guard let close = content.firstIndex(of: UInt8(ascii: "]")) else {
      throw InputError.malformed(
        path, line: number, "a stanza header without its closing `]`: '\(preview(content))'",
        hint: isFirst ? notOBOHint : lineHint)
    }
    let after = content[(close + 1)...].drop(while: Self.isBlank)
    if let next = after.first, next != UInt8(ascii: "!") {
      throw InputError.malformed(
        path, line: number, "text after the stanza header: '\(preview(content))'",
        hint: lineHint)
    }
    try endStanza()
    let name = String(decoding: content[1..<close], as: UTF8.self)
    switch name {
    case "Term":
      stanza = .term
      term = PendingTerm(headerLine: number)
    case "Typedef":
      stanza = .typedef
      typedefID = nil
    case "Instance":
      stanza = .instance
    default:
      let shown = NodeName.preview(UnsafeBufferPointer(rebasing: content[1..<close]))
      throw InputError.malformed(
        path, line: number, "unknown stanza type '[\(shown)]'",
        hint: isFirst
          ? notOBOHint : "OBO stanzas are [Term], [Typedef] and [Instance] (case matters).")
    }
  }

  /// Files what the stanza that ends here said.
  private mutating func endStanza() throws(InputError) {
    switch stanza {
    case .term:
      guard let id = term.id else {
        throw InputError.malformed(
          path, line: term.headerLine, "this [Term] stanza has no id: line",
          hint: "every [Term] stanza needs its id, as in `id: HP:0000118`.")
      }
      let index = Int(id)
      isTerm[index] = true
      if term.isObsolete { isObsolete[index] = true }
      if let name = term.name {
        if let existing = names[index], existing != name {
          throw InputError.malformed(
            path, line: term.nameLine,
            "term \(ids.name(of: index)) is named '\(name)' here but '\(existing)' at line "
              + "\(nameLines[index])",
            hint: "a term has one name; stanzas with the same id are merged.")
        }
        names[index] = name
        nameLines[index] = term.nameLine
      }
      for edge in term.edges {
        edges.append(
          OBOOntology.Edge(child: id, parent: edge.parent, relation: edge.relation, line: edge.line)
        )
      }
      term = PendingTerm()
    case .typedef:
      if let typedefID { typedefs.append(typedefID) }
    case .header, .instance:
      break
    }
    stanza = .header
  }

  private mutating func termClause(
    _ tag: UnsafeBufferPointer<UInt8>, _ rest: UnsafeBufferPointer<UInt8>, number: Int
  ) throws(InputError) {
    if Self.equals(tag, "is_a") {
      let parent = try intern(singleID(rest, tag: "is_a", number: number))
      term.edges.append((parent, nil, number))
    } else if Self.equals(tag, "relationship") {
      try value.parse(rest, path: path, line: number)
      guard value.tokenCount == 2 else {
        throw InputError.malformed(
          path, line: number,
          "relationship: expected a relation and a term id, found '\(value.text)'",
          hint: "write `relationship: part_of UBERON:0002101`, optionally followed by "
            + "`{qualifiers}` and `! label`.")
      }
      let relationName = try checkedToken(0, number: number)
      let parent = try intern(checkedToken(1, number: number))
      let relation: Int
      if let known = relationIndex[relationName] {
        relation = known
      } else {
        relation = relations.count
        relations.append(relationName)
        relationIndex[relationName] = relation
      }
      term.edges.append((parent, relation, number))
    } else if Self.equals(tag, "id") {
      let id = try singleID(rest, tag: "id", number: number)
      if term.id != nil {
        throw InputError.malformed(
          path, line: number,
          "a second id: in one [Term] stanza (the first is at line \(term.idLine))",
          hint: "start a new stanza with a `[Term]` line.")
      }
      term.id = intern(id)
      term.idLine = number
    } else if Self.equals(tag, "name") {
      try value.parse(rest, path: path, line: number)
      guard value.tokenCount > 0 else { return }
      if term.name != nil {
        throw InputError.malformed(
          path, line: number,
          "a second name: in one [Term] stanza (the first is at line \(term.nameLine))",
          hint: "a term has one name; list other names as `synonym:` lines.")
      }
      term.name = value.text
      term.nameLine = number
    } else if Self.equals(tag, "is_obsolete") {
      try value.parse(rest, path: path, line: number)
      switch value.text {
      case "true": term.isObsolete = true
      case "false": break
      default:
        throw InputError.malformed(
          path, line: number, "is_obsolete: expected true or false, found '\(value.text)'",
          hint: "OBO booleans are `true` and `false`, in lower case.")
      }
    }
  }

  /// The one id a tag's value holds.
  private mutating func singleID(
    _ rest: UnsafeBufferPointer<UInt8>, tag: String, number: Int
  ) throws(InputError) -> String {
    try value.parse(rest, path: path, line: number)
    guard value.tokenCount == 1 else {
      let found = value.tokenCount == 0 ? "nothing" : "'\(value.text)'"
      throw InputError.malformed(
        path, line: number, "\(tag): expected one id, found \(found)",
        hint: "write `\(tag): HP:0000118`, optionally followed by `{qualifiers}` and `! label`.")
    }
    return try checkedToken(0, number: number)
  }

  /// Token `index` of the value, checked to be a node name the vectors formats can hold.
  private func checkedToken(_ index: Int, number: Int) throws(InputError) -> String {
    let token = value.token(index)
    if let problem = token.withUnsafeBufferPointer({ NodeName.problem(with: $0) }) {
      throw InputError.malformed(path, line: number, problem.message, hint: problem.hint)
    }
    return String(decoding: token, as: UTF8.self)
  }

  /// The node of `id`, added (as not yet a term) when new.
  private mutating func intern(_ id: String) -> NodeID {
    var id = id
    let (node, isNew) = id.withUTF8 { ids.intern($0) }
    if isNew {
      isTerm.append(false)
      isObsolete.append(false)
      names.append(nil)
      nameLines.append(0)
    }
    return node
  }

  // MARK: Lines

  /// Refuses control characters (tabs aside) and invalid UTF-8: an OBO file is text.
  private func checkCharacters(_ line: UnsafeBufferPointer<UInt8>, number: Int)
    throws(InputError)
  {
    var isASCII = true
    for byte in line {
      if byte < 0x20 && byte != 0x09 {
        if number == 1 && line.starts(with: [0x1F, 0x8B]) {
          throw InputError.malformed(
            path, line: number, "the file is gzip-compressed",
            hint: "decompress it first: `gunzip -k \(path)`.")
        }
        let what =
          byte == 0 ? "a NUL byte" : "a control character (byte 0x\(String(byte, radix: 16)))"
        throw InputError.malformed(
          path, line: number, "the line contains \(what)",
          hint: byte == 0x0D
            ? "the file has old Mac line endings (\\r); convert them with `tr '\\r' '\\n'`."
            : "OBO files are text; is this a binary file?")
      }
      if byte >= 0x80 { isASCII = false }
    }
    if !isASCII && String(validating: line, as: UTF8.self) == nil {
      throw InputError.malformed(
        path, line: number, "the line is not valid UTF-8",
        hint: "OBO files are UTF-8; convert this one (e.g. `iconv -f latin1 -t utf-8`).")
    }
  }

  private func notALine(_ content: UnsafeBufferPointer<UInt8>, number: Int, isFirst: Bool)
    -> InputError
  {
    if isFirst {
      return .malformed(
        path, line: number,
        "not an OBO file: '\(preview(content))' is neither a header tag such as "
          + "`format-version: 1.4` nor a `[Term]` stanza", hint: notOBOHint)
    }
    return .malformed(
      path, line: number, "expected `tag: value`, found '\(preview(content))'", hint: lineHint)
  }

  private func preview(_ bytes: UnsafeBufferPointer<UInt8>) -> String { NodeName.preview(bytes) }

  private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

  /// The length of the tag before the line's `:`, or nil when the line does not start with a
  /// tag (letters, digits, `_`, `-` and `.`, as every OBO tag is spelled).
  private static func tagLength(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
    for (index, byte) in line.enumerated() {
      switch byte {
      case UInt8(ascii: ":"): return index > 0 ? index : nil
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"),
        UInt8(ascii: "."):
        continue
      default: return nil
      }
    }
    return nil
  }

  private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
    bytes.count == text.utf8CodeUnitCount
      && text.withUTF8Buffer { $0.elementsEqual(bytes) }
  }
}
