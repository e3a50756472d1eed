import Foundation
import TestSupport
import Testing

@testable import PoincareEmbedding

/// Checkpoints that are truncated, damaged or forged: each a located `InputError`, never a
/// trainer started from values no run could have saved.
@Suite struct CheckpointTests {
  let folder = TemporaryFolder()

  func toyRelations() throws -> Relations {
    try RelationFile.read("\(repositoryRoot)/data/toy_closure.tsv")
  }

  /// A checkpoint of two epochs on the toy hierarchy at dimension 3, and its bytes.
  func checkpoint(seed: UInt64 = 0) throws -> (Checkpoint, [UInt8]) {
    var configuration = TrainingConfiguration()
    configuration.seed = seed
    configuration.dimension = 3
    configuration.negativeCount = 3
    configuration.epochs = 2
    configuration.burnInEpochs = 1
    let trainer = try PoincareTrainer(relations: toyRelations(), configuration: configuration)
    try trainer.train()
    let path = folder.file("ck.bin")
    try Checkpoint(trainer).write(to: path)
    return (Checkpoint(trainer), try InputFile.readAll(path))
  }

  func decodeError(_ bytes: [UInt8]) throws -> InputError {
    try #require(throws: InputError.self) { try Checkpoint.decode(bytes, path: "ck") }
  }

  @Test func readsBackWhatItWrote() throws {
    let (written, bytes) = try checkpoint()
    let read = try Checkpoint.decode(bytes, path: "ck")
    #expect(read.configuration == written.configuration)
    #expect(read.position == written.position)
    #expect(read.vectors.values == written.vectors.values)
    #expect(read.vectors.vocabulary.names == written.vectors.vocabulary.names)
    #expect(read.vectors.vocabulary.counts == written.vectors.vocabulary.counts)
  }

