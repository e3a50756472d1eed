#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// A write past the file-size limit (`ulimit -f`) then fails with EFBIG, reported and cleaned up
// like a full disk, instead of killing the process and leaving a temporary file behind.
signal(SIGXFSZ, SIG_IGN)
let console = Console.standard()
var status = PoincareEmbedCommand.run(Array(CommandLine.arguments.dropFirst()), console: console)
// Results that could not all be written to stdout (a full disk) fail the run, as a file would.
if let failure = console.outputFailure {
  PoincareEmbedCommand.report(failure, console: console)
  if status == .success { status = ExitStatus(for: failure) }
}
exit(status.rawValue)
