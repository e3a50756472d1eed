import Foundation
import TestSupport
import Testing

/// Writes under faults, through the built binary: a full device, a file-size limit (a full disk
/// for one file), a read-only folder, a folder as the output, and SIGKILL in the middle of a
/// write. Each gives a clear error and exit 73 or 74, or leaves the previous file intact.
@Suite struct OutputFaultTests {
  let folder = TemporaryFolder()

  var vectors: String {
    "\(repositoryRoot)/Tests/PoincareEmbeddingTests/Fixtures/poincare_vectors.bin"
  }

  /// A text vectors file of `rows` rows of dimension 25 (about 450 bytes a row).
  func largeVectors(rows: Int) -> String {
    let values = (0..<25).map { " 0.0\(1_000_000_000_000_000 + $0 * 7_919)" }.joined()
    var text = "\(rows) 25\n"
    text.reserveCapacity(rows * (values.utf8.count + 12))
    for row in 0..<rows { text += "node\(row)\(values)\n" }
    return folder.write("large-\(rows).txt", text)
  }

  func temporaryFiles() -> [String] { folder.fileNames.filter { $0.contains(".tmp-") } }

  @Test func aFullDeviceIsAnIOErrorAndCreatesNoFile() throws {
    guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
    let before =
      try FileManager.default.attributesOfItem(atPath: "/dev/full")[.type] as? FileAttributeType
    let result = try runBinary(["export", vectors, "-o", "/dev/full"])
    #expect(result.status == 74)
    #expect(result.errors == "Error: /dev/full: write failed: No space left on device\n")
    #expect(result.output.isEmpty)
    // Written in place: the device is still a device, and /dev holds no temporary file.
    let after =
      try FileManager.default.attributesOfItem(atPath: "/dev/full")[.type] as? FileAttributeType
    #expect(before == .typeCharacterSpecial && after == .typeCharacterSpecial)
    let strays = try FileManager.default.contentsOfDirectory(atPath: "/dev")
      .filter { $0.hasPrefix("full.tmp-") }
    #expect(strays.isEmpty)
  }

  @Test func resultsThatCannotBeWrittenToStandardOutputAreAnIOError() throws {
    guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
    for arguments in ["--help", "export \"$1\" -o - --format tsv"] {
      let result = try runBinary(
        ["-c", "exec \"$0\" \(arguments) > /dev/full", binaryPath, vectors],
        executable: "/bin/sh")
      #expect(result.status == 74, "\(arguments)")
      #expect(result.errors == "Error: <stdout>: write failed: No space left on device\n")
    }
  }

  @Test func devicesAreWrittenInPlace() throws {
    let null = try runBinary(["export", vectors, "-o", "/dev/null"])
    #expect(null.status == 0 && null.errors.isEmpty && null.output.isEmpty)
    let standardOutput = try runBinary(["export", vectors, "-o", "/dev/stdout", "--format", "tsv"])
    #expect(standardOutput.status == 0, "\(standardOutput.errors)")
    #expect(standardOutput.output.split(separator: "\n").count == 1182)
  }

