#if canImport(FoundationEssentials)
  import FoundationEssentials  // JSON coding without the ICU data full Foundation links
#else
  import Foundation
#endif

/// Everything needed to continue a training run exactly where it stopped: the vectors at full
/// precision, the vocabulary and counts, the configuration and the position (epochs done and the
/// next round). Random draws are derived from (seed, epoch, round, worker), so the position is
/// the whole random state.
///
/// File layout (little-endian):
/// ```
/// "POINCKPT"  UInt32 version  UInt32 n  <n bytes of JSON header>
/// per node: UInt32 length, name bytes     (vocabulary order)
/// per node: Int64 count
/// nodeCount × rowLength Float64           (the training table, row-major)
/// UInt32 hard-negative epoch + 1 (0: none) (format 2 on)
///   then, unless 0: nodeCount × UInt32 list lengths, then the lists' UInt32 node indices
/// UInt64 FNV-1a checksum of all preceding bytes
/// ```
public struct Checkpoint: Sendable {
  public static let formatVersion: UInt32 = 2
  static let magic = Array("POINCKPT".utf8)

  public var configuration: TrainingConfiguration
  public var position: TrainingPosition
  /// Relations per round when the checkpoint was written; a run stopped inside an epoch can
  /// only resume with the same round length (the same thread count).
  public var roundLength: Int
  /// Identifies the relations trained on (their count, order and names).
  public var relationsFingerprint: UInt64
  public var relationCount: Int
  /// Node names and counts.
  public var vocabulary: Vocabulary
  /// The training table at full precision (`PoincareTrainer.table`).
  public var table: [Double]
  /// The hard negatives in use (`PoincareTrainer.hardNegativeState`), if any.
  public var hardNegatives: HardNegativeState?

  /// The state of `trainer` now.
  public init(_ trainer: PoincareTrainer) {
    configuration = trainer.configuration
    position = trainer.position
    roundLength = trainer.roundLength
    relationsFingerprint = Self.fingerprint(of: trainer.relations)
    relationCount = trainer.relations.count
    vocabulary = trainer.relations.vocabulary
    table = trainer.table
    hardNegatives = trainer.hardNegativeState
  }

  /// The vectors in Poincaré-ball coordinates, with their keys and counts.
  public var vectors: KeyedVectors {
    PoincareTrainer.ballVectors(
      table: table, stride: configuration.rowLength, vocabulary: vocabulary,
      configuration: configuration)
  }

  /// Writes the checkpoint atomically (temporary file, then rename).
  public func write(to path: String) throws {
    let header = Header(
      configuration: configuration, position: position, roundLength: roundLength,
      relationsFingerprint: String(relationsFingerprint, radix: 16),
      relationCount: relationCount, nodeCount: vocabulary.count)
    let json = try JSONEncoder().encode(header)
    var file = ChecksummedFile()
    Self.magic.withUnsafeBytes { file.append($0) }
    file.append(Self.formatVersion)
    file.append(UInt32(json.count))
    json.withUnsafeBytes { file.append($0) }
    for node in 0..<vocabulary.count {
      vocabulary.withNameBytes(of: node) { name in
        file.append(UInt32(name.count))
        file.append(UnsafeRawBufferPointer(name))
      }
    }
    for count in vocabulary.counts { file.append(Int64(count)) }
    for value in table { file.append(value.bitPattern) }
    file.append(UInt32(hardNegatives.map { $0.epoch + 1 } ?? 0))
    if let hardNegatives {
      for count in hardNegatives.counts { file.append(UInt32(count)) }
      for node in hardNegatives.nodes { file.append(UInt32(node)) }
    }
    try file.write(to: path)
  }

  /// Whether the file at `path` starts like a checkpoint.
  public static func isCheckpoint(_ path: String) -> Bool {
    // `-` names a file here, as everywhere a checkpoint is expected: never read standard input.
    guard path != "-", let start = try? InputFile.readPrefix(path, count: magic.count) else {
      return false
    }
    return isCheckpoint(start)
  }

