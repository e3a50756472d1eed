import Testing

@testable import poincare_embed

/// The CLI's own padding and trimming (Foundation's would link its ICU data into the binary).
@Suite struct TextLayoutTests {
  @Test func paddingFillsToTheWidthInCharactersAndNeverCuts() {
    #expect("ab".padded(toWidth: 5) == "ab   ")
    #expect("abcde".padded(toWidth: 5) == "abcde")
    #expect("abcdef".padded(toWidth: 3) == "abcdef")
    #expect("".padded(toWidth: 2) == "  ")
    // One Character each: a combining accent and an emoji take one column of the layout.
    #expect("e\u{301}".padded(toWidth: 3) == "e\u{301}  ")
    #expect("🦊".padded(toWidth: 2) == "🦊 ")
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
