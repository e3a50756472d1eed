import Testing

@testable import poincare_embed

/// The CLI's own padding and trimming (Foundation's would link its ICU data into the binary).
@Suite struct TextLayoutTests {
  @Test func paddingFillsToTheWidthInCharactersOnEitherSideAndNeverCuts() {
    #expect("ab".rightPadded(to: 5) == "ab   ")
    #expect("abcde".rightPadded(to: 5) == "abcde")
    #expect("abcdef".rightPadded(to: 3) == "abcdef")
    #expect("".rightPadded(to: 2) == "  ")
    // One Character each: a combining accent and an emoji take one column of the layout.
    #expect("e\u{301}".rightPadded(to: 3) == "e\u{301}  ")
    #expect("🦊".rightPadded(to: 2) == "🦊 ")
    #expect("7".leftPadded(to: 3) == "  7")
    #expect("1234".leftPadded(to: 3) == "1234")
    #expect("é".leftPadded(to: 2) == " é")
  }

  @Test func trimmingRemovesSpacesAndTabsAroundOnly() {
    #expect(" \t0.5\u{00A0} ".trimmingSpaces() == "0.5")
    #expect("1 2".trimmingSpaces() == "1 2")
    #expect(" \t ".trimmingSpaces() == "")
    #expect("".trimmingSpaces() == "")
    // Line breaks are not spaces (Foundation's `.whitespaces` leaves them too).
    #expect("\n1\n".trimmingSpaces() == "\n1\n")
    #expect("x ,y"[..<"x ,y".firstIndex(of: ",")!].trimmingSpaces() == "x")
  }

  @Test func anInitRangeMayHaveSpacesAroundItsNumbers() throws {
    #expect(try TrainCommand.parseRange(" 0.002 ") == -0.002...0.002)
    #expect(try TrainCommand.parseRange("-0.01 , 0.02") == -0.01...0.02)
    #expect(throws: CommandLineError.self) { try TrainCommand.parseRange("0.0 1") }
  }
}