  // The largest seed checks that the merge keeps integers beyond 2⁵³ exact.
  @Test(arguments: [0, UInt64.max])
  func aCheckpointFromBeforeTheOptionsBeyondGensimReadsWithTheirDefaults(seed: UInt64) throws {
    let (written, bytes) = try checkpoint(seed: seed)
    // Rewrite the header as version 0.1.0 wrote it: only the configuration keys it had.
    let headerLength = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16
    var header = try #require(
      try JSONSerialization.jsonObject(with: Data(bytes[16..<(16 + headerLength)]))
        as? [String: Any])
    let oldKeys: Set = [
      "dimension", "learningRate", "negativeCount", "epochs", "batchSize", "burnInEpochs",
      "burnInLearningRate", "regularizationCoefficient", "epsilon", "initializationRange", "seed",
      "threadCount",
    ]
    let configuration = try #require(header["configuration"] as? [String: Any])
    header["configuration"] = configuration.filter { oldKeys.contains($0.key) }
    let json = [UInt8](try JSONSerialization.data(withJSONObject: header))
    var old = Array(bytes[0..<12])
    withUnsafeBytes(of: UInt32(json.count).littleEndian) { old += $0 }
    old += json + bytes[(16 + headerLength)...]
    let read = try Checkpoint.decode(ReaderProbe.resealed(old), path: "ck")
    #expect(read.configuration.seed == seed)
    #expect(read.configuration == written.configuration)
    #expect(read.table == written.table)
    _ = try read.makeTrainer(relations: toyRelations(), path: "ck")
  }

  @Test func aJSONTreeEncodesBackTheValuesItDecoded() throws {
    let json = """
      {"a": [null, true, false, -9223372036854775808, 18446744073709551615, 1e-05, 0.1, 1.5e300],
       "b": {"c": "x\\"y\\u00e9", "d": []}, "e": -0.0}
      """
    let tree = try JSONDecoder().decode(JSONTree.self, from: Data(json.utf8))
    let expected = JSONTree.object([
      "a": .array([
        .null, .bool(true), .bool(false), .integer(.min), .unsigned(.max), .number(1e-05),
        .number(0.1), .number(1.5e300),
      ]),
      "b": .object(["c": .string("x\"yé"), "d": .array([])]), "e": .number(-0.0),
    ])
    #expect(tree == expected)
    let again = try JSONDecoder().decode(JSONTree.self, from: JSONEncoder().encode(tree))
    #expect(again == tree)
    guard case .object(let members) = again, case .number(let zero)? = members["e"] else {
      Issue.record("\(again)")
      return
    }
    #expect(zero.sign == .minus)
  }

  @Test func everyTruncationSaysWhereTheFileEnds() throws {
    let (_, bytes) = try checkpoint()
    for length in Array(stride(from: 8, to: bytes.count, by: 7)) + [bytes.count - 1] {
      let error = try decodeError(Array(bytes.prefix(length)))
      #expect(error.location == .byteOffset(length), "\(length): \(error)")
      #expect(error.message.hasPrefix("the file ends inside "), "\(length): \(error)")
      #expect(error.message.hasSuffix(" (truncated?)"))
    }
    #expect(try decodeError(Array(bytes.prefix(5))).message == "not a poincare-embed checkpoint")
  }

  @Test func aChangedByteIsAChecksumMismatch() throws {
    let (_, bytes) = try checkpoint()
    for offset in [20, bytes.count / 2, bytes.count - 20, bytes.count - 1] {
      var damaged = bytes
      damaged[offset] ^= 0x10
      let error = try decodeError(damaged)
      #expect(error.location == .file)
      #expect(error.description == "ck: checksum mismatch: the file is damaged", "\(offset)")
    }
  }

  /// `bytes` with the first occurrence of `old` replaced by `new` (same length) and the
  /// checksum recomputed: a forgery that only field checks can catch.
  func forged(_ bytes: [UInt8], replacing old: String, with new: String) throws -> [UInt8] {
    try #require(old.utf8.count == new.utf8.count)
    let range = try #require(ReaderProbe.firstRange(of: Array(old.utf8), in: bytes))
    var copy = bytes
    copy.replaceSubrange(range, with: Array(new.utf8))
    return ReaderProbe.resealed(copy)
  }

  @Test(arguments: [
    ("\"dimension\":3", "\"dimension\":0", "the header's configuration is invalid: --dimension"),
    ("\"epsilon\":1e-05", "\"epsilon\":2e+00", "the header's configuration is invalid: --epsilon"),
    ("\"burnInEpochs\":1", "\"burnInEpochs\":7", "the header is inconsistent"),
    ("\"round\":0", "\"round\":9", "the header is inconsistent"),
  ])
  func forgedHeadersAreInconsistent(old: String, new: String, message: String) throws {
    let (_, bytes) = try checkpoint()
    let error = try decodeError(try forged(bytes, replacing: old, with: new))
    #expect(error.location == .byteOffset(12))
    #expect(error.message.hasPrefix(message), "\(error)")
  }

  @Test func aForgedPointOutsideTheBallOrNegativeCountIsLocated() throws {
    let (written, bytes) = try checkpoint()
    // The table ends before the hard-negative marker (4 bytes, 0: none) and the checksum.
    let valuesStart = bytes.count - 8 - 4 - 8 * written.vectors.values.count
    var outside = bytes
    let one = Double(1).bitPattern
    for index in 0..<8 {
      outside[valuesStart + 8 + index] = UInt8(truncatingIfNeeded: one >> (8 * index))
    }
    let error = try decodeError(ReaderProbe.resealed(outside))
    #expect(error.location == .byteOffset(valuesStart))
    #expect(error.message.hasPrefix("node 1 is not a point of the ball"), "\(error)")

    let countsStart = valuesStart - 8 * written.vectors.count
    var negative = bytes
    for index in 0..<8 { negative[countsStart + 8 + index] = 0xFF }
    let countError = try decodeError(ReaderProbe.resealed(negative))
    #expect(countError.location == .byteOffset(countsStart + 8))
    #expect(countError.message == "node 2 has count -1")
  }

  @Test func aFormatOneCheckpointWithoutHardNegativesStillReads() throws {
    let (written, bytes) = try checkpoint()
    // Format 1 had no hard-negative marker before the checksum.
    var old = Array(bytes[0..<(bytes.count - 12)]) + bytes[(bytes.count - 8)...]
    old[8] = 1
    let read = try Checkpoint.decode(ReaderProbe.resealed(old), path: "ck")
    #expect(read.table == written.table)
    #expect(read.hardNegatives == nil)
  }

  @Test func savedHardNegativesReadBackAndForgedOnesAreLocated() throws {
    var configuration = TrainingConfiguration(preset: .best)
    configuration.dimension = 3
    configuration.negativeCount = 4
    configuration.hardNegativeCount = 2
    configuration.hardNegativePool = 3
    configuration.epochs = 2
    let relations = try toyRelations()
    let trainer = try PoincareTrainer(relations: relations, configuration: configuration)
    try trainer.train()
    let path = folder.file("hard.ckpt")
    try Checkpoint(trainer).write(to: path)
    let bytes = try InputFile.readAll(path)
    let read = try Checkpoint.decode(bytes, path: "ck")
    let state = try #require(trainer.hardNegativeState)
    #expect(read.hardNegatives == state)
    #expect(state.epoch == 0 && !state.nodes.isEmpty)
    // The last listed node index, just before the checksum, renamed beyond the vocabulary.
    var forged = bytes
    let last = bytes.count - 8 - 4
    withUnsafeBytes(of: UInt32(relations.nodeCount).littleEndian) {
      for index in 0..<4 { forged[last + index] = $0[index] }
    }
    let error = try decodeError(ReaderProbe.resealed(forged))
    #expect(error.location == .byteOffset(last))
    #expect(error.message == "a hard negative names node 15 of 14", "\(error)")
  }

  @Test func aForgedNameCannotResumeOnTheRelations() throws {
    let (_, bytes) = try checkpoint()
    // The fingerprint in the header still matches the toy relations; the names no longer do.
    let renamed = try Checkpoint.decode(
      try forged(bytes, replacing: "sparrow", with: "sparrox"), path: "ck")
    let error = try #require(throws: InputError.self) {
      try renamed.makeTrainer(relations: toyRelations(), path: "ck")
    }
    #expect(error.message.hasPrefix("the checkpoint was written for other relations"))
  }
}