  /// Whether `bytes` start like a checkpoint.
  static func isCheckpoint(_ bytes: [UInt8]) -> Bool { bytes.starts(with: magic) }

  /// Reads a checkpoint written by `write(to:)`.
  ///
  /// - Throws: `InputError` when the file is missing, not a checkpoint, from a newer format
  ///   version, truncated (naming the byte offset where it ends), corrupted (checksum mismatch),
  ///   or inconsistent (naming the byte offset of the field).
  public static func read(_ path: String) throws -> Checkpoint {
    try decode(InputFile.readAll(path), path: path)
  }

  /// Decodes the bytes of a checkpoint file; `path` names it in errors.
  ///
  /// The structure is read before the checksum is checked, so a file cut short is reported as
  /// such at the offset where it ends; any other damage is a checksum mismatch. A file whose
  /// checksum matches is still checked field by field (configuration, position, names, counts,
  /// norms), since a training run must never start from values no run could have saved.
  static func decode(_ bytes: [UInt8], path: String) throws(InputError) -> Checkpoint {
    guard isCheckpoint(bytes) else {
      throw InputError(
        .malformed, path: path, message: "not a poincare-embed checkpoint",
        hint: "pass a file written by `train --checkpoint`.")
    }
    var reader = ByteReader(bytes: bytes, offset: magic.count)
    guard let version: UInt32 = reader.integer() else {
      throw CheckpointDamage.cutShort(at: bytes.count, what: "the format version").error(path)
    }
    guard version <= formatVersion else {
      throw InputError(
        .malformed, path: path, location: .byteOffset(magic.count),
        message:
          "checkpoint format version \(version) is newer than this tool's (\(formatVersion))",
        hint: "resume with the poincare-embed version that wrote it, or a newer one.")
    }
    let structure = Result<Checkpoint, CheckpointDamage> { () throws(CheckpointDamage) in
      try decodeFields(&reader, version: version)
    }
    let checksumMatches = ChecksummedFile.hasValidChecksum(bytes)
    switch structure {
    case .success(let checkpoint) where checksumMatches:
      return checkpoint
    case .failure(let damage) where checksumMatches || damage.isCutShort:
      throw damage.error(path)
    default:
      throw InputError(
        .malformed, path: path, message: "checksum mismatch: the file is damaged",
        hint: CheckpointDamage.hint)
    }
  }

