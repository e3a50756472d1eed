import Foundation
import TestSupport
import Testing

@testable import PoincareEmbedding

@Suite struct AtomicFileWriterTests {
  let folder = TemporaryFolder()

  func write(_ text: String, to path: String) throws {
    try AtomicFileWriter.write(to: path) { try $0.write(text) }
  }

  func permissions(_ path: String) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
  }

  @Test func aFailedBodyLeavesThePreviousFileAndNoTemporaryFile() throws {
    let path = folder.write("out.txt", "previous\n")
    struct Failure: Error {}
    #expect(throws: Failure.self) {
      try AtomicFileWriter.write(to: path) { output in
        try output.write(String(repeating: "x", count: 3 << 20))  // flushed to the temporary file
        throw Failure()
      }
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "previous\n")
    #expect(folder.fileNames == ["out.txt"])
  }

  @Test func aLinkStaysALinkAndTheFileKeepsItsPermissions() throws {
    let target = folder.write("target.txt", "old\n")
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
    let link = folder.file("link.txt")
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target.txt")
    try write("new\n", to: link)
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "target.txt")
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
    #expect(try permissions(target) == 0o600)
    #expect(folder.fileNames == ["link.txt", "target.txt"])
  }

  @Test func temporaryFilesOfDeadProcessesAreRemovedAndOthersKept() throws {
    // A child that has exited and been reaped stands for a killed writer.
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/bin/true")
    try child.run()
    child.waitUntilExit()
    let dead = child.processIdentifier
    let path = folder.file("out.txt")
    folder.write("out.txt.tmp-\(dead)", "left by a killed run")
    folder.write("out.txt.tmp-1", "init's, alive")
    folder.write("other.txt.tmp-\(dead)", "another target's")
    folder.write("out.txt.tmp-x\(dead)", "not a process id")
    try write("new\n", to: path)
    #expect(
      folder.fileNames.sorted()
        == [
          "other.txt.tmp-\(dead)", "out.txt", "out.txt.tmp-1", "out.txt.tmp-x\(dead)",
        ].sorted())
  }

  @Test func checkCanCreateFailsForAMissingFolderAndLeavesNothing() throws {
    try AtomicFileWriter.checkCanCreate(folder.file("fine.txt"))
    try AtomicFileWriter.checkCanCreate("/dev/null")
    try AtomicFileWriter.checkCanCreate("-")
    #expect(folder.fileNames.isEmpty)
    let missing = try #require(throws: OutputError.self) {
      try AtomicFileWriter.checkCanCreate(folder.file("missing/out.txt"))
    }
    #expect(missing.kind == .cannotCreate)
    let isFolder = try #require(throws: OutputError.self) {
      try AtomicFileWriter.checkCanCreate(folder.path)
    }
    #expect(isFolder.description == "\(folder.path): is a folder, not a file")
  }
}
