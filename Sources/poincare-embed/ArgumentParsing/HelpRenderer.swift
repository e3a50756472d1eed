/// Renders `--help` text in swift-argument-parser's layout, wrapped at 80 columns regardless of
/// the terminal, so help tests can compare bytes.
enum HelpRenderer {
  static let width = 80
  static let labelColumn = 26

  static let helpOption = OptionSpec(name: "help", shortName: "h", help: "Show help information.")

  static func help(for spec: CommandSpec) -> String {
    var text = "OVERVIEW: \(spec.abstract)\n"
    if let discussion = spec.discussion {
      text += "\n" + discussion.split(separator: "\n", omittingEmptySubsequences: false)
        .map { wrap(String($0), indent: 0, firstLineIndent: 0) }.joined(separator: "\n") + "\n"
    }
    text += "\nUSAGE: \(spec.usage)\n"
    for extra in spec.extraUsages { text += "       \(extra)\n" }
    if !spec.arguments.isEmpty {
      text += "\nARGUMENTS:\n"
      for argument in spec.arguments { text += row("<\(argument.name)>", argument.help) }
    }
    text += "\nOPTIONS:\n"
    for option in spec.options + [helpOption] {
      let help = option.defaultValue.map { "\(option.help) (default: \($0))" } ?? option.help
      text += row(option.label, help)
    }
    return text
  }

  static func rootHelp(abstract: String, commands: [CommandSpec]) -> String {
    listHelp(
      path: "poincare-embed", abstract: abstract, discussion: nil, commands: commands,
      showsVersion: true)
  }

  /// The help of a command with subcommands (`link`): its overview and its subcommands.
  static func groupHelp(for spec: CommandSpec, commands: [CommandSpec]) -> String {
    listHelp(
      path: spec.commandPath, abstract: spec.abstract, discussion: spec.discussion,
      commands: commands, showsVersion: false)
  }

  private static func listHelp(
    path: String, abstract: String, discussion: String?, commands: [CommandSpec],
    showsVersion: Bool
  ) -> String {
    var text = "OVERVIEW: \(abstract)\n"
    if let discussion {
      text += "\n" + discussion.split(separator: "\n", omittingEmptySubsequences: false)
        .map { wrap(String($0), indent: 0, firstLineIndent: 0) }.joined(separator: "\n") + "\n"
    }
    text += "\nUSAGE: \(path) <subcommand>\n\nOPTIONS:\n"
    if showsVersion { text += row("--version", "Show the version.") }
    text += row(helpOption.label, helpOption.help)
    text += "\nSUBCOMMANDS:\n"
    for command in commands { text += row(command.name, command.abstract) }
    text += row("help", "Show subcommand help information.")
    let helpPath = path.split(separator: " ").dropFirst().joined(separator: " ")
    text += "\n  See '\(["poincare-embed help", helpPath].filter { !$0.isEmpty }.joined(separator: " ")) "
      + "<subcommand>' for detailed help.\n"
    return text
  }

  /// One `  label   text` row; a label too long for its column puts the text on the next line.
  static func row(_ label: String, _ help: String) -> String {
    let indented = "  " + label
    if indented.count <= labelColumn - 2 {
      let padded = indented.rightPadded(to: labelColumn)
      return padded + wrap(help, indent: labelColumn, firstLineIndent: labelColumn) + "\n"
    }
    let padding = String(repeating: " ", count: labelColumn)
    return indented + "\n" + padding + wrap(help, indent: labelColumn, firstLineIndent: labelColumn)
      + "\n"
  }

  /// Greedy word wrap; `firstLineIndent` columns are already used on the first line.
  static func wrap(_ text: String, indent: Int, firstLineIndent: Int) -> String {
    var lines: [String] = []
    var current = ""
    var used = firstLineIndent
    for word in text.split(separator: " ") {
      if !current.isEmpty && used + 1 + word.count > width {
        lines.append(current)
        current = ""
        used = indent
      }
      if !current.isEmpty {
        current += " "
        used += 1
      }
      current += word
      used += word.count
    }
    lines.append(current)
    return lines.joined(separator: "\n" + String(repeating: " ", count: indent))
  }
}
