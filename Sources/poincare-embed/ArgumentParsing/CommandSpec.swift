/// One option of a command: its name, value placeholder (nil for a flag), help and default.
///
/// Each option is declared once, in its command's spec; the same row drives parsing, the help
/// text and the usage line, so they cannot drift apart.
struct OptionSpec: Sendable {
  var name: String
  var shortName: Character? = nil
  var valueName: String? = nil
  var help: String
  var defaultValue: String? = nil

  /// `--name <value>` or `--name`.
  var synopsis: String { valueName.map { "--\(name) <\($0)>" } ?? "--\(name)" }

  /// The label in the help's OPTIONS block: `-o, --output <file>`.
  var label: String { shortName.map { "-\($0), \(synopsis)" } ?? synopsis }

  var isFlag: Bool { valueName == nil }
}

/// One positional argument of a command.
struct ArgumentSpec: Sendable {
  var name: String
  var help: String
  var isOptional = false
  /// Takes every remaining positional (only the last argument; implies optional).
  var isRepeating = false

  var synopsis: String {
    isRepeating ? "[<\(name)> ...]" : isOptional ? "[<\(name)>]" : "<\(name)>"
  }
}

/// Everything the parser and the help renderer need to know about one command.
struct CommandSpec: Sendable {
  var name: String
  /// The command this one is a subcommand of (`link` for `link fit`), if any.
  var parent: String? = nil
  var abstract: String
  /// Extra paragraphs printed after the overview, wrapped at 80 columns.
  var discussion: String? = nil
  var arguments: [ArgumentSpec] = []
  var options: [OptionSpec] = []
  /// Alternative usage lines for commands with more than one form (e.g. `eval`).
  var extraUsages: [String] = []

  /// The command's words after the program name, e.g. `train` or `link fit`.
  var commandPath: String { "poincare-embed " + (parent.map { "\($0) " } ?? "") + name }

  func option(named name: String) -> OptionSpec? { options.first { $0.name == name } }

  func option(short: Character) -> OptionSpec? { options.first { $0.shortName == short } }

  /// The usage line: every option when it fits in 80 columns, `[<options>]` otherwise.
  var usage: String {
    let positional = arguments.map(\.synopsis).joined(separator: " ")
    let long = ([commandPath, positional] + options.map { "[\($0.synopsis)]" })
      .filter { !$0.isEmpty }.joined(separator: " ")
    if long.count + "USAGE: ".count <= 80 { return long }
    return [commandPath, positional, "[<options>]"].filter { !$0.isEmpty }.joined(separator: " ")
  }
}