  /// Reads and checks every field after the format version; the checksum is the caller's.
  private static func decodeFields(_ reader: inout ByteReader, version: UInt32)
    throws(CheckpointDamage) -> Checkpoint
  {
    let headerStart = reader.offset
    guard let headerLength: UInt32 = reader.integer() else {
      throw .cutShort(at: reader.bytes.count, what: "the header")
    }
    guard let json = reader.bytes(Int(headerLength)) else {
      throw .cutShort(at: reader.bytes.count, what: "the header")
    }
    guard let header = decodeHeader(json) else {
      throw .inconsistent(at: headerStart, "the header cannot be read")
    }
    let configuration = header.configuration
    let rowLength = configuration.rowLength
    do {
      try configuration.validate()
    } catch {
      throw .inconsistent(at: headerStart, "the header's configuration is invalid: \(error)")
    }
    let position = header.position
    let relationCount = header.relationCount
    guard header.nodeCount >= 0, relationCount >= 0, header.roundLength >= 1,
      position.burnInEpochs >= 0, position.epochs >= 0, position.round >= 0,
      position.burnInEpochs <= configuration.burnInEpochs,
      position.burnInEpochs == configuration.burnInEpochs || position.epochs == 0,
      position.epochs <= Int(Int32.max),
      position.round == 0 || position.round < relationCount / header.roundLength + 1,
      !header.nodeCount.multipliedReportingOverflow(by: rowLength * 8).overflow,
      let fingerprint = UInt64(header.relationsFingerprint, radix: 16)
    else { throw .inconsistent(at: headerStart, "the header is inconsistent") }

    var vocabulary = Vocabulary()
    for node in 0..<header.nodeCount {
      let start = reader.offset
      guard let length: UInt32 = reader.integer(), let name = reader.bytes(Int(length)) else {
        throw .cutShort(at: reader.bytes.count, what: "the vocabulary")
      }
      let problem = name.withUnsafeBufferPointer { name -> String? in
        if let problem = NodeName.problem(with: name) { return problem.message }
        return vocabulary.intern(name).isNew ? nil : "repeats a name"
      }
      if let problem { throw .inconsistent(at: start, "node \(node + 1) \(problem)") }
    }
    var counts: [Int] = []
    // Never more than the bytes left can hold: the node count comes from the file.
    counts.reserveCapacity(min(header.nodeCount, (reader.bytes.count - reader.offset) / 8))
    for node in 0..<header.nodeCount {
      let start = reader.offset
      guard let count: Int64 = reader.integer() else {
        throw .cutShort(at: reader.bytes.count, what: "the counts")
      }
      guard count >= 0 else {
        throw .inconsistent(at: start, "node \(node + 1) has count \(count)")
      }
      counts.append(Int(count))
    }
    vocabulary.setCounts(counts)
    let valuesSize = header.nodeCount * rowLength * 8
    let (tableEnd, overflow) = reader.offset.addingReportingOverflow(valuesSize)
    guard !overflow, reader.bytes.count >= tableEnd + 8 else {
      throw .cutShort(at: reader.bytes.count, what: "the vectors")
    }
    let tableStart = reader.offset
    var table: [Double] = []
    table.reserveCapacity(header.nodeCount * rowLength)
    for _ in 0..<(header.nodeCount * rowLength) {
      table.append(Double(bitPattern: reader.integer()!))
    }
    let hardNegatives = try decodeHardNegatives(
      &reader, version: version, nodeCount: header.nodeCount, configuration: configuration,
      position: position)
    guard reader.bytes.count - 8 >= reader.offset else {
      throw .cutShort(at: reader.bytes.count, what: "the checksum")
    }
    guard reader.bytes.count - 8 == reader.offset else {
      throw .inconsistent(at: reader.offset + 8, "unexpected bytes after the checksum")
    }
    // Every row must be a point: finite, x₀ ≥ 1 on the hyperboloid, and inside the ball once
    // mapped there (the coordinates queries and files use).
    let vectors = PoincareTrainer.ballVectors(
      table: table, stride: rowLength, vocabulary: vocabulary, configuration: configuration)
    for node in 0..<header.nodeCount {
      let row = table[(node * rowLength)..<((node + 1) * rowLength)]
      let squaredNorm = vectors.vector(node).reduce(0) { $0 + $1 * $1 }
      guard row.allSatisfy({ $0.isFinite }), squaredNorm < 1,
        configuration.model != .lorentz || row.first! >= 1
      else {
        throw .inconsistent(
          at: tableStart + node * rowLength * 8, "node \(node + 1) is not a point of the ball")
      }
    }
    return Checkpoint(
      configuration: configuration, position: position, roundLength: header.roundLength,
      relationsFingerprint: fingerprint, relationCount: relationCount, vocabulary: vocabulary,
      table: table, hardNegatives: hardNegatives)
  }

