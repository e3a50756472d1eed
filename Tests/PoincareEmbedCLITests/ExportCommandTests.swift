import Foundation
import TestSupport
import Testing

@testable import poincare_embed

@Suite struct ExportCommandTests {
  let folder = TemporaryFolder()

  func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

  @Test func helpTextIsExact() {
    let result = runInProcess(["export", "--help"])
    #expect(result.status == 0 && result.errors.isEmpty)
    #expect(
      result.output == """
        OVERVIEW: Write an embedding in another file format.

        Reads <input> and writes the same nodes and coordinates to --output, atomically:
        an existing file is replaced only once the new one is complete. Rows come in the
        order of gensim's save_word2vec_format: descending count, which for a vectors
        file is the order they are in, and for a checkpoint the counts of the training
        relations. The TSV layout suits spreadsheets, pandas and TensorBoard's Embedding
        Projector (cut -f 2- gives its vectors file, cut -f 1 its labels).

        USAGE: poincare-embed export <input> [--output <file>] [--format <format>]

        ARGUMENTS:
          <input>                 Vectors file (word2vec text or binary, as gensim's
                                  save_word2vec_format writes) or a checkpoint written
                                  by train --checkpoint.

        OPTIONS:
          -o, --output <file>     Where to write (required; - for standard output).
          --format <format>       word2vec (gensim's text format, every digit kept),
                                  word2vec-binary (gensim's binary format: float32,
                                  about 7 significant digits) or tsv
                                  (key<TAB>v1<TAB>...<TAB>vd, one node a line, no
                                  header, every digit kept). (default: from the
                                  extension of <file>: .bin is word2vec-binary, .tsv is
                                  tsv, anything else word2vec)
          -h, --help              Show help information.

        """)
  }

  @Test func binaryToTextToBinaryGivesGensimsFileBackByteForByte() throws {
    let text = folder.file("v.txt")
    let binary = folder.file("again.bin")
    #expect(runInProcess(["export", gensimFixture, "-o", text]).status == 0)
    #expect(try String(contentsOfFile: text, encoding: .utf8).hasPrefix("1182 10\nmammal.n.01 "))
    let result = runInProcess(["export", text, "-o", binary])  // format from the extension
    #expect(result.status == 0 && result.output.isEmpty && result.errors.isEmpty)
    #expect(try bytes(binary) == bytes(gensimFixture))
  }

  @Test func textRoundTripKeepsEveryDigit() throws {
    let source = folder.write(
      "source.txt", "3 2\nb 8.976636599379367e-05 1e-05\nc 0.5 -3e-07\na 0.1 -0.2\n")
    let copy = folder.file("copy.w2v")
    #expect(runInProcess(["export", source, "-o", copy, "--format", "word2vec"]).status == 0)
    #expect(try bytes(copy) == bytes(source))
    let tsv = folder.file("v.tsv")
    #expect(runInProcess(["export", source, "-o", tsv]).status == 0)
    #expect(
      try String(contentsOfFile: tsv, encoding: .utf8)
        == "b\t8.976636599379367e-05\t1e-05\nc\t0.5\t-3e-07\na\t0.1\t-0.2\n")
    let forced = runInProcess(["export", source, "-o", folder.file("v.out"), "--format=tsv"])
    #expect(forced.status == 0)
    #expect(try bytes(folder.file("v.out")) == bytes(tsv))
  }

  @Test func dashWritesToStandardOutput() throws {
    let result = try runBinary(["export", gensimFixture, "-o", "-", "--format", "tsv"])
    #expect(result.status == 0 && result.errors.isEmpty)
    let lines = result.output.split(separator: "\n")
    #expect(lines.count == 1182)
    #expect(lines[0].hasPrefix("mammal.n.01\t-0.02205541729927063\t"))
  }

  @Test func errorsAndExitStatuses() throws {
    let missingOutput = runInProcess(["export", gensimFixture])
    #expect(missingOutput.status == 64)
    #expect(missingOutput.errors.hasPrefix("Error: Missing expected argument '--output <file>'\n"))
    let badFormat = runInProcess(["export", gensimFixture, "-o", "x", "--format", "csv"])
    #expect(badFormat.status == 64)
    #expect(
      badFormat.errors.hasPrefix("Error: The value 'csv' is invalid for '--format <format>'\n"))

    let truncated = folder.write("short.txt", "3 2\na 0.1 0.2\n")
    let malformed = try runBinary(["export", truncated, "-o", folder.file("out.txt")])
    #expect(malformed.status == 65 && malformed.output.isEmpty)
    #expect(malformed.errors.hasPrefix("Error: \(truncated):3: the header promises 3 rows"))
    #expect(malformed.errors.contains("\nHint: "))
    let missing = try runBinary(["export", folder.file("none.txt"), "-o", folder.file("out.txt")])
    #expect(missing.status == 66)
    let cannotCreate = try runBinary(["export", gensimFixture, "-o", folder.file("no/out.txt")])
    #expect(cannotCreate.status == 73)
    #expect(cannotCreate.errors.hasPrefix("Error: \(folder.file("no/out.txt")): cannot create"))
    #expect(folder.fileNames == ["short.txt"])
  }

  @Test func aFailedExportLeavesTheExistingFileUntouched() throws {
    let existing = folder.write("keep.txt", "precious\n")
    let bad = folder.write("bad.txt", "1 2\na 0.9 0.9\n")
    #expect(runInProcess(["export", bad, "-o", existing]).status == 65)
    #expect(try String(contentsOfFile: existing, encoding: .utf8) == "precious\n")
  }
}
