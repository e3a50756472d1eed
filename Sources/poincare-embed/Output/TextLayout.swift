/// Column layout and trimming for the CLI's text, with the standard library only (Foundation's
/// `padding(toLength:…)` and `trimmingCharacters(in:)` would link its ICU data into the binary).
///
/// Widths count Characters, as the column widths computed from `count` do, so a name with a
/// combining accent or an emoji lines up with plain ones.
extension String {
  /// The string left-aligned in `width` columns: spaces after it; unchanged when as wide.
  func rightPadded(to width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }

  /// The string right-aligned in `width` columns: spaces before it; unchanged when as wide.
  func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}

extension StringProtocol {
  /// The text without the spaces and tabs around it: Foundation's `.whitespaces` (the tab and
  /// the Unicode space separators), not line breaks.
  func trimmingSpaces() -> String {
    let scalars = unicodeScalars
    let isSpace = { (scalar: Unicode.Scalar) in
      scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
    }
    guard let first = scalars.firstIndex(where: { !isSpace($0) }),
      let last = scalars.lastIndex(where: { !isSpace($0) })
    else { return "" }
    var trimmed = String.UnicodeScalarView()
    trimmed.append(contentsOf: scalars[first...last])
    return String(trimmed)
  }
}