  /// The hard-negative section (format 2 on): its epoch, list lengths and node indices, each
  /// within what this configuration and vocabulary allow.
  private static func decodeHardNegatives(
    _ reader: inout ByteReader, version: UInt32, nodeCount: Int,
    configuration: TrainingConfiguration, position: TrainingPosition
  ) throws(CheckpointDamage) -> HardNegativeState? {
    guard version >= 2 else { return nil }
    let start = reader.offset
    guard let marker: UInt32 = reader.integer() else {
      throw .cutShort(at: reader.bytes.count, what: "the hard negatives")
    }
    guard marker > 0 else { return nil }
    guard configuration.hardNegativeCount > 0, Int(marker) - 1 <= position.epochs else {
      throw .inconsistent(at: start, "hard negatives that this run does not draw")
    }
    // The lists end 8 bytes (the checksum) before the file does.
    func ensure(_ size: Int, _ reader: ByteReader) throws(CheckpointDamage) {
      let (end, overflow) = reader.offset.addingReportingOverflow(size)
      guard !overflow, end <= reader.bytes.count - 8 else {
        throw .cutShort(at: reader.bytes.count, what: "the hard negatives")
      }
    }
    try ensure(4 * nodeCount, reader)
    var counts: [Int32] = []
    counts.reserveCapacity(nodeCount)
    var total = 0
    for node in 0..<nodeCount {
      let offset = reader.offset
      guard let count: UInt32 = reader.integer() else {
        throw .cutShort(at: reader.bytes.count, what: "the hard negatives")
      }
      guard count <= UInt32(configuration.hardNegativePool) else {
        throw .inconsistent(at: offset, "node \(node + 1) lists \(count) hard negatives")
      }
      counts.append(Int32(count))
      total += Int(count)
    }
    try ensure(4 * total, reader)
    var nodes: [NodeID] = []
    nodes.reserveCapacity(total)
    for _ in 0..<total {
      let offset = reader.offset
      guard let node: UInt32 = reader.integer() else {
        throw .cutShort(at: reader.bytes.count, what: "the hard negatives")
      }
      guard node < UInt32(nodeCount) else {
        throw .inconsistent(at: offset, "a hard negative names node \(node + 1) of \(nodeCount)")
      }
      nodes.append(NodeID(node))
    }
    return HardNegativeState(epoch: Int(marker) - 1, counts: counts, nodes: nodes)
  }

  private init(
    configuration: TrainingConfiguration, position: TrainingPosition, roundLength: Int,
    relationsFingerprint: UInt64, relationCount: Int, vocabulary: Vocabulary, table: [Double],
    hardNegatives: HardNegativeState?
  ) {
    self.configuration = configuration
    self.position = position
    self.roundLength = roundLength
    self.relationsFingerprint = relationsFingerprint
    self.relationCount = relationCount
    self.vocabulary = vocabulary
    self.table = table
    self.hardNegatives = hardNegatives
  }

  /// The JSON header, also of checkpoints written before a configuration option existed: a
  /// missing option takes its default, which is what the version that wrote the file did
  /// (every option added since reproduces gensim by default).
  private static func decodeHeader(_ json: [UInt8]) -> Header? {
    let decoder = JSONDecoder()
    if let header = try? decoder.decode(Header.self, from: Data(json)) { return header }
    guard var header = try? decoder.decode([String: JSONTree].self, from: Data(json)),
      case .object(let stored)? = header["configuration"],
      let defaultsJSON = try? JSONEncoder().encode(TrainingConfiguration()),
      case .object(let defaults)? = try? decoder.decode(JSONTree.self, from: defaultsJSON)
    else { return nil }
    header["configuration"] = .object(defaults.merging(stored) { _, stored in stored })
    guard let merged = try? JSONEncoder().encode(header) else { return nil }
    return try? decoder.decode(Header.self, from: merged)
  }

