/// A JSON document built in code and rendered deterministically: object members keep the order
/// they were added in, numbers use Swift's shortest round-trip form (`4.527873325454145`,
/// `1e-05`), and non-finite numbers, which JSON cannot hold, become `null`.
enum JSONValue: Equatable {
  case null
  case bool(Bool)
  case integer(Int)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.rendered() == rhs.rendered() }

  /// The text, indented by 2 spaces a level. Arrays and objects holding only scalars stay on
  /// one line, so a list of `{"node": …, "distance": …}` reads as a table.
  func rendered(indent: Int = 0) -> String {
    switch self {
    case .null: return "null"
    case .bool(let value): return value ? "true" : "false"
    case .integer(let value): return String(value)
    case .number(let value): return value.isFinite ? value.description : "null"
    case .string(let value): return Self.quoted(value)
    case .array(let elements):
      if elements.isEmpty { return "[]" }
      if elements.allSatisfy(\.isScalar) {
        return "[" + elements.map { $0.rendered() }.joined(separator: ", ") + "]"
      }
      return block("[", "]", elements.map { $0.rendered(indent: indent + 2) }, indent: indent)
    case .object(let members):
      if members.isEmpty { return "{}" }
      if members.allSatisfy(\.1.isScalar) {
        return "{"
          + members.map { Self.quoted($0.0) + ": " + $0.1.rendered() }
          .joined(separator: ", ") + "}"
      }
      return block(
        "{", "}", members.map { Self.quoted($0.0) + ": " + $0.1.rendered(indent: indent + 2) },
        indent: indent)
    }
  }

  private var isScalar: Bool {
    switch self {
    case .array, .object: return false
    default: return true
    }
  }

  private func block(_ open: String, _ close: String, _ lines: [String], indent: Int) -> String {
    let inner = String(repeating: " ", count: indent + 2)
    return open + "\n" + lines.map { inner + $0 }.joined(separator: ",\n") + "\n"
      + String(repeating: " ", count: indent) + close
  }

  /// A JSON string literal: `"` and `\` escaped, control characters as `\uXXXX`.
  static func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\t": result += "\\t"
      case "\r": result += "\\r"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result + "\""
  }
}
