#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Vocabulary {
  /// All node ids, sorted by name in UTF-8 byte order (the order of `LC_ALL=C sort` and of
  /// Python's `sorted` on strings); a name sorts before its extensions.
  ///
  /// - Complexity: O(n log n) name comparisons.
  public func idsSortedByName() -> [NodeID] {
    var ids = (0..<count).map { NodeID($0) }
    ids.sort { left, right in
      withNameBytes(of: Int(left)) { leftName in
        withNameBytes(of: Int(right)) { rightName in
          let common = min(leftName.count, rightName.count)
          let order =
            common == 0 ? 0 : memcmp(leftName.baseAddress!, rightName.baseAddress!, common)
          return order != 0 ? order < 0 : leftName.count < rightName.count
        }
      }
    }
    return ids
  }

  /// Up to `limit` names that `key` may have been meant as, best first, for "did you mean"
  /// messages.
  ///
  /// In order of preference: the same name in other letter case (ASCII); names that extend
  /// `key` with a `.` suffix (WordNet's `dog` → `dog.n.01`); names within a small edit distance
  /// (an edit is a wrong, missing or extra byte, or two swapped neighbours; 1 edit for names
  /// under 8 bytes, 2 under 12 bytes, 3 beyond). Ties in byte order of the names.
  /// - Complexity: O(count × length of the names), for a handful of bytes per name.
  public func suggestions(for key: String, limit: Int = 3) -> [String] {
    let target = Array(key.utf8)
    let lowerTarget = target.map(Self.asciiLowercase)
    let maxEdits = max(1, min(3, target.count / 4))
    var scored: [(score: Int, index: Int)] = []
    for index in 0..<count {
      let score: Int? = withNameBytes(of: index) { name in
        if name.count == target.count && name.map(Self.asciiLowercase) == lowerTarget {
          return 0
        }
        if name.count > target.count && name[target.count] == UInt8(ascii: ".")
          && name.starts(with: target)
        {
          return 1
        }
        return Self.editDistance(target, name, atMost: maxEdits).map { 1 + $0 }
      }
      if let score { scored.append((score, index)) }
    }
    return scored.map { (score: $0.score, name: name(of: $0.index)) }
      .sorted {
        $0.score != $1.score
          ? $0.score < $1.score : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
      }
      .prefix(limit).map(\.name)
  }

  /// The edit distance between two byte strings counting insertions, deletions, substitutions
  /// and swaps of adjacent bytes (optimal string alignment), or nil when it exceeds `bound`.
  static func editDistance(
    _ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>, atMost bound: Int
  ) -> Int? {
    if abs(a.count - b.count) > bound { return nil }
    if a.isEmpty { return b.count }
    var beforePrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      var rowMinimum = i
      for j in stride(from: 1, through: b.count, by: 1) {
        var best = min(
          previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), previous[j] + 1, current[j - 1] + 1)
        if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
          best = min(best, beforePrevious[j - 2] + 1)
        }
        current[j] = best
        rowMinimum = min(rowMinimum, best)
      }
      // A swap reaches back two rows, so stop only when two rows in a row exceed the bound.
      if rowMinimum > bound && previous.min()! > bound { return nil }
      (beforePrevious, previous, current) = (previous, current, beforePrevious)
    }
    return previous[b.count] <= bound ? previous[b.count] : nil
  }

  private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
  }
}
