/// One tag value as OBO 1.4 reads it: escapes resolved (`\n`, `\t` and `\W` are a newline, a
/// tab and a space; `\x` is `x`), cut at an unescaped `!` (a comment) or `{` (a qualifier list,
/// which must close on the same line, followed by nothing but a comment), and split into
/// tokens at unescaped spaces and tabs. The buffers are reused from line to line.
struct OBOValue {
  private var bytes: [UInt8] = []
  private var tokens: [Range<Int>] = []

  /// The number of whitespace-separated tokens.
  var tokenCount: Int { tokens.count }

  /// Token `index`, unescaped.
  func token(_ index: Int) -> ArraySlice<UInt8> { bytes[tokens[index]] }

  /// The value from its first token to its last, inner whitespace as written.
  var text: String {
    guard let first = tokens.first, let last = tokens.last else { return "" }
    return String(decoding: bytes[first.lowerBound..<last.upperBound], as: UTF8.self)
  }

  mutating func parse(_ value: UnsafeBufferPointer<UInt8>, path: String, line: Int)
    throws(InputError)
  {
    bytes.removeAll(keepingCapacity: true)
    tokens.removeAll(keepingCapacity: true)
    var tokenStart: Int?
    var index = 0
    scan: while index < value.count {
      let byte = value[index]
      switch byte {
      case UInt8(ascii: "\\"):
        if tokenStart == nil { tokenStart = bytes.count }
        if index + 1 < value.count {
          switch value[index + 1] {
          case UInt8(ascii: "n"): bytes.append(0x0A)
          case UInt8(ascii: "t"): bytes.append(0x09)
          case UInt8(ascii: "W"): bytes.append(0x20)
          case let escaped: bytes.append(escaped)
          }
          index += 2
        } else {
          bytes.append(byte)
          index += 1
        }
        continue
      case 0x20, 0x09:
        if let start = tokenStart {
          tokens.append(start..<bytes.count)
          tokenStart = nil
        }
      case UInt8(ascii: "!"):
        break scan
      case UInt8(ascii: "{"):
        try Self.checkQualifiers(value, from: index, path: path, line: line)
        break scan
      default:
        if tokenStart == nil { tokenStart = bytes.count }
      }
      bytes.append(byte)
      index += 1
    }
    if let start = tokenStart { tokens.append(start..<bytes.count) }
  }

  /// Checks that the qualifier list opening at `start` closes on this line (quoted values may
  /// hold `}`, `!` and escaped quotes) and that only a comment follows it.
  private static func checkQualifiers(
    _ value: UnsafeBufferPointer<UInt8>, from start: Int, path: String, line: Int
  ) throws(InputError) {
    var index = start + 1
    var inQuotes = false
    while index < value.count {
      let byte = value[index]
      if inQuotes && byte == UInt8(ascii: "\\") {
        index += 2
        continue
      }
      if byte == UInt8(ascii: "\"") {
        inQuotes.toggle()
      } else if !inQuotes && byte == UInt8(ascii: "}") {
        break
      }
      index += 1
    }
    guard index < value.count else {
      throw InputError.malformed(
        path, line: line,
        "the qualifier list `{…` is not closed: no `}` before the end of the line",
        hint: "qualifiers look like `{is_inferred=\"true\"}` and end on the line they start; "
          + "write a literal brace in a value as `\\{`.")
    }
    let after = value[(index + 1)...].drop { $0 == 0x20 || $0 == 0x09 }
    if let next = after.first, next != UInt8(ascii: "!") {
      throw InputError.malformed(
        path, line: line,
        "text after the qualifier list: '\(NodeName.preview(UnsafeBufferPointer(rebasing: after)))'",
        hint: "only a `! comment` may follow the `{…}` qualifier list.")
    }
  }
}
