@testable import PoincareEmbedding

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One reader of untrusted bytes, run as the tool runs it, and the promise every reader keeps:
/// it returns a valid result or throws an `InputError` that names the input and a place in it
/// (a line, a byte offset, or the whole file for whole-file problems such as "is empty"). It
/// never crashes, never hangs and never returns something invalid (a NaN, a point outside the
/// ball, a node id out of range, a name the word2vec format cannot hold).
///
/// Shared by the seeded mutation tests (`ReaderMutationTests`) and the libFuzzer targets in
/// `fuzz/`, which compile this file unchanged; it therefore imports no test framework and reports
/// a broken promise as a string.
struct ReaderProbe: Sendable {
  /// The readers under test.
  enum Reader: String, CaseIterable, Sendable {
    /// `RelationFile` on a TSV file, then the DAG closure of `closure <edges.tsv>`, then (when
    /// asked) one epoch of training.
    case relationsTSV = "relations-tsv"
    /// `RelationFile` on facebookresearch's CSV.
    case relationsCSV = "relations-csv"
    /// `Word2VecFormat` told the file is text.
    case word2vecText = "word2vec-text"
    /// `Word2VecFormat` told the file is binary.
    case word2vecBinary = "word2vec-binary"
    /// `VectorsInput`: checkpoint, text or binary, recognised from the bytes.
    case vectors
    /// `Checkpoint` as written, and again with its checksum recomputed so the fields behind it
    /// are reached; a checkpoint that reads is then resumed for an epoch on the toy relations.
    case checkpoint
    /// `WordNetDatabase` and its closure on a `data.noun` and `index.noun` given as one input:
    /// the data file, a line `--index--`, then the index file.
    case wordNet = "wordnet"
    /// `OBOOntology`, then its closures (is_a alone, and following every relation it uses,
    /// leniently and strictly) and the names of the closure's nodes.
    case obo
    /// `NodeLabels`: an `id<TAB>name` file.
    case names

    /// The name the input is given in errors; the extension matters to the vectors reader.
    var path: String {
      switch self {
      case .relationsTSV: return "fuzz.tsv"
      case .relationsCSV: return "fuzz.csv"
      case .word2vecText, .vectors: return "fuzz.txt"
      case .word2vecBinary: return "fuzz.bin"
      case .checkpoint: return "fuzz.ckpt"
      case .wordNet: return "fuzz/data.noun"
      case .obo: return "fuzz.obo"
      case .names: return "fuzz-names.tsv"
      }
    }

    /// The start of the messages of errors about the file as a whole, which have no location.
    var wholeFileMessages: [String] {
      switch self {
      case .relationsTSV, .relationsCSV:
        return ["the file is empty", "the file has no relations", "the edges form a cycle"]
      case .word2vecText, .word2vecBinary: return ["the file is empty"]
      case .vectors, .checkpoint:
        return ["the file is empty", "not a poincare-embed checkpoint", "checksum mismatch"]
      case .wordNet: return ["has no synset lines"]
      case .obo:
        return [
          "the file is empty", "the file has only blank lines", "the file has no [Term] stanza",
          "the is_a edges form a cycle", "the is_a and ",
        ]
      case .names: return ["the file is empty", "the file has no names"]
      }
    }
  }

  static let indexSeparator = Array("\n--index--\n".utf8)

  let reader: Reader
  /// The relations a checkpoint is resumed on (data/toy_closure.tsv).
  let toyRelations: Relations
  /// Whether relation inputs that read are also trained on for an epoch (slower; libFuzzer).
  let trainsRelations: Bool

  /// - Parameter repository: the repository's root, for data/toy_closure.tsv.
  init(_ reader: Reader, repository: String, trainsRelations: Bool = false) throws {
    self.reader = reader
    self.toyRelations = try RelationFile.read("\(repository)/data/toy_closure.tsv")
    self.trainsRelations = trainsRelations
  }

  /// Runs the reader on `bytes`: nil when the promise holds, else what broke it.
  func violation(_ bytes: [UInt8]) -> String? {
    do {
      return try check(bytes)
    } catch let error as InputError {
      return locationProblem(error, in: bytes)
    } catch {
      return "threw \(type(of: error)): \(error)"
    }
  }

