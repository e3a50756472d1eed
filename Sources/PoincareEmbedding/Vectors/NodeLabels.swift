/// Human-readable names of node ids, such as the `name:` of OBO terms (`HP:0001250` →
/// `Seizure`): the `id<TAB>name` files that `closure --names` writes and that `query` and `plot`
/// read with `--names`.
///
/// They are called labels here because everywhere else a node's id is its name (`Vocabulary`).
/// A label is one line of text: control characters in it (a tab, a newline from OBO's `\n`
/// escape) become spaces.
///
/// The file: UTF-8, one `id<TAB>name` a line, sorted by id in byte order when written. Reading
/// skips blank lines; the name is everything after the first tab. A line without a tab, an id
/// the vectors formats cannot hold, an empty name or an id named twice is an error naming the
/// line.
public struct NodeLabels: Sendable {
  private var ids = Vocabulary()
  private var labels: [String] = []

  public init() {}

  /// The number of labelled ids.
  public var count: Int { labels.count }

  /// Labels `id`, replacing any label it had.
  public mutating func add(id: String, label: String) {
    var id = id
    let (node, isNew) = id.withUTF8 { ids.intern($0) }
    let clean = String(
      String.UnicodeScalarView(label.unicodeScalars.map { $0.value < 0x20 ? " " : $0 }))
    if isNew { labels.append(clean) } else { labels[Int(node)] = clean }
  }

  /// The label of `id`, if it has one.
  public func label(of id: String) -> String? {
    ids.index(of: id).map { labels[$0] }
  }

  /// Every (id, label), in the order they were added.
  public var entries: [(id: String, label: String)] {
    (0..<count).map { (ids.name(of: $0), labels[$0]) }
  }

  /// Reads a names file (`-` for standard input).
  ///
  /// - Throws: `InputError` naming the line of the first problem.
  public static func read(_ path: String) throws -> NodeLabels {
    var parser = Parser(path: path)
    try LineReader.forEachLine(inFile: path) { line, number in
      try parser.consume(line, number: number)
    }
    return try parser.finish()
  }

  /// Reads a names file from its bytes, as `read(_:)` reads a file holding them. For tests and
  /// fuzzing.
  static func read(
    bytes: UnsafeRawBufferPointer, path: String, chunkSize: Int = 1 << 20,
    initialCapacity: Int = 1 << 20
  ) throws -> NodeLabels {
    var parser = Parser(path: path)
    try LineReader.forEachLine(
      in: bytes, chunkSize: chunkSize, initialCapacity: initialCapacity
    ) { line, number in
      try parser.consume(line, number: number)
    }
    return try parser.finish()
  }

  /// Writes `id<TAB>name` lines sorted by id in byte order, atomically (`-` for standard
  /// output).
  ///
  /// - Throws: `OutputError` when the file cannot be written.
  public func write(to path: String) throws {
    try AtomicFileWriter.write(to: path) { output in
      for node in ids.idsSortedByName() {
        try output.write("\(ids.name(of: Int(node)))\t\(labels[Int(node)])\n")
      }
    }
  }

  private struct Parser {
    let path: String
    var labels = NodeLabels()
    var lines: [Int] = []
    var sawLines = false

    static let hint = "each line is `id<TAB>name`, as `closure --names` writes it."

    mutating func consume(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws(InputError) {
      var line = line
      if number == 1 && line.starts(with: [0xEF, 0xBB, 0xBF]) {
        line = UnsafeBufferPointer(rebasing: line[3...])
      }
      sawLines = true
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
      guard let tab = line.firstIndex(of: 0x09) else {
        throw InputError.malformed(
          path, line: number, "expected `id<TAB>name`, found no tab", hint: Self.hint)
      }
      let id = UnsafeBufferPointer(rebasing: line[..<tab])
      if let problem = NodeName.problem(with: id) {
        throw InputError.malformed(path, line: number, problem.message, hint: Self.hint)
      }
      let name = UnsafeBufferPointer(rebasing: line[(tab + 1)...])
      if name.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
        throw InputError.malformed(path, line: number, "the name is empty", hint: Self.hint)
      }
      if let byte = name.first(where: { $0 < 0x20 && $0 != 0x09 }) {
        throw InputError.malformed(
          path, line: number,
          "the name contains a control character (byte 0x"
            + "\(String(byte, radix: 16)))", hint: "is this a binary file?")
      }
      guard let text = String(validating: name, as: UTF8.self) else {
        throw InputError.malformed(
          path, line: number, "the name is not valid UTF-8",
          hint: "convert the file to UTF-8 (e.g. `iconv -f latin1 -t utf-8`).")
      }
      let idText = String(decoding: id, as: UTF8.self)
      if let first = labels.ids.index(of: idText) {
        throw InputError.malformed(
          path, line: number, "\(idText) is named twice (first at line \(lines[first]))",
          hint: "give each id one name.")
      }
      labels.add(id: idText, label: text)
      lines.append(number)
    }

    func finish() throws(InputError) -> NodeLabels {
      guard labels.count > 0 else {
        let what = sawLines ? "has no names, only blank lines" : "is empty"
        throw InputError(
          .malformed, path: path, message: "the file \(what)", hint: Self.hint)
      }
      return labels
    }
  }
}

/// A name given for a node that several nodes have.
public struct AmbiguousNameError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The name asked for.
  public var name: String
  /// The ids of the nodes with that name, in byte order.
  public var ids: [String]

  public init(name: String, ids: [String]) {
    self.name = name
    self.ids = ids
  }

  public var description: String {
    let shown = ids.prefix(5).joined(separator: ", ") + (ids.count > 5 ? ", …" : "")
    return "'\(name)' is the name of \(ids.count) nodes: \(shown)"
  }

  public var hint: String { "give the id of the node you mean." }
}

extension KeyedVectors {
  /// The row of `key`: a node id, or, with `labels`, the name of exactly one node of these
  /// vectors (compared exactly first, then ignoring letter case).
  ///
  /// - Throws: `UnknownNodeError` (suggesting close ids, and nodes whose names contain `key`)
  ///   when nothing matches; `AmbiguousNameError` when several nodes have that name.
  public func index(of key: String, labels: NodeLabels?, in path: String? = nil) throws -> Int {
    if let index = vocabulary.index(of: key) { return index }
    guard let labels else { return try index(of: key, in: path) }
    let entries = labels.entries.filter { vocabulary.index(of: $0.id) != nil }
    let folded = key.lowercased()
    for matches in [
      { (label: String) in label == key }, { (label: String) in label.lowercased() == folded },
    ] {
      let ids = entries.filter { matches($0.label) }.map(\.id)
      if ids.count == 1 { return vocabulary.index(of: ids[0])! }
      if ids.count > 1 {
        throw AmbiguousNameError(
          name: key, ids: ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
      }
    }
    let containing = entries.filter { $0.label.lowercased().contains(folded) }
      .sorted { ($0.label.count, $0.id) < ($1.label.count, $1.id) }
      .prefix(3).map { "\($0.id) (\($0.label))" }
    throw UnknownNodeError(
      key: key, path: path, nodeCount: count,
      suggestions: vocabulary.suggestions(for: key) + containing)
  }
}
