import Foundation

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
/// UInt64 FNV-1a checksum of all preceding bytes
/// ```
public struct Checkpoint: Sendable {
  public static let formatVersion: UInt32 = 1
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

  /// The state of `trainer` now.
  public init(_ trainer: PoincareTrainer) {
    configuration = trainer.configuration
    position = trainer.position
    roundLength = trainer.roundLength
    relationsFingerprint = Self.fingerprint(of: trainer.relations)
    relationCount = trainer.relations.count
    vocabulary = trainer.relations.vocabulary
    table = trainer.table
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
    try AtomicFileWriter.write(to: path) { output in
      var hasher = FNV1a()
      func emit(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.add(bytes)
        try output.write(bytes: bytes)
      }
      func emit<T: FixedWidthInteger>(_ value: T) throws {
        var little = value.littleEndian
        try withUnsafeBytes(of: &little) { try emit($0) }
      }
      try Self.magic.withUnsafeBytes { try emit($0) }
      try emit(Self.formatVersion)
      try emit(UInt32(json.count))
      try json.withUnsafeBytes { try emit($0) }
      for node in 0..<vocabulary.count {
        try vocabulary.withNameBytes(of: node) { name in
          try emit(UInt32(name.count))
          try emit(UnsafeRawBufferPointer(name))
        }
      }
      for count in vocabulary.counts { try emit(Int64(count)) }
      for value in table { try emit(value.bitPattern) }
      var checksum = hasher.value.littleEndian
      try withUnsafeBytes(of: &checksum) { try output.write(bytes: $0) }
    }
  }

  /// Whether the file at `path` starts like a checkpoint.
  public static func isCheckpoint(_ path: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    let start = (try? handle.read(upToCount: magic.count)) ?? Data()
    return Array(start) == magic
  }

  /// Reads a checkpoint written by `write(to:)`.
  ///
  /// - Throws: `InputError` when the file is missing, not a checkpoint, from a newer format
  ///   version, truncated or corrupted (checksum mismatch).
  public static func read(_ path: String) throws -> Checkpoint {
    let bytes = try InputFile.readAll(path)
    func corrupt(_ message: String) -> InputError {
      InputError(
        .malformed, path: path, message: message,
        hint: "the checkpoint may be truncated or damaged; use an earlier one or start again.")
    }
    guard bytes.count >= magic.count + 8, Array(bytes[0..<magic.count]) == magic else {
      throw InputError(
        .malformed, path: path, message: "not a poincare-embed checkpoint",
        hint: "pass a file written by `train --checkpoint`.")
    }
    var reader = ByteReader(bytes: bytes, offset: magic.count)
    let version: UInt32 = try reader.integer() ?? { throw corrupt("the file ends early") }()
    guard version <= formatVersion else {
      throw InputError(
        .malformed, path: path,
        message: "checkpoint format version \(version) is newer than this tool's (\(formatVersion))",
        hint: "resume with the poincare-embed version that wrote it, or a newer one.")
    }
    guard bytes.count >= 8 + magic.count + 8 else { throw corrupt("the file ends early") }
    var hasher = FNV1a()
    bytes.withUnsafeBytes { hasher.add(UnsafeRawBufferPointer(rebasing: $0[0..<(bytes.count - 8)])) }
    var stored: UInt64 = 0
    for index in 0..<8 { stored |= UInt64(bytes[bytes.count - 8 + index]) << (8 * index) }
    guard stored == hasher.value else { throw corrupt("checksum mismatch: the file is damaged") }

    guard let headerLength: UInt32 = reader.integer(),
      let json = reader.bytes(Int(headerLength)),
      let header = try? JSONDecoder().decode(Header.self, from: Data(json))
    else { throw corrupt("the header cannot be read") }
    let rowLength = header.configuration.rowLength
    guard header.nodeCount >= 0, rowLength >= 1 else { throw corrupt("the header is inconsistent") }
    var vocabulary = Vocabulary()
    for _ in 0..<header.nodeCount {
      guard let length: UInt32 = reader.integer(), let name = reader.bytes(Int(length)) else {
        throw corrupt("the vocabulary is cut short")
      }
      let isNew = name.withUnsafeBufferPointer { vocabulary.intern($0).isNew }
      guard isNew else { throw corrupt("the vocabulary repeats a name") }
    }
    var counts: [Int] = []
    for _ in 0..<header.nodeCount {
      guard let count: Int64 = reader.integer() else { throw corrupt("the counts are cut short") }
      counts.append(Int(count))
    }
    vocabulary.setCounts(counts)
    var values: [Double] = []
    values.reserveCapacity(header.nodeCount * rowLength)
    for _ in 0..<(header.nodeCount * rowLength) {
      guard let bits: UInt64 = reader.integer() else { throw corrupt("the vectors are cut short") }
      let value = Double(bitPattern: bits)
      guard value.isFinite else { throw corrupt("the vectors hold a non-finite value") }
      values.append(value)
    }
    guard reader.offset == bytes.count - 8 else { throw corrupt("unexpected bytes after the vectors") }
    guard let fingerprint = UInt64(header.relationsFingerprint, radix: 16) else {
      throw corrupt("the header is inconsistent")
    }
    return Checkpoint(
      configuration: header.configuration, position: header.position,
      roundLength: header.roundLength, relationsFingerprint: fingerprint,
      relationCount: header.relationCount, vocabulary: vocabulary, table: values)
  }

  private init(
    configuration: TrainingConfiguration, position: TrainingPosition, roundLength: Int,
    relationsFingerprint: UInt64, relationCount: Int, vocabulary: Vocabulary, table: [Double]
  ) {
    self.configuration = configuration
    self.position = position
    self.roundLength = roundLength
    self.relationsFingerprint = relationsFingerprint
    self.relationCount = relationCount
    self.vocabulary = vocabulary
    self.table = table
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
      Self.fingerprint(of: relations) == relationsFingerprint
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
    if position.round > 0 && trainer.roundLength != roundLength {
      throw ConfigurationError(
        "\(path) was saved inside an epoch with --threads \(self.configuration.threadCount); "
          + "resume with the same --threads")
    }
    return trainer
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

/// 64-bit FNV-1a, for checksums and fingerprints (not for security).
struct FNV1a {
  private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

  mutating func add(_ bytes: UnsafeRawBufferPointer) {
    for byte in bytes { add(byte: byte) }
  }

  @inline(__always)
  mutating func add(byte: UInt8) {
    value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
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