  private func check(_ bytes: [UInt8]) throws -> String? {
    switch reader {
    case .relationsTSV, .relationsCSV:
      let format: RelationFile.Format =
        reader == .relationsCSV ? .facebookCSV : .delimited(UInt8(ascii: "\t"))
      // Small, input-dependent reads and a tiny first buffer: lines straddle reads and the
      // buffer grows, as with long lines in a large file.
      let relations = try bytes.withUnsafeBytes {
        try RelationFile.read(
          bytes: $0, path: reader.path, format: format, chunkSize: 1 + bytes.count % 13,
          initialCapacity: 1 + bytes.count % 5)
      }
      if let problem = Self.problem(with: relations) { return problem }
      let (closure, _) = try TransitiveClosure.closure(ofEdges: relations, path: reader.path)
      for node in 0..<closure.names.count
      where closure.ancestors.contains(child: node, parent: NodeID(node)) {
        return "the closure makes node \(node) its own ancestor"
      }
      return trainsRelations ? try trainOneEpoch(relations) : nil
    case .word2vecText, .word2vecBinary:
      let encoding: Word2VecFormat.Encoding = reader == .word2vecText ? .text : .binary
      return Self.problem(
        with: try Word2VecFormat.parse(bytes, path: reader.path, encoding: encoding))
    case .vectors:
      return Self.problem(with: try VectorsInput.decode(bytes, path: reader.path))
    case .checkpoint:
      if let problem = violation(ofCheckpoint: bytes) { return problem }
      return violation(ofCheckpoint: Self.resealed(bytes))
    case .wordNet:
      let split = Self.firstRange(of: Self.indexSeparator, in: bytes)
      let data = Array(bytes[..<(split?.lowerBound ?? bytes.count)])
      let index = split.map { Array(bytes[$0.upperBound...]) } ?? []
      let database = try WordNetDatabase(
        partOfSpeech: .noun, dataPath: reader.path, data: data, indexPath: "fuzz/index.noun",
        index: index)
      return Self.problem(with: database)
    case .obo:
      let ontology = try bytes.withUnsafeBytes {
        try OBOOntology(
          bytes: $0, path: reader.path, chunkSize: 1 + bytes.count % 13,
          initialCapacity: 1 + bytes.count % 5)
      }
      return try Self.problem(with: ontology)
    case .names:
      let labels = try bytes.withUnsafeBytes {
        try NodeLabels.read(
          bytes: $0, path: reader.path, chunkSize: 1 + bytes.count % 11,
          initialCapacity: 1 + bytes.count % 3)
      }
      return Self.problem(with: labels)
    }
  }

  // MARK: The promise

  /// What is wrong with an error's location, or nil when it names the input and a place in it.
  private func locationProblem(_ error: InputError, in bytes: [UInt8]) -> String? {
    let paths = [reader.path, "fuzz/index.noun"]
    guard paths.contains(error.path) else { return "the error names \(error.path): \(error)" }
    guard error.kind == .malformed else { return "an in-memory input is \(error.kind): \(error)" }
    guard !error.message.isEmpty else { return "an error without a message" }
    // The WordNet input holds two files; a location is checked against the whole input. A file
    // that ends early is reported at the line after its last.
    let lineCount = bytes.count { $0 == 0x0A } + (bytes.last.map { $0 == 0x0A ? 0 : 1 } ?? 0)
    switch error.location {
    case .line(let line):
      return (1...(lineCount + 1)).contains(line) ? nil : "line \(line) of \(lineCount): \(error)"
    case .byteOffset(let offset):
      return (0...bytes.count).contains(offset)
        ? nil : "byte offset \(offset) of \(bytes.count): \(error)"
    case .file:
      return reader.wholeFileMessages.contains { error.message.hasPrefix($0) }
        ? nil : "no location: \(error)"
    }
  }

  /// What is wrong with relations that read, or nil.
  static func problem(with relations: Relations) -> String? {
    let vocabulary = relations.vocabulary
    guard relations.pairs.allSatisfy({ $0 >= 0 && Int($0) < vocabulary.count }) else {
      return "a node id out of range"
    }
    guard vocabulary.counts.reduce(0, +) == relations.pairs.count,
      vocabulary.counts.allSatisfy({ $0 >= 1 })
    else { return "counts \(vocabulary.counts) for \(relations.count) relations" }
    return problem(withNames: vocabulary)
  }

  /// What is wrong with vectors that read, or nil.
  static func problem(with vectors: KeyedVectors) -> String? {
    guard vectors.values.count == vectors.count * vectors.dimension else { return "shape" }
    for row in 0..<vectors.count {
      let squaredNorm = vectors.vector(row).reduce(0) { $0 + $1 * $1 }
      guard vectors.vector(row).allSatisfy(\.isFinite), squaredNorm < 1 else {
        return "row \(row) is \(Array(vectors.vector(row)))"
      }
    }
    return problem(withNames: vectors.vocabulary)
  }

  static func problem(with database: WordNetDatabase) -> String? {
    let count = database.names.count
    for pairs in [
      database.hypernymPairs, database.instanceHypernymPairs, database.instanceHyponymPairs,
    ] where !pairs.allSatisfy({ $0 >= 0 && Int($0) < count }) {
      return "a synset id out of range"
    }
    if let problem = problem(withNames: database.names) { return problem }
    let closure = TransitiveClosure(wordNet: database)
    for node in 0..<count where closure.ancestors.contains(child: node, parent: NodeID(node)) {
      return "the closure makes synset \(node) its own ancestor"
    }
    return nil
  }

