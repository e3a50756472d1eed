/// An ontology read from an OBO flat file (format 1.2 or 1.4, as the OBO Foundry publishes
/// them: Gene Ontology, the Human Phenotype Ontology, Uberon, ChEBI…): its terms, which of them
/// are obsolete, their names, and their `is_a` and `relationship` edges.
///
/// What is read, and why:
/// - `[Term]` stanzas are the terms. `[Typedef]` stanzas (relations) and `[Instance]` stanzas
///   are not terms; of a `[Typedef]` only its `id:` is kept, to recognise relation names. Header
///   tags (before the first stanza) are skipped; `format-version:` is kept for the summary.
/// - Of a term: `id:`, `name:`, `is_obsolete:`, `is_a:` and `relationship: <relation> <id>`.
///   Every other tag (`def:`, `synonym:`, `xref:`, `intersection_of:`, `replaced_by:`…) is
///   skipped unparsed: `intersection_of:` lines are logical definitions, not asserted is_a
///   edges (the OBO Foundry's releases assert the is_a edges they imply), and `replaced_by:`
///   names the successor of an obsolete term, which is left out either way.
/// - A value ends at an unescaped `{` (a trailing qualifier list such as
///   `{is_inferred="true"}`, which must close on the same line) or `!` (a comment, usually the
///   target's label); `\` escapes the next character (`\n`, `\t` and `\W` stand for a newline,
///   a tab and a space), as OBO 1.4 defines it.
/// - Several `[Term]` stanzas with the same id are merged: their edges add up and any
///   `is_obsolete: true` makes the term obsolete; two different names are an error.
///
/// Every line must be valid UTF-8 without control characters (tabs aside), and every non-blank
/// line a `tag: value` line, a `[Stanza]` header or a `!` comment; the first problem is an
/// `InputError` naming the line. A file without any `[Term]` stanza is an error too.
public struct OBOOntology: Sendable {
  /// One `is_a` or `relationship` line of a term, in file order.
  public struct Edge: Sendable, Equatable {
    /// The term whose stanza holds the line.
    public var child: NodeID
    /// The id the line points to; it may be undefined or obsolete.
    public var parent: NodeID
    /// `nil` for `is_a`, else the index of the relation in `relations`.
    public var relation: Int?
    /// The line's 1-based number.
    public var line: Int

    public init(child: NodeID, parent: NodeID, relation: Int?, line: Int) {
      self.child = child
      self.parent = parent
      self.relation = relation
      self.line = line
    }
  }

  /// The file read, for messages.
  public let path: String
  /// Every term id, then every other id an edge points to, in order of first appearance.
  public let ids: Vocabulary
  /// Per id: whether a `[Term]` stanza defines it.
  public let isTerm: [Bool]
  /// Per id: whether its term is marked `is_obsolete: true`.
  public let isObsolete: [Bool]
  /// Per id: its `name:` value, unescaped; nil for ids without one.
  public let names: [String?]
  /// The `is_a` and `relationship` lines of all terms, in file order.
  public let edges: [Edge]
  /// The relation names of `relationship:` lines, in order of first use.
  public let relations: [String]
  /// The ids of the `[Typedef]` stanzas (the relations the file declares).
  public let typedefs: [String]
  /// The header's `format-version:` value (`1.2`, `1.4`), when present.
  public let formatVersion: String?

  /// The number of distinct `[Term]` ids.
  public var termCount: Int { isTerm.count { $0 } }

  /// The number of terms marked obsolete.
  public var obsoleteTermCount: Int {
    zip(isTerm, isObsolete).count { $0.0 && $0.1 }
  }

  /// Whether `id` is a term of the file that is not obsolete: the nodes a closure may use.
  public func isLiveTerm(_ id: Int) -> Bool { isTerm[id] && !isObsolete[id] }
}

// Initialisers in an extension keep the memberwise one that `OBOParser.finish()` uses.
extension OBOOntology {
  /// Reads the OBO file at `path` (or standard input for `-`), streaming.
  ///
  /// - Throws: `InputError` naming the line of the first problem (see the type's
  ///   documentation), `.notFound`/`.unreadable` for a missing or unreadable file.
  /// - Complexity: O(bytes of the file); memory grows with the terms and edges, not the file.
  public init(path: String) throws {
    var parser = OBOParser(path: path)
    try LineReader.forEachLine(inFile: path) { line, number in
      try parser.consume(line, number: number)
    }
    self = try parser.finish()
  }

  /// Reads an OBO file from its bytes held in memory, exactly as `init(path:)` reads a file
  /// holding them; `path` names the bytes in errors. For tests and fuzzing: `chunkSize` and
  /// `initialCapacity` as in `LineReader.forEachLine(in:chunkSize:initialCapacity:_:)`.
  init(
    bytes: UnsafeRawBufferPointer, path: String, chunkSize: Int = 1 << 20,
    initialCapacity: Int = 1 << 20
  ) throws {
    var parser = OBOParser(path: path)
    try LineReader.forEachLine(
      in: bytes, chunkSize: chunkSize, initialCapacity: initialCapacity
    ) { line, number in
      try parser.consume(line, number: number)
    }
    self = try parser.finish()
  }

  /// Whether the file at `path` should be read as OBO: its name ends in `.obo`, or its first
  /// non-blank line is a `format-version:` header or a `[Term]` stanza (a file without the
  /// extension). Standard input (`-`) and unreadable files are not sniffed.
  public static func isOBOFile(_ path: String) -> Bool {
    if path.lowercased().hasSuffix(".obo") { return true }
    guard path != "-", let start = try? InputFile.readPrefix(path, count: 4096) else {
      return false
    }
    var bytes = start[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    let firstLine = bytes.drop { $0 == 0x0A || $0 == 0x0D || $0 == 0x20 || $0 == 0x09 }
    return firstLine.starts(with: Array("format-version:".utf8))
      || firstLine.starts(with: Array("[Term]".utf8))
  }
}