  @Test func standardOutputRedirectedWithAppendIsAppendedTo() throws {
    let log = folder.write("log.txt", "first line\n")
    let result = try runBinary(
      [
        "-c", "exec \"$0\" export \"$1\" -o /dev/stdout --format tsv >> \"$2\"", binaryPath,
        vectors, log,
      ],
      executable: "/bin/sh")
    #expect(result.status == 0, "\(result.errors)")
    let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 1 + 1182)
    #expect(lines.first == "first line")
  }

  @Test func aRegularFileUnderDevIsStillReplacedAtomically() throws {
    guard FileManager.default.fileExists(atPath: "/dev/shm") else { return }
    let path = "/dev/shm/poincare-output-test-\(getpid())-\(UUID().uuidString).txt"
    try "previous\n".write(toFile: path, atomically: false, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try runBinary(["export", vectors, "-o", path])
    #expect(result.status == 0, "\(result.errors)")
    // Replaced, not appended to: the file is exactly the export.
    #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("1182 10\nmammal.n.01 "))
  }

  @Test func aFileSizeLimitIsAnIOErrorAndKeepsThePreviousFile() throws {
    // `ulimit -f` makes the kernel refuse writes past 64 KiB, as a full disk refuses them all.
    let input = largeVectors(rows: 2_000)
    let output = folder.write("out.txt", "previous\n")
    let result = try runBinary(
      [
        "-c", "ulimit -f 64 && exec \"$0\" export \"$1\" -o \"$2\"", binaryPath, input, output,
      ], executable: "/bin/sh")
    #expect(result.status == 74)
    #expect(result.errors == "Error: \(output): write failed: File too large\n")
    #expect(try String(contentsOfFile: output, encoding: .utf8) == "previous\n")
    #expect(temporaryFiles().isEmpty)
  }

  /// A folder this process cannot create files in: read-only by mode, or (for root, whom modes
  /// do not stop) sysfs.
  func unwritableFolder() throws -> String? {
    if geteuid() != 0 {
      let path = folder.file("read-only")
      try FileManager.default.createDirectory(
        atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o555])
      return path
    }
    return FileManager.default.fileExists(atPath: "/sys/kernel") ? "/sys" : nil
  }

  @Test func anUnwritableFolderOrAFolderAsTheOutputIsExit73() throws {
    if let readOnly = try unwritableFolder() {
      let result = try runBinary(["export", vectors, "-o", "\(readOnly)/out.txt"])
      #expect(result.status == 73)
      #expect(result.errors.hasPrefix("Error: \(readOnly)/out.txt: cannot create file: "))
      #expect(!FileManager.default.fileExists(atPath: "\(readOnly)/out.txt"))
    }
    let asFolder = try runBinary(["export", vectors, "-o", folder.path])
    #expect(asFolder.status == 73)
    #expect(asFolder.errors == "Error: \(folder.path): is a folder, not a file\n")
  }

  @Test func trainingChecksItsOutputsBeforeReadingOrTraining() throws {
    let toy = "\(repositoryRoot)/data/toy_closure.tsv"
    for (output, checkpoint) in [
      (folder.file("missing/out.txt"), folder.file("ck.bin")),
      (folder.file("out.txt"), folder.file("missing/ck.bin")),
    ] {
      let result = try runBinary(["train", toy, "-o", output, "--checkpoint", checkpoint])
      let failing = output.contains("missing") ? output : checkpoint
      #expect(result.status == 73)
      // Nothing else on stderr: no "read N relations" line, no progress.
      #expect(
        result.errors == "Error: \(failing): cannot create file: No such file or directory\n")
      #expect(folder.fileNames.isEmpty)
    }
  }

  @Test func sigkillDuringAWriteKeepsThePreviousFileAndTheNextWriteCleansUp() throws {
    let output = folder.write("out.txt", "previous version\n")
    let previous = try Data(contentsOf: URL(fileURLWithPath: output))
    var killedMidWrite = false
    // A faster machine may finish before the kill lands; a larger input then widens the window.
    for rows in [40_000, 160_000] where !killedMidWrite {
      let input = largeVectors(rows: rows)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: binaryPath)
      process.arguments = ["export", input, "-o", output]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      let temporary = "\(output).tmp-\(process.processIdentifier)"
      while process.isRunning {
        let size = (try? FileManager.default.attributesOfItem(atPath: temporary)[.size]) as? Int
        if let size, size > 0 {
          kill(process.processIdentifier, SIGKILL)
          killedMidWrite = true
          break
        }
        usleep(500)
      }
      process.waitUntilExit()
      try FileManager.default.removeItem(atPath: input)
      if !killedMidWrite { folder.write("out.txt", "previous version\n") }
    }
    try #require(killedMidWrite, "the export finished before it could be killed")
    #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == previous)
    // The killed process left its temporary file; the next write to the target removes it.
    #expect(temporaryFiles().count == 1)
    let next = try runBinary(["export", vectors, "-o", output])
    #expect(next.status == 0, "\(next.errors)")
    #expect(temporaryFiles().isEmpty)
    #expect(try String(contentsOfFile: output, encoding: .utf8).hasPrefix("1182 10\n"))
  }
}
