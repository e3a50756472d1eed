#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import PoincareEmbedding

/// The process exit statuses (sysexits.h), chosen in one place: `ExitStatus(for:)`.
enum ExitStatus: Int32 {
  case success = 0
  case failure = 1
  case usage = 64
  case dataError = 65
  case noInput = 66
  case cannotCreate = 73
  case ioError = 74
  case interrupted = 130
  case terminated = 143

  /// The status for an error thrown by a command.
  init(for error: Error) {
    switch error {
    case is CommandLineError, is ConfigurationError: self = .usage
    case let error as InputError:
      switch error.kind {
      case .notFound, .unreadable: self = .noInput
      case .malformed: self = .dataError
      }
    case let error as OutputError:
      self = error.kind == .cannotCreate ? .cannotCreate : .ioError
    case TrainingError.tooFewNegatives: self = .usage
    case let error as Interrupted:
      self = error.signal == SIGTERM ? .terminated : .interrupted
    case is UnknownNodeError, is AmbiguousNameError: self = .dataError
    default: self = .failure
    }
  }
}

/// A subcommand: its spec (options, help) and what it does with parsed arguments.
protocol Subcommand: SendableMetatype {
  static var spec: CommandSpec { get }
  /// Runs the command; throws on failure. Results go to `console`'s output stream.
  static func run(_ arguments: ParsedArguments, console: Console) throws
  /// The command's own subcommands (`link fit|predict|eval`); empty for a plain command.
  static var subcommands: [any Subcommand.Type] { get }
}

extension Subcommand {
  static var subcommands: [any Subcommand.Type] { [] }
}

/// The command-line tool as a function from arguments to an exit status.
enum PoincareEmbedCommand {
  static let version = "0.1.0"
  static let abstract = "Learn Poincaré embeddings of hierarchies, compatible with gensim."

  static let subcommands: [any Subcommand.Type] = [
    TrainCommand.self, ClosureCommand.self, ExportCommand.self, QueryCommand.self,
    PlotCommand.self, EvalCommand.self, SplitCommand.self, LinkCommand.self,
  ]

  /// Runs the tool on `arguments` (without the program name).
  static func run(_ arguments: [String], console: Console) -> ExitStatus {
    let specs = subcommands.map { $0.spec }
    guard let first = arguments.first else {
      console.write(HelpRenderer.rootHelp(abstract: abstract, commands: specs))
      return .success
    }
    switch first {
    case "-h", "--help":
      console.write(HelpRenderer.rootHelp(abstract: abstract, commands: specs))
      return .success
    case "--version":
      console.print(version)
      return .success
    case "help":
      guard arguments.count > 1 else {
        console.write(HelpRenderer.rootHelp(abstract: abstract, commands: specs))
        return .success
      }
      guard let command = subcommands.first(where: { $0.spec.name == arguments[1] }) else {
        return usageFailure(.unknownSubcommand(arguments[1]), spec: nil, console: console)
      }
      if arguments.count > 2, !command.subcommands.isEmpty {
        return runGroup(command, Array(arguments.dropFirst(2)) + ["--help"], console: console)
      }
      console.write(helpText(for: command))
      return .success
    default:
      break
    }
    guard let command = subcommands.first(where: { $0.spec.name == first }) else {
      let error: CommandLineError =
        first.hasPrefix("-") ? .unknownOption(first) : .unknownSubcommand(first)
      return usageFailure(error, spec: nil, console: console)
    }
    if !command.subcommands.isEmpty {
      return runGroup(command, Array(arguments.dropFirst()), console: console)
    }
    return runCommand(command, arguments.dropFirst(), console: console)
  }

  /// Runs a command that has subcommands (`link`) on the arguments after its name: its help,
  /// or one of its subcommands.
  static func runGroup(
    _ group: any Subcommand.Type, _ arguments: [String], console: Console
  ) -> ExitStatus {
    guard let first = arguments.first, first != "-h", first != "--help", first != "help" else {
      if arguments.first == "help", arguments.count > 1 {
        return runGroup(group, Array(arguments.dropFirst()) + ["--help"], console: console)
      }
      console.write(helpText(for: group))
      return .success
    }
    guard let command = group.subcommands.first(where: { $0.spec.name == first }) else {
      let error: CommandLineError =
        first.hasPrefix("-") ? .unknownOption(first) : .unknownSubcommand(first)
      return usageFailure(error, spec: group.spec, console: console)
    }
    return runCommand(command, arguments.dropFirst(), console: console)
  }

  /// Parses `arguments` for `command` and runs it.
  static func runCommand(
    _ command: any Subcommand.Type, _ arguments: ArraySlice<String>, console: Console
  ) -> ExitStatus {
    let parsed: ParsedArguments
    do {
      parsed = try ArgumentScanner.parse(arguments, as: command.spec)
    } catch {
      return usageFailure(error, spec: command.spec, console: console)
    }
    if parsed.isHelpRequested {
      console.write(HelpRenderer.help(for: command.spec))
      return .success
    }
    do {
      try command.run(parsed, console: console)
      return .success
    } catch let error as CommandLineError {
      return usageFailure(error, spec: command.spec, console: console)
    } catch let error as ConfigurationError {
      return usageFailure(.validation(error.message), spec: command.spec, console: console)
    } catch {
      report(error, console: console)
      return ExitStatus(for: error)
    }
  }

  /// The help of a command, or of a group the list of its subcommands.
  static func helpText(for command: any Subcommand.Type) -> String {
    command.subcommands.isEmpty
      ? HelpRenderer.help(for: command.spec)
      : HelpRenderer.groupHelp(for: command.spec, commands: command.subcommands.map { $0.spec })
  }

  /// Prints a usage error the way swift-argument-parser does and returns `EX_USAGE`.
  static func usageFailure(_ error: CommandLineError, spec: CommandSpec?, console: Console)
    -> ExitStatus
  {
    console.printError("Error: \(error.message)")
    if let spec {
      console.printError("Usage: \(spec.usage)")
      console.printError("  See '\(spec.commandPath) --help' for more information.")
    } else {
      console.printError("Usage: poincare-embed <subcommand>")
      console.printError("  See 'poincare-embed --help' for more information.")
    }
    return .usage
  }

  /// Prints `Error: …` and, for errors with a hint, `Hint: …` (an interruption prints what was
  /// saved instead).
  static func report(_ error: Error, console: Console) {
    if let error = error as? Interrupted {
      console.printError(error.message)
      return
    }
    console.printError("Error: \(error)")
    if let hint = (error as? InputError)?.hint ?? (error as? UnknownNodeError)?.hint
      ?? (error as? AmbiguousNameError)?.hint
    {
      console.printError("Hint: \(hint)")
    }
  }
}