  /// A trainer that continues this checkpoint on `relations`, which must be the relations it
  /// was trained on.
  ///
  /// - Parameters:
  ///   - epochs: a new number of training epochs (to train longer), or nil to keep it.
  ///   - threadCount: a new thread count, or nil to keep it. A run stopped inside an epoch must
  ///     resume with the same thread count.
  /// - Throws: `InputError` when the relations differ from the checkpoint's;
  ///   `ConfigurationError` when a run stopped inside an epoch resumes with another thread count.
  public func makeTrainer(
    relations: Relations, path: String, epochs: Int? = nil, threadCount: Int? = nil
  ) throws -> PoincareTrainer {
    guard relations.count == relationCount,
      Self.fingerprint(of: relations) == relationsFingerprint,
      hasTheNodes(of: relations.vocabulary)
    else {
      throw InputError(
        .malformed, path: path,
        message: "the checkpoint was written for other relations (\(relationCount) relations, "
          + "fingerprint \(String(relationsFingerprint, radix: 16)))",
        hint: "resume with the relations file the checkpoint was trained on.")
    }
    var configuration = self.configuration
    if let epochs { configuration.epochs = epochs }
    if let threadCount { configuration.threadCount = threadCount }
    let trainer = try PoincareTrainer(
      relations: relations, configuration: configuration, table: table, position: position)
    if let hardNegatives { try trainer.restore(hardNegatives) }
    if position.round > 0 && trainer.roundLength != roundLength {
      throw ConfigurationError(
        "\(path) was saved inside an epoch with --threads \(self.configuration.threadCount); "
          + "resume with the same --threads")
    }
    return trainer
  }

  /// Whether the checkpoint's nodes are `vocabulary`'s, in its order: a fingerprint match
  /// implies it unless the file was forged, and training relies on it.
  private func hasTheNodes(of vocabulary: Vocabulary) -> Bool {
    self.vocabulary.count == vocabulary.count
      && (0..<vocabulary.count).allSatisfy { node in
        vocabulary.withNameBytes(of: node) { name in
          self.vocabulary.withNameBytes(of: node) { $0.elementsEqual(name) }
        }
      }
  }

  /// FNV-1a over the relation count, the pairs and the names in index order.
  static func fingerprint(of relations: Relations) -> UInt64 {
    var hasher = FNV1a()
    relations.pairs.withUnsafeBytes { hasher.add($0) }
    for node in 0..<relations.nodeCount {
      relations.vocabulary.withNameBytes(of: node) { hasher.add(UnsafeRawBufferPointer($0)) }
      hasher.add(byte: 0)
    }
    return hasher.value
  }

  private struct Header: Codable {
    var configuration: TrainingConfiguration
    var position: TrainingPosition
    var roundLength: Int
    var relationsFingerprint: String
    var relationCount: Int
    var nodeCount: Int
  }
}

/// What is wrong with a checkpoint's fields, before the checksum decides how to report it.
private enum CheckpointDamage: Error {
  /// The file ends (at byte `offset`) inside `what`.
  case cutShort(at: Int, what: String)
  /// A field at byte `offset` holds a value no run writes.
  case inconsistent(at: Int, String)

  static let hint =
    "the checkpoint may be truncated or damaged; use an earlier one or start again."

  var isCutShort: Bool {
    if case .cutShort = self { return true }
    return false
  }

  func error(_ path: String) -> InputError {
    switch self {
    case .cutShort(let offset, let what):
      return InputError(
        .malformed, path: path, location: .byteOffset(offset),
        message: "the file ends inside \(what) (truncated?)", hint: Self.hint)
    case .inconsistent(let offset, let message):
      return InputError(
        .malformed, path: path, location: .byteOffset(offset), message: message, hint: Self.hint)
    }
  }
}

/// Reads little-endian integers and byte runs from a byte array, returning nil past the end.
private struct ByteReader {
  let bytes: [UInt8]
  var offset: Int

  mutating func integer<T: FixedWidthInteger>() -> T? {
    let size = MemoryLayout<T>.size
    guard offset + size <= bytes.count else { return nil }
    var value: T = 0
    for index in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + index]) << (8 * index) }
    offset += size
    return value
  }

  mutating func bytes(_ count: Int) -> [UInt8]? {
    guard count >= 0, offset + count <= bytes.count else { return nil }
    defer { offset += count }
    return Array(bytes[offset..<(offset + count)])
  }
}

