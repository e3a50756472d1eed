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

  /// Up to `limit` names close to `name`, for "did you mean" messages: the names that extend
  /// `name` past a `.` (`dog` → `dog.n.01`), else the names at the smallest edit distance, if
  /// that distance is small for the name's length.
  ///
  /// - Complexity: O(n × length²) in the worst case; names whose length differs too much are
  ///   skipped without comparing.
  public func suggestions(for name: String, limit: Int = 3) -> [String] {
    let query = Array(name.utf8)
    guard !query.isEmpty else { return [] }
    let prefix = query + [UInt8(ascii: ".")]
    var extensions: [Int] = []
    var bestDistance = max(2, query.count / 4)
    var best: [Int] = []
    var distances = EditDistance()
    for id in 0..<count {
      withNameBytes(of: id) { candidate in
        if candidate.starts(with: prefix) {
          extensions.append(id)
          return
        }
        guard abs(candidate.count - query.count) <= bestDistance else { return }
        let distance = distances.between(query, candidate, atMost: bestDistance)
        if distance < bestDistance {
          bestDistance = distance
          best = [id]
        } else if distance == bestDistance {
          best.append(id)
        }
      }
    }
    let chosen = extensions.isEmpty ? best : extensions
    return chosen.map { self.name(of: $0) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      .prefix(limit).map { $0 }
  }
}

/// Levenshtein distance over bytes with one reused row, stopping early once it must exceed a
/// bound.
private struct EditDistance {
  private var previous: [Int] = []
  private var current: [Int] = []

  /// The edit distance between `a` and `b`, or some value above `bound` when it exceeds `bound`.
  mutating func between(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>, atMost bound: Int) -> Int {
    previous.removeAll(keepingCapacity: true)
    previous.append(contentsOf: 0...b.count)
    current = previous
    for i in 1...a.count {
      current[0] = i
      var rowMinimum = i
      for j in b.indices {
        let substitution = previous[j] + (a[i - 1] == b[j] ? 0 : 1)
        let value = min(substitution, previous[j + 1] + 1, current[j] + 1)
        current[j + 1] = value
        rowMinimum = min(rowMinimum, value)
      }
      if rowMinimum > bound { return bound + 1 }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
