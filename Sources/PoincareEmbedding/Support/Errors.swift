/// Where in an input file a problem was found.
public enum InputLocation: Sendable, Equatable {
  /// The file as a whole (missing, unreadable, empty).
  case file
  /// A 1-based line number.
  case line(Int)
  /// A 0-based byte offset, for files addressed by offset (WordNet `data.*`).
  case byteOffset(Int)
}

/// A problem with an input file: missing, unreadable, or malformed at a known place.
///
/// The description reads `path:line: message`, which editors and terminals turn into links.
/// `hint`, when present, says how to fix the input; the command-line tool prints it on a second
/// line starting with `Hint:`.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    /// The path does not exist.
    case notFound
    /// The path exists but cannot be read (permissions, a directory, an I/O error).
    case unreadable
    /// The content breaks the format.
    case malformed
  }

  public var kind: Kind
  public var path: String
  public var location: InputLocation
  public var message: String
  public var hint: String?

  public init(
    _ kind: Kind, path: String, location: InputLocation = .file, message: String,
    hint: String? = nil
  ) {
    self.kind = kind
    self.path = path
    self.location = location
    self.message = message
    self.hint = hint
  }

  /// A malformed-content error at a 1-based line.
  public static func malformed(
    _ path: String, line: Int, _ message: String, hint: String? = nil
  ) -> InputError {
    InputError(.malformed, path: path, location: .line(line), message: message, hint: hint)
  }

  public var description: String {
    switch location {
    case .file: return "\(path): \(message)"
    case .line(let line): return "\(path):\(line): \(message)"
    case .byteOffset(let offset): return "\(path): byte offset \(offset): \(message)"
    }
  }
}

/// A problem creating or writing an output file.
public struct OutputError: Error, CustomStringConvertible, Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    /// The file (or its temporary sibling) cannot be created: a missing or read-only folder.
    case cannotCreate
    /// Writing, flushing or renaming failed part-way (a full disk, an I/O error).
    case ioError
  }

  public var kind: Kind
  public var path: String
  public var message: String

  public init(_ kind: Kind, path: String, message: String) {
    self.kind = kind
    self.path = path
    self.message = message
  }

  public var description: String { "\(path): \(message)" }
}

/// A hyper-parameter or option value outside its valid range, found before any work starts.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}

/// A node name asked for that a vectors file does not contain.
///
/// The description reads `path: no node named 'x' (among N nodes)`; `hint` suggests close names
/// when there are any.
public struct UnknownNodeError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The name asked for.
  public var key: String
  /// The vectors file searched, when known.
  public var path: String?
  /// How many nodes were searched.
  public var nodeCount: Int
  /// Existing names close to `key`, best first.
  public var suggestions: [String]

  public init(key: String, path: String? = nil, nodeCount: Int, suggestions: [String] = []) {
    self.key = key
    self.path = path
    self.nodeCount = nodeCount
    self.suggestions = suggestions
  }

  public var description: String {
    let message = "no node named '\(key)' (among \(nodeCount) nodes)"
    return path.map { "\($0): \(message)" } ?? message
  }

  /// `did you mean 'a', 'b'?`, or nil without suggestions.
  public var hint: String? {
    suggestions.isEmpty
      ? nil : "did you mean " + suggestions.map { "'\($0)'" }.joined(separator: ", ") + "?"
  }
}