  /// What is wrong with an ontology that reads or with its closures, or nil; a strict closure
  /// may throw a located `InputError`.
  static func problem(with ontology: OBOOntology) throws -> String? {
    let count = ontology.ids.count
    guard ontology.isTerm.count == count, ontology.isObsolete.count == count,
      ontology.names.count == count
    else { return "per-id tables of other lengths than \(count) ids" }
    for edge in ontology.edges {
      guard edge.child >= 0 && Int(edge.child) < count && ontology.isTerm[Int(edge.child)],
        edge.parent >= 0 && Int(edge.parent) < count,
        edge.relation.map({ $0 >= 0 && $0 < ontology.relations.count }) ?? true
      else { return "edge \(edge) out of range" }
    }
    if let problem = problem(withNames: ontology.ids) { return problem }
    for relations in [[], ontology.relations] {
      let (closure, summary) = try TransitiveClosure.closure(of: ontology, following: relations)
      for node in 0..<count where closure.ancestors.contains(child: node, parent: NodeID(node)) {
        return "the closure makes term \(node) its own ancestor"
      }
      for node in 0..<count where closure.ancestors.outDegree(node) > 0 {
        if !ontology.isLiveTerm(node) { return "obsolete or undefined \(node) has ancestors" }
      }
      guard summary.isolatedTermCount >= 0 else { return "summary \(summary)" }
      if let problem = problem(with: ontology.labels(of: closure)) { return problem }
      _ = try TransitiveClosure.closure(of: ontology, following: relations, strict: true)
    }
    return nil
  }

  /// What is wrong with names that read, or nil.
  static func problem(with labels: NodeLabels) -> String? {
    for (id, label) in labels.entries {
      var id = id
      if let problem = id.withUTF8({ NodeName.problem(with: $0) }) {
        return "id '\(id)' was accepted: \(problem.message)"
      }
      if label.unicodeScalars.contains(where: { $0.value < 0x20 }) {
        return "the name of \(id) holds a control character"
      }
    }
    return nil
  }

  private static func problem(withNames vocabulary: Vocabulary) -> String? {
    for node in 0..<vocabulary.count {
      let problem = vocabulary.withNameBytes(of: node) { NodeName.problem(with: $0) }
      if let problem { return "name \(node) was accepted: \(problem.message)" }
    }
    return nil
  }

  // MARK: Checkpoints and training

  private func violation(ofCheckpoint bytes: [UInt8]) -> String? {
    do {
      let checkpoint = try Checkpoint.decode(bytes, path: reader.path)
      if let problem = Self.problem(with: checkpoint.vectors) { return problem }
      try checkpoint.configuration.validate()
      return try resume(checkpoint)
    } catch let error as InputError {
      return locationProblem(error, in: bytes)
    } catch {
      return "threw \(type(of: error)): \(error)"
    }
  }

  /// Resumes a checkpoint of the toy relations for at most one more epoch (when its burn-in is
  /// done or nearly so, so that a forged epoch count cannot make the probe run for hours).
  private func resume(_ checkpoint: Checkpoint) throws -> String? {
    let position = checkpoint.position
    guard checkpoint.configuration.burnInEpochs - position.burnInEpochs <= 1,
      checkpoint.configuration.dimension <= 64, checkpoint.configuration.threadCount <= 2
    else { return nil }
    let trainer: PoincareTrainer
    do {
      trainer = try checkpoint.makeTrainer(
        relations: toyRelations, path: reader.path, epochs: position.epochs + 1)
    } catch is InputError, is ConfigurationError, TrainingError.tooFewNegatives {
      return nil
    }
    return try train(trainer)
  }

  /// Trains relations that read for one burn-in and one training epoch at dimension 2, in the
  /// ball or (for an odd number of relations) on the hyperboloid.
  private func trainOneEpoch(_ relations: Relations) throws -> String? {
    var configuration = TrainingConfiguration()
    configuration.model = relations.count % 2 == 0 ? .poincare : .lorentz
    configuration.dimension = 2
    configuration.negativeCount = 2
    configuration.epochs = 1
    configuration.burnInEpochs = 1
    configuration.batchSize = 3
    let trainer: PoincareTrainer
    do {
      trainer = try PoincareTrainer(relations: relations, configuration: configuration)
    } catch TrainingError.tooFewNegatives {
      return nil
    }
    return try train(trainer)
  }

  private func train(_ trainer: PoincareTrainer) throws -> String? {
    do {
      try trainer.train()
    } catch TrainingError.nonFiniteValue {
      // Allowed: training stops and keeps the last finite table, checked below.
    }
    return Self.problem(with: trainer.vectors)
  }

