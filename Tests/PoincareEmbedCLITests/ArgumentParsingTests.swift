import Testing

@testable import poincare_embed

@Suite struct ArgumentParsingTests {
  static let dimension = OptionSpec(
    name: "dimension", valueName: "n", help: "Embedding dimension.", defaultValue: "50")
  static let quiet = OptionSpec(name: "quiet", shortName: "q", help: "Print no progress.")
  static let output = OptionSpec(
    name: "output", shortName: "o", valueName: "file", help: "Where to write.")
  static let spec = CommandSpec(
    name: "demo", abstract: "A demo command.",
    arguments: [ArgumentSpec(name: "relations", help: "Tab-separated child and parent.")],
    options: [dimension, quiet, output])

  func parse(_ arguments: [String]) throws(CommandLineError) -> ParsedArguments {
    try ArgumentScanner.parse(arguments[...], as: Self.spec)
  }

  @Test func valuesFlagsAndPositionalsInAnyOrder() throws {
    let parsed = try parse(["--dimension=5", "a.tsv", "-q", "-o", "out.txt"])
    #expect(try parsed.value(Self.dimension, default: 50) == 5)
    #expect(parsed.flag(Self.quiet))
    #expect(parsed.string(Self.output) == "out.txt")
    #expect(parsed.positionals == ["a.tsv"])
  }

  @Test func doubleDashEndsOptionsAndLoneDashIsPositional() throws {
    #expect(try parse(["--", "--dimension"]).positionals == ["--dimension"])
    #expect(try parse(["-"]).positionals == ["-"])
  }

  @Test(arguments: [
    (["a", "--x"], CommandLineError.unknownOption("--x")),
    (["a", "--dimension"], .missingValue(option: "--dimension <n>")),
    (["a", "--dimension", "--quiet"], .missingValue(option: "--dimension <n>")),
    (["a", "--quiet=yes"], .unexpectedValue("yes", option: "--quiet")),
    ([], .missingArgument("<relations>")),
    (["a", "b"], .unexpectedArgument("b")),
  ])
  func errorsInArgumentParserWording(arguments: [String], expected: CommandLineError) {
    #expect(throws: expected) { try parse(arguments) }
  }

  @Test func invalidValueIsReportedWithTheOptionSynopsis() throws {
    let parsed = try parse(["a", "--dimension", "ten"])
    #expect(throws: CommandLineError.invalidValue("ten", option: "--dimension <n>")) {
      _ = try parsed.value(Self.dimension, default: 50)
    }
    #expect(
      CommandLineError.invalidValue("ten", option: "--dimension <n>").message
        == "The value 'ten' is invalid for '--dimension <n>'")
  }

  @Test func helpWinsOverOtherErrors() throws {
    #expect(try parse(["--x", "-h"]).isHelpRequested)
  }

  @Test func helpLayout() {
    #expect(
      HelpRenderer.help(for: Self.spec) == """
        OVERVIEW: A demo command.

        USAGE: poincare-embed demo <relations> [<options>]

        ARGUMENTS:
          <relations>             Tab-separated child and parent.

        OPTIONS:
          --dimension <n>         Embedding dimension. (default: 50)
          -q, --quiet             Print no progress.
          -o, --output <file>     Where to write.
          -h, --help              Show help information.

        """)
  }

  @Test func longLabelsWrapToTheNextLineAndTextWrapsAt80() {
    let row = HelpRenderer.row(
      "--burn-in-learning-rate <rate>",
      "Learning rate during the burn-in epochs, gensim's burn_in_alpha; it is usually small.")
    #expect(
      row == """
          --burn-in-learning-rate <rate>
                                  Learning rate during the burn-in epochs, gensim's
                                  burn_in_alpha; it is usually small.

        """)
  }

  @Test func rootHelpVersionAndUnknownSubcommand() {
    let version = runInProcess(["--version"])
    #expect(version.status == 0 && version.output == "0.1.0\n" && version.errors.isEmpty)
    let root = runInProcess(["--help"])
    #expect(root.status == 0 && root.output.hasPrefix("OVERVIEW: "))
    let unknown = runInProcess(["frobnicate"])
    #expect(unknown.status == 64 && unknown.output.isEmpty)
    #expect(unknown.errors.hasPrefix("Error: Unknown subcommand 'frobnicate'\n"))
  }
}
