/// Builds WNDB files (`man 5 wndb`) from readable lines: a line starting with `{label}` is a
/// synset line whose offset is `label`, and every `{label}` anywhere becomes that line's byte
/// offset as 8 digits, as in WordNet's own files.
enum WordNetFixture {
  /// The text of `lines` with the placeholders resolved against the offsets of `offsetLines`
  /// (by default the lines themselves: a data file).
  static func resolve(_ lines: [String], offsetsFrom offsetLines: [String]? = nil) -> String {
    let offsets = self.offsets(of: offsetLines ?? lines)
    return lines.map { substitute($0) { eightDigits(offsets[$0] ?? 99_999_999) } + "\n" }
      .joined()
  }

  /// The byte offset of each labelled line of a data file.
  static func offsets(of lines: [String]) -> [String: Int] {
    var offsets: [String: Int] = [:]
    var position = 0
    for line in lines {
      if line.hasPrefix("{"), let close = line.firstIndex(of: "}") {
        offsets[String(line[line.index(after: line.startIndex)..<close])] = position
      }
      position += substitute(line) { _ in "00000000" }.utf8.count + 1
    }
    return offsets
  }

  /// `value` as 8 zero-padded decimal digits, as WNDB writes offsets.
  static func eightDigits(_ value: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }

  private static func substitute(_ line: String, _ value: (String) -> String) -> String {
    var result = ""
    var rest = line[...]
    while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
      result += rest[..<open]
      result += value(String(rest[rest.index(after: open)..<close]))
      rest = rest[rest.index(after: close)...]
    }
    return result + rest
  }
}