  // MARK: Helpers

  /// `bytes` with its last 8 bytes replaced by the FNV-1a checksum of the others, as
  /// `Checkpoint.write` computes it.
  static func resealed(_ bytes: [UInt8]) -> [UInt8] {
    guard bytes.count >= 8 else { return bytes }
    var hasher = FNV1a()
    bytes.withUnsafeBytes { hasher.add(UnsafeRawBufferPointer(rebasing: $0[..<(bytes.count - 8)])) }
    var sealed = Array(bytes[..<(bytes.count - 8)])
    for index in 0..<8 { sealed.append(UInt8(truncatingIfNeeded: hasher.value >> (8 * index))) }
    return sealed
  }

  static func firstRange(of needle: [UInt8], in bytes: [UInt8]) -> Range<Int>? {
    guard bytes.count >= needle.count else { return nil }
    for start in 0...(bytes.count - needle.count)
    where bytes[start] == needle[0] && bytes[start..<(start + needle.count)].elementsEqual(needle) {
      return start..<(start + needle.count)
    }
    return nil
  }
}

// MARK: - Seeds

extension ReaderProbe {
  /// Valid inputs of each reader, the starting points of mutation: fixtures of the repository
  /// and files written by the library itself.
  ///
  /// - Parameter scratch: a writable folder for the files the writers produce.
  static func seeds(for reader: Reader, repository: String, scratch: String) throws -> [[UInt8]] {
    func file(_ path: String) throws -> [UInt8] { try InputFile.readAll(path) }
    let toy = try file("\(repository)/data/toy_closure.tsv")
    switch reader {
    case .relationsTSV:
      return [
        toy, try file("\(repository)/data/toy_edges.tsv"),
        Array("a\tb\r\n\"c d\"\t\"e\"\"f\"\n\nb\tc\n\u{FEFF}x\ty".utf8),
        Array("dog\tcanine\ncanine\tdog\n".utf8),
      ]
    case .relationsCSV:
      return [Array("id1,id2,weight\ndog,mammal,1\ncat,mammal,1\nmammal,animal,1\n".utf8)]
    case .word2vecText, .word2vecBinary, .vectors, .checkpoint:
      let relations = try RelationFile.read("\(repository)/data/toy_closure.tsv")
      var configuration = TrainingConfiguration()
      configuration.dimension = 3
      configuration.negativeCount = 3
      configuration.epochs = 2
      configuration.burnInEpochs = 1
      let trainer = try PoincareTrainer(relations: relations, configuration: configuration)
      try trainer.train()
      let path = "\(scratch)/seed-\(getpid())"
      defer { unlink(path) }
      var seeds: [[UInt8]] = []
      if reader != .checkpoint {
        for encoding in reader == .word2vecText
          ? [.text] : reader == .word2vecBinary ? [.binary] : Word2VecFormat.Encoding.allCases
        {
          try Word2VecFormat.write(trainer.vectors, to: path, encoding: encoding)
          seeds.append(try file(path))
        }
        if reader == .word2vecText {
          seeds.append(
            Array("2 3\r\nx -0.022055417 1e-04 0.12345679\r\ny 1E-3 -2.5e-05 0 \r\n".utf8))
        }
      }
      if reader == .checkpoint || reader == .vectors {
        try Checkpoint(trainer).write(to: path)
        seeds.append(try file(path))
        // A checkpoint of the hyperboloid model: rows of dimension + 1 values.
        configuration.model = .lorentz
        let lorentz = try PoincareTrainer(relations: relations, configuration: configuration)
        try lorentz.train()
        try Checkpoint(lorentz).write(to: path)
        seeds.append(try file(path))
      }
      return seeds
    case .wordNet:
      let folder = "\(repository)/Tests/Fixtures/wordnet-mini"
      return [try file("\(folder)/data.noun") + indexSeparator + file("\(folder)/index.noun")]
    case .obo:
      return [
        try file("\(repository)/Tests/Fixtures/obo/mini.obo"),
        Array(
          ("format-version: 1.2\r\n[Term]\r\nid: A:1\r\nname: a\\W\\{b\\} {q=\"}\"}\r\n"
            + "is_a: B:2 {x=\"1\", y=\"\\\"\"} ! b\r\n[Term]\r\nid: B:2\r\n"
            + "relationship: part_of A:1\r\n[Typedef]\r\nid: part_of\r\n").utf8),
      ]
    case .names:
      return [
        Array("MINI:0000001\tanatomical entity\nMINI:0000005\tfinger, with {escapes}!\n".utf8),
        Array("\u{FEFF}a\tx\r\n\nb\tname\twith tab\n".utf8),
      ]
    }
  }
}
