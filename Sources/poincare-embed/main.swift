import Foundation

// A write past the file-size limit (`ulimit -f`) then fails with EFBIG, reported and cleaned up
// like a full disk, instead of killing the process and leaving a temporary file behind.
signal(SIGXFSZ, SIG_IGN)
let status = PoincareEmbedCommand.run(
  Array(CommandLine.arguments.dropFirst()), console: .standard())
exit(status.rawValue)
