#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import PoincareEmbedding

/// The stop request that SIGINT and SIGTERM raise while training runs.
let interruption = StopSignal()

/// Training stopped on a signal; the exit status is 128 + the signal number.
struct Interrupted: Error, CustomStringConvertible {
  var signal: Int32
  var message: String

  var description: String { message }

  var signalName: String { signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)" }
}

/// Turns SIGINT and SIGTERM into a stop request at the next round boundary while `body` runs.
/// A second signal takes the default action (the handler restores it), so a stuck run can still
/// be killed; files are written atomically, so that never leaves a partial file.
func withInterruptionHandling<R>(_ body: () throws -> R) rethrows -> R {
  // A parent may start us with these signals blocked (Foundation's Process does, for one):
  // unblock them, or a stop request could never arrive.
  var unblocked = sigset_t()
  sigemptyset(&unblocked)
  sigaddset(&unblocked, SIGINT)
  sigaddset(&unblocked, SIGTERM)
  pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
  for signalNumber in [SIGINT, SIGTERM] {
    var action = sigaction()
    #if canImport(Glibc)
      action.__sigaction_handler.sa_handler = { received in
        interruption.request(reason: received)
        signal(received, SIG_DFL)
      }
    #else
      action.__sigaction_u.__sa_handler = { received in
        interruption.request(reason: received)
        signal(received, SIG_DFL)
      }
    #endif
    sigaction(signalNumber, &action, nil)
  }
  defer {
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
  return try body()
}
