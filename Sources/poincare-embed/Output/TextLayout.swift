/// Column layout and trimming for the CLI's text, with the standard library only (Foundation's
/// `padding(toLength:…)` and `trimmingCharacters(in:)` would link its ICU data into the binary).
extension String {
  /// The text followed by spaces up to `width` characters; unchanged when already as wide.
  ///
  /// Widths count Characters, as the column widths computed from `count` do, so a name with a
  /// combining accent or an emoji lines up with plain ones.
  func padded(toWidth width: Int) -> String {
    self + String(repeating: " ", count: max(0, width - count))
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
