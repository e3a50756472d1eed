import Foundation
import Testing
import TestSupport

@Suite struct TrainCommandTests {
  let folder = TemporaryFolder()

  var toy: String { "\(repositoryRoot)/data/toy_closure.tsv" }

  @Test func trainsTheToyAndWritesTheDefaultOutputName() throws {
    let input = folder.path + "/toy.tsv"
    try FileManager.default.copyItem(atPath: toy, toPath: input)
    let result = try runBinary([
      "train", input, "--dimension", "3", "--negatives", "4", "--epochs", "5", "--burn-in", "1",
      "--threads", "1",
    ])
    #expect(result.status == 0, "\(result.errors)")
    #expect(result.output.isEmpty)
    #expect(result.errors.contains("epoch 5/5"))
    #expect(result.errors.contains("wrote \(folder.path)/toy.txt"))
    let text = try String(contentsOfFile: folder.path + "/toy.txt", encoding: .utf8)
    #expect(text.hasPrefix("14 3\n"))
    #expect(text.split(separator: "\n").count == 15)
    #expect(folder.fileNames == ["toy.tsv", "toy.txt"])
  }

  @Test func gensimTrainsOnOneThreadAndBestOnTheCoresUpToTwoUnlessTold() throws {
    let best = [
      "--preset", "best", "--dimension", "3", "--negatives", "4", "--hard-negatives", "2",
    ]
    let cores = min(ProcessInfo.processInfo.activeProcessorCount, 2)
    for (options, threads) in [
      ([], 1), (best, cores), (best + ["--threads", "1"], 1), (["--threads", "2"], 2),
    ] {
      let result = try runBinary(
        ["train", toy, "-o", folder.file("v.txt"), "--epochs", "1"] + options)
      #expect(result.status == 0, "\(result.errors)")
      #expect(
        result.errors.contains(" on \(threads) thread\(threads == 1 ? "" : "s") in "),
        "\(result.errors)")
    }
  }

  @Test func quietPrintsNothingAndBinaryOutputFollowsTheName() throws {
    let result = try runBinary([
      "train", toy, "-o", folder.file("v.bin"), "--dimension", "2", "--negatives", "3",
      "--epochs", "1", "--burn-in", "0", "-q",
    ])
    #expect(result.status == 0 && result.output.isEmpty && result.errors.isEmpty, "\(result.errors)")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: folder.file("v.bin")))
    // Header, then 14 rows of key, space and two float32 values.
    #expect(bytes.starts(with: Array("14 2\n".utf8)))
  }

  /// More local negatives than negatives would overrun a relation's negative slots: refused
  /// before training (exit 64), nothing written. (Found by ReaderMutationTests under
  /// AddressSanitizer through a mutated checkpoint.)
  @Test func moreLocalNegativesThanNegativesIsRefused() {
    let result = runInProcess([
      "train", toy, "-o", folder.file("out.txt"), "--negatives", "3", "--local-negatives", "4",
    ])
    #expect(result.status == 64)
    #expect(
      result.errors.contains("--local-negatives must be between 0 and --negatives (3); got 4"),
      "\(result.errors)")
    #expect(!FileManager.default.fileExists(atPath: folder.file("out.txt")))
  }

  /// `train --eval` prints the same report `eval` gives for the written file (text output is
  /// float64 shortest round-trip, so the vectors read back are the trained ones).
  @Test func evalPrintsTheReportOfTheWrittenVectors() throws {
    let output = folder.file("v.txt")
    let trained = runInProcess([
      "train", toy, "-o", output, "--dimension", "3", "--negatives", "4", "--epochs", "5",
      "--burn-in", "1", "--threads", "1", "--eval", "-q",
    ])
    #expect(trained.status == 0 && trained.errors.isEmpty, "\(trained.errors)")
    let evaluated = runInProcess(["eval", output, toy])
    #expect(evaluated.status == 0)
    let table = { (text: String) in text.split(separator: "\n").dropLast(2) }
    #expect(trained.output.hasPrefix("Reconstruction of \(toy) (31 relations)"))
    #expect(table(trained.output) == table(evaluated.output))
  }

  @Test(arguments: [
    ("a\tb\nc\td\te\n", 65, ":2: expected 2 tab-separated fields (child, parent), found 3"),
    ("a\tb\nbig cat\tfelid\n", 65, ":2: node name 'big cat' contains a space"),
    ("", 65, ": the file is empty"),
  ])
  func malformedRelationsFailBeforeTraining(text: String, status: Int32, message: String) throws {
    let input = folder.write("r.tsv", text)
    let result = try runBinary(["train", input, "-o", folder.file("out.txt")])
    #expect(result.status == status)
    #expect(result.errors.hasPrefix("Error: \(input)\(message)\n"), "\(result.errors)")
    #expect(result.output.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: folder.file("out.txt")))
  }

  /// Hostile relation files through the built binary: each fails before any training with
  /// `Error: path:line: what` and a hint (exit 65).
  @Test(arguments: [
    (Array("a\tb\nc\td\u{0}e\n".utf8), ":2: node name 'd?e' contains a NUL byte (byte 0x0)"),
    (Array("a\tb\nc\t".utf8) + [0xC3, 0x28, 0x0A], ":2: node name is not valid UTF-8"),
    (Array("\n\n \t\r\n\n".utf8), ": the file has no relations, only blank lines"),
    (Array("a\t\"b\tc\"\n".utf8), ":1: node name 'b?c' contains a tab (byte 0x9)"),
    (Array("a\tb\rc\td\r".utf8), ":1: expected 2 tab-separated fields (child, parent), found 3"),
  ])
  func hostileRelationFilesFailBeforeTraining(bytes: [UInt8], message: String) throws {
    let input = folder.write("r.tsv", bytes: bytes)
    let result = try runBinary(["train", input, "-o", folder.file("out.txt")])
    #expect(result.status == 65)
    let lines = result.errors.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 3 && lines[0] == "Error: \(input)\(message)", "\(result.errors)")
    #expect(lines.count == 3 && lines[1].hasPrefix("Hint: "), "\(result.errors)")
    #expect(result.output.isEmpty)
    #expect(folder.fileNames == ["r.tsv"])
  }

  @Test func aFolderAsTheRelationsIsExit66() throws {
    let result = try runBinary(["train", folder.path, "-o", folder.file("out.txt")])
    #expect(result.status == 66)
    #expect(result.errors == "Error: \(folder.path): is a directory, not a file\n")
  }

  /// Files that are fine though unusual: they train, with the names a clean file gives.
  @Test(arguments: [
    "x\ty\r\nz\ty\r\n",  // CRLF
    "x\ty\nz\ty",  // no final newline
    "\u{FEFF}x\ty\nz\ty\n",  // a UTF-8 byte order mark (not part of the name "x")
    "\n \nx\ty\n\t\nz\ty\n\r\n",  // blank lines, some of spaces, tabs or a stray CR
  ])
  func unusualButValidRelationFilesTrain(text: String) throws {
    let output = folder.file("out.txt")
    let result = try runBinary([
      "train", folder.write("r.tsv", text), "-o", output, "--dimension", "2", "--negatives", "1",
      "--epochs", "1", "--burn-in", "0", "-q",
    ])
    #expect(result.status == 0 && result.errors.isEmpty, "\(result.errors)")
    let rows = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
    #expect(rows.first == "3 2")
    #expect(Set(rows.dropFirst().map { $0.split(separator: " ")[0] }) == ["x", "y", "z"])
  }

  @Test func aOneMegabyteNodeNameTrainsAndIsWrittenWhole() throws {
    let long = String(repeating: "n", count: 1 << 20)
    let output = folder.file("out.txt")
    let result = try runBinary([
      "train", folder.write("r.tsv", "\(long)\troot\nleaf\troot\n"), "-o", output,
      "--dimension", "2", "--negatives", "1", "--epochs", "1", "--burn-in", "0", "-q",
    ])
    #expect(result.status == 0 && result.errors.isEmpty, "\(result.errors)")
    let rows = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
    #expect(rows.count == 4)
    #expect(rows.contains { $0.hasPrefix(long + " ") && $0.split(separator: " ").count == 3 })
  }

  @Test func missingInputIsExit66() throws {
    let result = try runBinary(["train", folder.file("missing.tsv")])
    #expect(result.status == 66)
    #expect(result.errors == "Error: \(folder.file("missing.tsv")): no such file\n")
  }

  @Test(arguments: [
    (["--dimension", "ten"], "Error: The value 'ten' is invalid for '--dimension <n>'"),
    (["--dimension", "0"], "Error: --dimension must be at least 1 (got 0)"),
    (["--learning-rate", "-1"], "Error: --learning-rate must be a positive number (got -1.0)"),
    (["--init-range", "0.9"], "Error: --init-range must keep initial points inside the ball"),
    (["--frobnicate"], "Error: Unknown option '--frobnicate'"),
    (["--resume", "x", "--dimension", "3"], "Error: --dimension <n> cannot change when resuming"),
    (["--rng", "mt"], "Error: The value 'mt' is invalid for '--rng <generator>'"),
    (["--rng", "numpy", "--threads", "2"], "Error: --rng numpy replays gensim's single sequence"),
    (["--rng", "numpy", "--checkpoint", "c"],
     "Error: --rng numpy cannot be combined with --checkpoint"),
    (["--rng", "numpy", "--seed", "4294967296"], "Error: --seed must be at most 4294967295"),
  ])
  func badOptionValuesAreUsageErrors(options: [String], message: String) throws {
    let result = runInProcess(["train", toy, "-o", folder.file("out.txt")] + options)
    #expect(result.status == 64)
    #expect(result.errors.hasPrefix(message), "\(result.errors)")
    #expect(result.errors.contains("Usage: poincare-embed train <relations> [<options>]"))
    #expect(result.output.isEmpty)
  }

  /// gensim 4.4.0: PoincareModel(PoincareRelations('data/toy_closure.tsv'), size=5, negative=4,
  /// burn_in=2, seed=0).train(epochs=5); kv.vectors[0] is 'animal'.
  @Test func numpyReplayWritesGensimsVectors() throws {
    let output = folder.file("gensim.txt")
    let result = runInProcess([
      "train", toy, "-o", output, "--rng", "numpy", "--dimension", "5", "--negatives", "4",
      "--burn-in", "2", "--epochs", "5",
    ])
    #expect(result.status == 0, "\(result.errors)")
    #expect(
      result.errors.contains("replayed gensim's 5 epochs (+2 burn-in) with numpy's RandomState(0)"))
    let text = try String(contentsOfFile: output, encoding: .utf8)
    let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("animal ") })
    let values = row.split(separator: " ").dropFirst().compactMap { Double($0) }
    let expected = [
      0.09686734370290269, 0.023482490983015848, 0.08542283894361624, 0.14283139424490587,
      -0.033836492058348155,
    ]
    #expect(values.count == 5)
    // gensim's float64 arithmetic is itself off by ~2.5e-12 here (see GensimReplayTests).
    for (value, gensim) in zip(values, expected) {
      #expect(isClose(value, gensim, relative: 0, absolute: 1e-11))
    }
  }

  @Test func tooManyNegativesNamesTheNode() throws {
    let result = runInProcess(["train", toy, "-o", folder.file("out.txt"), "--negatives", "12"])
    #expect(result.status == 64)
    #expect(
      result.errors.contains(
        "\nError: cannot sample 12 negatives for 'cat': only 11 nodes are not its parents; lower --negatives to at most 11"),
      "\(result.errors)")
    #expect(!FileManager.default.fileExists(atPath: folder.file("out.txt")))
  }

  @Test func unwritableOutputIsExit73AndLeavesNothing() throws {
    let result = try runBinary([
      "train", toy, "-o", folder.file("no/such/dir/out.txt"), "--dimension", "2",
      "--negatives", "3", "--epochs", "1", "--burn-in", "0", "-q",
    ])
    #expect(result.status == 73)
    #expect(result.errors.hasPrefix("Error: \(folder.file("no/such/dir/out.txt")): cannot create file"))
    #expect(folder.fileNames.isEmpty)
  }

  @Test func aCheckpointOfOtherRelationsIsRefused() throws {
    let checkpoint = folder.file("ck.bin")
    let first = runInProcess([
      "train", toy, "-o", folder.file("a.txt"), "--dimension", "2", "--negatives", "3",
      "--epochs", "1", "--burn-in", "0", "-q", "--checkpoint", checkpoint,
    ])
    #expect(first.status == 0, "\(first.errors)")
    let other = folder.write("other.tsv", "a\tb\nb\tc\na\tc\nd\tc\ne\tc\nf\tc\n")
    let result = runInProcess(["train", other, "--resume", checkpoint, "-o", folder.file("b.txt")])
    #expect(result.status == 65)
    #expect(
      result.errors.contains("\nError: \(checkpoint): the checkpoint was written for other relations"),
      "\(result.errors)")
  }

  /// Relations big enough that a debug-build epoch takes a noticeable time.
  func largeRelations() -> String {
    var text = ""
    for node in 0..<4_000 {
      text += "n\(node)\tr\(node % 40)\nn\(node)\troot\n"
    }
    for group in 0..<40 { text += "r\(group)\troot\n" }
    return folder.write("large.tsv", text)
  }

  @Test(arguments: [(SIGINT, 130, "SIGINT"), (SIGTERM, 143, "SIGTERM")])
  func aSignalStopsTrainingSavesTheCheckpointAndKeepsTheOutput(
    signal: Int32, status: Int32, name: String
  ) throws {
    let input = largeRelations()
    let output = folder.write("out.txt", "previous output\n")
    let checkpoint = folder.file("ck.bin")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binaryPath)
    process.arguments = [
      "train", input, "-o", output, "--dimension", "5", "--epochs", "100000", "--threads", "1",
      "--checkpoint", checkpoint, "-q",
    ]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // The first checkpoint appears after the first epoch: training is under way.
    let deadline = Date().addingTimeInterval(60)
    while !FileManager.default.fileExists(atPath: checkpoint) && Date() < deadline {
      usleep(20_000)
    }
    kill(process.processIdentifier, signal)
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == status)
    #expect(message.hasPrefix("Interrupted by \(name) in "), "\(message)")
    #expect(message.contains("saved checkpoint \(checkpoint). Resume with: poincare-embed train"))
    #expect(try String(contentsOfFile: output, encoding: .utf8) == "previous output\n")
    #expect(FileManager.default.fileExists(atPath: checkpoint))
    #expect(!folder.fileNames.contains { $0.contains(".tmp-") })
  }

  @Test func aResumedRunEqualsTheUninterruptedRun() throws {
    let options = [
      "--dimension", "3", "--negatives", "4", "--burn-in", "2", "--threads", "1", "-q",
    ]
    let whole = runInProcess(["train", toy, "-o", folder.file("whole.txt"), "--epochs", "6"] + options)
    #expect(whole.status == 0)
    let checkpoint = folder.file("ck.bin")
    let part = runInProcess(
      ["train", toy, "-o", folder.file("part.txt"), "--epochs", "3", "--checkpoint", checkpoint]
        + options)
    #expect(part.status == 0)
    let rest = runInProcess([
      "train", toy, "-o", folder.file("rest.txt"), "--resume", checkpoint, "--epochs", "6", "-q",
    ])
    #expect(rest.status == 0, "\(rest.errors)")
    let expected = try String(contentsOfFile: folder.file("whole.txt"), encoding: .utf8)
    #expect(try String(contentsOfFile: folder.file("rest.txt"), encoding: .utf8) == expected)
  }

  @Test func aCheckpointExportsToTheSameFileTrainingWrote() throws {
    let checkpoint = folder.file("ck.bin")
    let trained = runInProcess([
      "train", toy, "-o", folder.file("trained.txt"), "--dimension", "3", "--negatives", "4",
      "--epochs", "2", "--burn-in", "1", "--threads", "1", "-q", "--checkpoint", checkpoint,
    ])
    #expect(trained.status == 0, "\(trained.errors)")
    let exported = runInProcess(["export", checkpoint, "-o", folder.file("exported.txt")])
    #expect(exported.status == 0, "\(exported.errors)")
    let expected = try String(contentsOfFile: folder.file("trained.txt"), encoding: .utf8)
    #expect(try String(contentsOfFile: folder.file("exported.txt"), encoding: .utf8) == expected)
    let query = runInProcess(["query", checkpoint, "dog", "--norm"])
    #expect(query.status == 0 && !query.output.isEmpty, "\(query.errors)")
  }
}
