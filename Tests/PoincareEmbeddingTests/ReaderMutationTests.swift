import TestSupport
import Testing

@testable import PoincareEmbedding

/// Seeded fuzzing of every reader: thousands of mutated valid inputs each, and every one must
/// read into something valid or fail with a located `InputError` (see `ReaderProbe`). The same
/// probes run under libFuzzer for longer in `fuzz/` (`scripts/fuzz`).
@Suite struct ReaderMutationTests {
  let folder = TemporaryFolder()

  /// Mutated inputs per reader; enough to reach each reader's error paths, few enough for a
  /// debug build to run them all in seconds.
  static let inputsPerReader = 3_000

  @Test(.timeLimit(.minutes(2)), arguments: ReaderProbe.Reader.allCases)
  func mutatedInputsReadOrFailWithALocatedError(reader: ReaderProbe.Reader) throws {
    let probe = try ReaderProbe(reader, repository: repositoryRoot)
    let seeds = try ReaderProbe.seeds(for: reader, repository: repositoryRoot, scratch: folder.path)
    for seed in seeds {
      #expect(probe.violation(seed) == nil, "a seed of \(reader) is not clean")
    }
    var mutator = ByteMutator(
      seed: 0x5EED, stream: UInt64(ReaderProbe.Reader.allCases.firstIndex(of: reader)!))
    var accepted = 0
    for index in 0..<Self.inputsPerReader {
      let base = seeds[index % seeds.count]
      let input = mutator.mutate(base, splicingWith: seeds[(index / seeds.count) % seeds.count])
      if let violation = probe.violation(input) {
        Issue.record("\(reader) input \(index) \(escaped(input)): \(violation)")
      } else if (try? readsCleanly(input, probe: probe)) == true {
        accepted += 1
      }
    }
    // Both outcomes must be common, or the mutations exercise only one side of the readers.
    #expect(accepted > Self.inputsPerReader / 100, "\(reader): \(accepted) accepted")
    #expect(accepted < Self.inputsPerReader * 99 / 100, "\(reader): \(accepted) accepted")
  }

  /// Whether the input reads without an error (given that it keeps the promise).
  private func readsCleanly(_ input: [UInt8], probe: ReaderProbe) throws -> Bool {
    switch probe.reader {
    case .relationsTSV, .relationsCSV:
      let format = RelationFile.Format.forPath(probe.reader.path)
      _ = try input.withUnsafeBytes {
        try RelationFile.read(bytes: $0, path: probe.reader.path, format: format)
      }
    case .word2vecText, .word2vecBinary, .vectors:
      _ = try VectorsInput.decode(input, path: probe.reader.path)
    case .checkpoint:
      _ = try Checkpoint.decode(ReaderProbe.resealed(input), path: probe.reader.path)
    case .wordNet:
      let split = ReaderProbe.firstRange(of: ReaderProbe.indexSeparator, in: input)
      guard let split else { return false }
      _ = try WordNetDatabase(
        partOfSpeech: .noun, dataPath: "d", data: Array(input[..<split.lowerBound]),
        indexPath: "i", index: Array(input[split.upperBound...]))
    case .obo:
      _ = try input.withUnsafeBytes { try OBOOntology(bytes: $0, path: probe.reader.path) }
    case .names:
      _ = try input.withUnsafeBytes { try NodeLabels.read(bytes: $0, path: probe.reader.path) }
    }
    return true
  }

  /// The input as a Swift string literal's body, to paste into a regression test.
  private func escaped(_ bytes: [UInt8]) -> String {
    var text = "\""
    for byte in bytes.prefix(400) {
      switch byte {
      case 0x0A: text += "\\n"
      case 0x09: text += "\\t"
      case 0x0D: text += "\\r"
      case 0x22: text += "\\\""
      case 0x5C: text += "\\\\"
      case 0x20..<0x7F: text += String(UnicodeScalar(byte))
      default: text += "\\u{\(String(byte, radix: 16))}"
      }
    }
    return text + (bytes.count > 400 ? "…\" (\(bytes.count) bytes)" : "\"")
  }
}

/// Regressions found by the mutation tests and the fuzzers, each once a crash.
@Suite struct ReaderRegressionTests {
  @Test(arguments: [
    // A row count times dimension that overflows Int trapped when reserving room.
    (
      "99999999999 99999999999\na 0.1\n", Word2VecFormat.Encoding.text,
      "2: expected 99999999999 values, found 1"
    ),
    // A plausible-looking header asked for 8 TB before reading a row.
    ("1000000000 1000\na 0.1\n", .text, "2: expected 1000 values, found 1"),
    ("1000000000 1000\na 0.1\n", .binary, " byte offset 16: row 1 of 1000000000 is cut short"),
    // 4 × dimension overflowed when sizing a binary row.
    ("1 4611686018427387904\na 0.1\n", .binary, " byte offset 22: row 1 of 1 is cut short"),
  ])
  func absurdHeadersAreLocatedErrors(
    text: String, encoding: Word2VecFormat.Encoding, message: String
  ) throws {
    let error = try #require(throws: InputError.self) {
      try Word2VecFormat.parse(Array(text.utf8), path: "v", encoding: encoding)
    }
    #expect(error.kind == .malformed)
    #expect(error.description.hasPrefix("v:" + message), "\(error)")
  }
}

extension ReaderRegressionTests {
  /// A text file whose first row holds `NaN`, `inf` or a word used to be re-read as binary
  /// (its characters taken for float32 bytes: `NaN 0.1\n` is two tiny floats) and accepted.
  @Test(arguments: [
    ("1 2\na NaN 0.1\n", "value 1 is not finite (nan)"),
    ("1 2\na 0.1 inf\n", "value 2 is not finite (inf)"),
    ("1 2\na 0.1 0.1x\n", "value 2 '0.1x' is not a number"),
    ("1 2\na 0.10 abc\n", "value 2 'abc' is not a number"),
  ])
  func aBadFirstTextRowIsNotReadAsBinary(text: String, message: String) throws {
    let error = try #require(throws: InputError.self) {
      try Word2VecFormat.parse(Array(text.utf8), path: "v.txt", encoding: nil)
    }
    #expect(error.location == .line(2))
    #expect(error.message == message)
  }
}
