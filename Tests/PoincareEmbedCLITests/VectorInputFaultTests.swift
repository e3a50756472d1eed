import Foundation
import TestSupport
import Testing

/// Hostile vectors files through the built binary: every command that reads vectors (`export`,
/// `query`, `plot`) fails with `Error: path:line: …` (text) or `Error: path: byte offset N: …`
/// (binary, checkpoints), a hint, exit 65, and writes nothing.
@Suite struct VectorInputFaultTests {
  let folder = TemporaryFolder()

  static let cases: [(name: String, bytes: [UInt8], message: String)] = [
    ("rows.txt", Array("3 2\na 0.1 0.2\nb 0.1 0.2\n".utf8), ":4: the header promises 3 rows"),
    ("more.txt", Array("1 2\na 0.1 0.2\nb 0.1 0.2\n".utf8), ":3: the header promises 1 rows"),
    ("short.txt", Array("2 2\na 0.1 0.2\nb 0.1\n".utf8), ":3: expected 2 values, found 1"),
    (
      "long.txt", Array("2 2\na 0.1 0.2 0.3\nb 0.1 0.2\n".utf8), ":2: expected 2 values, found more"
    ),
    ("word.txt", Array("1 2\na 0.1 zero\n".utf8), ":2: value 2 'zero' is not a number"),
    ("nan.txt", Array("1 2\na NaN 0.1\n".utf8), ":2: value 1 is not finite (nan)"),
    ("inf.txt", Array("1 2\na 0.1 -Infinity\n".utf8), ":2: value 2 is not finite (-inf)"),
    ("norm.txt", Array("1 2\na 0.6 0.8\n".utf8), ":2: 'a' has norm 1.0 ≥ 1"),
    ("dup.txt", Array("2 1\na 0.1\na 0.2\n".utf8), ":3: duplicate key 'a' (first on line 2)"),
    ("empty.txt", [], ": the file is empty"),
    (
      "cut.bin", word2vecBinary("2 2\n", [("a", [0.1, 0.2]), ("b", [0.1])]),
      ": byte offset 14: row 2 of 2 is cut short"
    ),
    (
      "nan.bin", word2vecBinary("1 2\n", [("a", [.nan, 0.1])]),
      ": byte offset 6: row 1: value 1 is not finite"
    ),
    (
      "norm.bin", word2vecBinary("1 2\n", [("a", [0.8, 0.8])]),
      ": byte offset 4: row 1: 'a' has norm"
    ),
    (
      "dup.bin", word2vecBinary("2 1\n", [("a", [0.1]), ("a", [0.2])]),
      ": byte offset 10: row 2: duplicate key 'a'"
    ),
  ]

  @Test(arguments: cases.map(\.name))
  func everyReaderOfVectorsNamesTheLineOrByte(name: String) throws {
    let testCase = try #require(Self.cases.first { $0.name == name })
    let input = folder.write(name, bytes: testCase.bytes)
    for command in [
      ["export", input, "-o", folder.file("out.txt")], ["query", input, "a"],
      ["plot", input, "-o", folder.file("disk.svg")],
    ] {
      let result = try runBinary(command)
      #expect(result.status == 65, "\(command[0]) \(name): \(result.errors)")
      #expect(result.errors.hasPrefix("Error: \(input)\(testCase.message)"), "\(result.errors)")
      #expect(result.errors.contains("\nHint: "), "\(result.errors)")
      #expect(result.output.isEmpty)
    }
    #expect(folder.fileNames == [name])
  }

  @Test func truncatedAndDamagedCheckpointsAreLocatedErrors() throws {
    let checkpoint = folder.file("ck.bin")
    let trained = try runBinary([
      "train", "\(repositoryRoot)/data/toy_closure.tsv", "-o", folder.file("v.txt"),
      "--dimension", "2", "--negatives", "3", "--epochs", "1", "--burn-in", "0", "-q",
      "--checkpoint", checkpoint,
    ])
    #expect(trained.status == 0, "\(trained.errors)")
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: checkpoint)))
    let truncated = folder.write("truncated.ckpt", bytes: Array(bytes.prefix(bytes.count - 50)))
    var flipped = bytes
    flipped[bytes.count / 2] ^= 1
    let damaged = folder.write("damaged.ckpt", bytes: flipped)
    for (path, message) in [
      (
        truncated,
        ": byte offset \(bytes.count - 50): the file ends inside the vectors (truncated?)"
      ),
      (damaged, ": checksum mismatch: the file is damaged"),
    ] {
      for command in [
        ["export", path, "-o", folder.file("out.txt")],
        [
          "train", "\(repositoryRoot)/data/toy_closure.tsv", "--resume", path, "-o",
          folder.file("out.txt"),
        ],
      ] {
        let result = try runBinary(command)
        #expect(result.status == 65, "\(command[0]): \(result.errors)")
        #expect(result.errors.hasPrefix("Error: \(path)\(message)\nHint: "), "\(result.errors)")
      }
    }
    #expect(!FileManager.default.fileExists(atPath: folder.file("out.txt")))
  }
}
