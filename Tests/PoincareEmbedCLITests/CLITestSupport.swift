import Foundation
import TestSupport

@testable import poincare_embed

/// The result of running the command-line tool: exit status and both streams.
struct CommandResult {
  var status: Int32
  var output: String
  var errors: String
}

/// Runs the tool in process, capturing stdout and stderr as strings.
func runInProcess(_ arguments: [String]) -> CommandResult {
  final class Box: @unchecked Sendable { var text = "" }
  let output = Box()
  let errors = Box()
  let console = Console(output: { output.text += $0 }, errors: { errors.text += $0 })
  let status = PoincareEmbedCommand.run(arguments, console: console)
  return CommandResult(status: status.rawValue, output: output.text, errors: errors.text)
}

/// The built `poincare-embed` binary, next to the test bundle.
let binaryPath: String = {
  var url = Bundle.main.bundleURL
  if !FileManager.default.fileExists(atPath: url.appendingPathComponent("poincare-embed").path) {
    url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  }
  return url.appendingPathComponent("poincare-embed").path
}()

/// Runs the built binary (or `executable`, e.g. a shell that sets limits first) as a child
/// process and waits for it.
func runBinary(
  _ arguments: [String], standardInput: String? = nil, executable: String = binaryPath
) throws -> CommandResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  let outputPipe = Pipe()
  let errorPipe = Pipe()
  process.standardOutput = outputPipe
  process.standardError = errorPipe
  if let standardInput {
    let inputPipe = Pipe()
    process.standardInput = inputPipe
    try process.run()
    inputPipe.fileHandleForWriting.write(Data(standardInput.utf8))
    try inputPipe.fileHandleForWriting.close()
  } else {
    process.standardInput = FileHandle.nullDevice
    try process.run()
  }
  // Read both pipes to the end before waiting, so a chatty child cannot block on a full pipe.
  let group = DispatchGroup()
  nonisolated(unsafe) var errorData = Data()
  group.enter()
  DispatchQueue.global().async {
    errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outputData = outputPipe.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  return CommandResult(
    status: process.terminationStatus,
    output: String(decoding: outputData, as: UTF8.self),
    errors: String(decoding: errorData, as: UTF8.self))
}
