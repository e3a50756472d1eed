#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One part of speech of a Princeton WordNet 3.0 database in its WNDB format (`man 5 wndb`):
/// the synsets of `data.<pos>`, named as NLTK names them, and their hypernym (`@`),
/// instance-hypernym (`@i`) and instance-hyponym (`~i`) pointers.
///
/// A synset's name is NLTK's `Synset.name()`: `lemma.pos.NN`, where `lemma` is the synset's first
/// word, lowercased and without an adjective marker such as `(a)`, and `NN` is the 1-based
/// position of the synset's offset in that lemma's line of `index.<pos>`, at least two digits
/// (`dog.n.01`). Debian's `wordnet-base` package installs the files in ``defaultDirectory``.
public struct WordNetDatabase: Sendable {
  /// The parts of speech whose hypernym hierarchies the reader supports.
  public enum PartOfSpeech: String, Sendable, CaseIterable {
    case noun, verb

    /// The one-letter code in WNDB files and in synset names.
    var letter: UInt8 {
      switch self {
      case .noun: return UInt8(ascii: "n")
      case .verb: return UInt8(ascii: "v")
      }
    }
  }

  /// Where Debian's and Ubuntu's `wordnet-base` package installs the database.
  public static let defaultDirectory = "/usr/share/wordnet"

  /// The part of speech read.
  public let partOfSpeech: PartOfSpeech
  /// The path of the `data.<pos>` file read, for messages.
  public let dataPath: String
  /// Synset names, with ids in data-file order (NLTK's `all_synsets` order).
  public let names: Vocabulary
  /// Interleaved (synset, hypernym) pairs, one per `@` pointer (NLTK's `hypernyms()`).
  public let hypernymPairs: [NodeID]
  /// Interleaved (instance, class) pairs, one per `@i` pointer (NLTK's `instance_hypernyms()`).
  public let instanceHypernymPairs: [NodeID]
  /// Interleaved (class, instance) pairs, one per `~i` pointer (NLTK's `instance_hyponyms()`).
  public let instanceHyponymPairs: [NodeID]

  /// Reads `index.<pos>` and `data.<pos>` from `directory`.
  ///
  /// - Throws: `InputError`: `.notFound` for a missing folder or file; `.malformed` naming the
  ///   byte offset of a corrupt or truncated `data.<pos>` line (or of a pointer that leads
  ///   nowhere), or the line of a malformed `index.<pos>` entry.
  /// - Complexity: O(bytes of the two files).
  public init(directory: String = defaultDirectory, partOfSpeech: PartOfSpeech = .noun) throws {
    try Self.checkDirectory(directory)
    let dataPath = "\(directory)/data.\(partOfSpeech.rawValue)"
    let indexPath = "\(directory)/index.\(partOfSpeech.rawValue)"
    let data = try Self.withFileHint { try InputFile.readAll(dataPath) }
    try self.init(
      partOfSpeech: partOfSpeech, dataPath: dataPath, data: data, indexPath: indexPath
    ) { body in
      try Self.withFileHint { try LineReader.forEachLine(inFile: indexPath, body) }
    }
  }

  /// Reads the database from the bytes of its two files held in memory, exactly as
  /// `init(directory:partOfSpeech:)` reads the files; the paths name them in errors. For tests
  /// and fuzzing.
  init(
    partOfSpeech: PartOfSpeech, dataPath: String, data: [UInt8], indexPath: String,
    index: [UInt8]
  ) throws {
    try self.init(
      partOfSpeech: partOfSpeech, dataPath: dataPath, data: data, indexPath: indexPath
    ) { body in
      try index.withUnsafeBytes { try LineReader.forEachLine(in: $0, body) }
    }
  }

  private init(
    partOfSpeech: PartOfSpeech, dataPath: String, data: [UInt8], indexPath: String,
    forEachIndexLine: ((UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws -> Void
  ) throws {
    var synsets = try data.withUnsafeBufferPointer { bytes in
      try WordNetDataParser(path: dataPath, bytes: bytes, letter: partOfSpeech.letter).parse()
    }
    try forEachIndexLine { line, number in
      try synsets.consumeIndexLine(
        line, number: number, path: indexPath, letter: partOfSpeech.letter)
    }
    self.partOfSpeech = partOfSpeech
    self.dataPath = dataPath
    names = try synsets.names(dataPath: dataPath, indexPath: indexPath, letter: partOfSpeech.letter)
    let pairs = try synsets.resolvePointers(dataPath: dataPath, fileSize: data.count)
    hypernymPairs = pairs[WordNetPointer.hypernym.rawValue]
    instanceHypernymPairs = pairs[WordNetPointer.instanceHypernym.rawValue]
    instanceHyponymPairs = pairs[WordNetPointer.instanceHyponym.rawValue]
  }

  private static let installHint =
    "install Princeton WordNet 3.0 (Debian/Ubuntu: `apt-get install wordnet-base`, which fills "
    + "/usr/share/wordnet) or name the folder that holds index.noun and data.noun."

  private static func checkDirectory(_ directory: String) throws(InputError) {
    var status = stat()
    guard stat(directory, &status) == 0 else {
      let code = errno
      if code == ENOENT || code == ENOTDIR {
        throw InputError(.notFound, path: directory, message: "no such folder", hint: installHint)
      }
      throw InputError(.unreadable, path: directory, message: String(cString: strerror(code)))
    }
    guard (status.st_mode & S_IFMT) == S_IFDIR else {
      throw InputError(
        .unreadable, path: directory, message: "is not a folder",
        hint: "with --wordnet, name the WordNet database folder, not a file.")
    }
  }

  /// Adds the installation hint to a missing-file error.
  private static func withFileHint<Result>(_ body: () throws -> Result) throws -> Result {
    do {
      return try body()
    } catch var error as InputError where error.kind == .notFound {
      error.hint = installHint
      throw error
    }
  }
}

/// The pointer symbols the closure follows, as indices into per-kind pair lists.
enum WordNetPointer: Int, CaseIterable {
  case hypernym, instanceHypernym, instanceHyponym

  /// The kind of a pointer symbol, or nil for the symbols the closure ignores.
  init?(symbol: UnsafeBufferPointer<UInt8>) {
    let at = UInt8(ascii: "@")
    let tilde = UInt8(ascii: "~")
    let i = UInt8(ascii: "i")
    switch (symbol.count, symbol.first, symbol.last) {
    case (1, at, _): self = .hypernym
    case (2, at, i): self = .instanceHypernym
    case (2, tilde, i): self = .instanceHyponym
    default: return nil
    }
  }

  var symbol: String {
    switch self {
    case .hypernym: return "@"
    case .instanceHypernym: return "@i"
    case .instanceHyponym: return "~i"
    }
  }
}
