/// A usage problem on the command line, worded as swift-argument-parser words it.
enum CommandLineError: Error, Equatable {
  case unknownOption(String)
  case missingValue(option: String)
  case invalidValue(String, option: String)
  case unexpectedValue(String, option: String)
  case missingArgument(String)
  case unexpectedArgument(String)
  case unknownSubcommand(String)
  /// A value that parses but is out of range or inconsistent: `--dimension must be at least 1`.
  case validation(String)

  var message: String {
    switch self {
    case .unknownOption(let option): return "Unknown option '\(option)'"
    case .missingValue(let option): return "Missing value for '\(option)'"
    case .invalidValue(let value, let option): return "The value '\(value)' is invalid for '\(option)'"
    case .unexpectedValue(let value, let option):
      return "The flag '\(option)' does not take a value (got '\(value)')"
    case .missingArgument(let argument): return "Missing expected argument '\(argument)'"
    case .unexpectedArgument(let argument): return "Unexpected argument '\(argument)'"
    case .unknownSubcommand(let name): return "Unknown subcommand '\(name)'"
    case .validation(let message): return message
    }
  }
}

/// What the scanner found on a command line, before conversion to typed values.
struct ParsedArguments {
  let spec: CommandSpec
  var positionals: [String] = []
  /// Values by option name; a repeated option keeps its last value.
  var values: [String: String] = [:]
  /// Every value of each option, in command-line order (for repeatable options).
  var allValues: [String: [String]] = [:]
  var flags: Set<String> = []
  var isHelpRequested = false

  func isSet(_ option: OptionSpec) -> Bool {
    option.isFlag ? flags.contains(option.name) : values[option.name] != nil
  }

  func flag(_ option: OptionSpec) -> Bool { flags.contains(option.name) }

  func string(_ option: OptionSpec) -> String? { values[option.name] }

  /// Every value given for a repeatable option, in order.
  func strings(_ option: OptionSpec) -> [String] { allValues[option.name] ?? [] }

  /// The option's value converted to `T`, or `fallback` when it is absent.
  func value<T: LosslessStringConvertible>(_ option: OptionSpec, default fallback: T)
    throws(CommandLineError) -> T
  {
    try value(option) ?? fallback
  }

  /// The option's value converted to `T`, or nil when it is absent.
  func value<T: LosslessStringConvertible>(_ option: OptionSpec) throws(CommandLineError) -> T? {
    guard let text = values[option.name] else { return nil }
    guard let value = T(text) else {
      throw .invalidValue(text, option: option.synopsis)
    }
    if let real = value as? Double, !real.isFinite {
      throw .invalidValue(text, option: option.synopsis)
    }
    return value
  }

  /// The positional argument at `index`, when given.
  func argument(_ index: Int) -> String? { index < positionals.count ? positionals[index] : nil }
}

/// Splits a command line into options and positionals according to a `CommandSpec`.
///
/// Rules (swift-argument-parser's): `--name value` or `--name=value`; short aliases only where
/// declared; `--` ends options; a lone `-` is a positional (standard input or output); options
/// and positionals in any order; `-h`/`--help` anywhere wins over every other problem.
enum ArgumentScanner {
  static func parse(_ arguments: ArraySlice<String>, as spec: CommandSpec)
    throws(CommandLineError) -> ParsedArguments
  {
    var parsed = ParsedArguments(spec: spec)
    var firstError: CommandLineError?
    func record(_ error: CommandLineError) { if firstError == nil { firstError = error } }

    var index = arguments.startIndex
    var optionsEnded = false
    while index < arguments.endIndex {
      let token = arguments[index]
      index += 1
      if optionsEnded || token == "-" || !token.hasPrefix("-") || isNumber(token) {
        parsed.positionals.append(token)
        continue
      }
      if token == "--" {
        optionsEnded = true
        continue
      }
      if token == "-h" || token == "--help" {
        parsed.isHelpRequested = true
        continue
      }
      var inlineValue: String?
      let option: OptionSpec?
      if token.hasPrefix("--") {
        let body = token.dropFirst(2)
        let name: Substring
        if let equals = body.firstIndex(of: "=") {
          name = body[..<equals]
          inlineValue = String(body[body.index(after: equals)...])
        } else {
          name = body
        }
        option = spec.option(named: String(name))
      } else if token.count == 2 {
        option = spec.option(short: token.last!)
      } else {
        option = nil
      }
      guard let option else {
        record(.unknownOption(inlineValue == nil ? token : String(token.prefix { $0 != "=" })))
        continue
      }
      if option.isFlag {
        if let inlineValue {
          record(.unexpectedValue(inlineValue, option: option.synopsis))
        } else {
          parsed.flags.insert(option.name)
        }
        continue
      }
      if let inlineValue {
        parsed.values[option.name] = inlineValue
        parsed.allValues[option.name, default: []].append(inlineValue)
      } else if index < arguments.endIndex && !looksLikeOption(arguments[index], in: spec) {
        parsed.values[option.name] = arguments[index]
        parsed.allValues[option.name, default: []].append(arguments[index])
        index += 1
      } else {
        record(.missingValue(option: option.synopsis))
      }
    }
    if parsed.isHelpRequested { return parsed }
    if let firstError { throw firstError }
    let required = spec.arguments.filter { !$0.isOptional && !$0.isRepeating }.count
    if parsed.positionals.count < required {
      throw .missingArgument(spec.arguments[parsed.positionals.count].synopsis)
    }
    if parsed.positionals.count > spec.arguments.count, spec.arguments.last?.isRepeating != true {
      throw .unexpectedArgument(parsed.positionals[spec.arguments.count])
    }
    return parsed
  }

  /// A token that cannot be an option's value because it is itself an option.
  private static func looksLikeOption(_ token: String, in spec: CommandSpec) -> Bool {
    guard token.hasPrefix("-"), token != "-", !isNumber(token) else { return false }
    return true
  }

  /// Negative numbers are values, not options (`--seed -3` is refused later by range checks).
  private static func isNumber(_ token: String) -> Bool {
    token.count > 1 && Double(token) != nil
  }
}
