#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A node's row in every table: its index in the vocabulary (gensim's `kv.get_index(key)`).
///
/// Stored as 32 bits, which halves the memory of relation lists with millions of pairs.
public typealias NodeID = Int32

/// Node names, their indices and their counts: gensim's `index_to_key`, `key_to_index` and the
/// `count` attribute that `PoincareModel.build_vocab` fills in.
///
/// Indices are assigned in order of first appearance. Names live in one byte arena with an
/// open-addressing hash index over them, so interning a name read from a file allocates nothing
/// per line.
public struct Vocabulary: Sendable {
  private var nameBytes: [UInt8] = []
  private var nameStarts: [Int] = [0]
  /// gensim's `count` per node: occurrences in either column of the relations, duplicates
  /// included (a self-loop counts twice).
  public internal(set) var counts: [Int] = []
  private var slots: [Int32] = Array(repeating: -1, count: 1024)

  public init() {}

  /// Builds a vocabulary from names in index order, each with count 0.
  ///
  /// - Precondition: the names are distinct.
  public init(names: some Sequence<String>) {
    for name in names {
      var name = name
      let (_, isNew) = name.withUTF8 { intern($0) }
      precondition(isNew, "duplicate name \(name)")
    }
  }

  /// The number of nodes.
  public var count: Int { counts.count }

  /// The name of node `id` (gensim's `index_to_key[id]`).
  public func name(of id: Int) -> String {
    nameBytes.withUnsafeBufferPointer {
      String(decoding: $0[nameStarts[id]..<nameStarts[id + 1]], as: UTF8.self)
    }
  }

  /// The UTF-8 bytes of the name of node `id`, without copying.
  public func withNameBytes<R>(of id: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R)
    rethrows -> R
  {
    try nameBytes.withUnsafeBufferPointer {
      try body(UnsafeBufferPointer(rebasing: $0[nameStarts[id]..<nameStarts[id + 1]]))
    }
  }

  /// All names in index order.
  public var names: [String] { (0..<count).map { name(of: $0) } }

  /// The index of `name` (gensim's `get_index`), or nil when it is not in the vocabulary.
  public func index(of name: String) -> Int? {
    var name = name
    return name.withUTF8 { find($0).map(Int.init) }
  }

  /// Returns the node for `bytes`, adding it with count 0 when it is new.
  ///
  /// - Complexity: O(length of the name) on average.
  @discardableResult
  public mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> (id: NodeID, isNew: Bool) {
    let hash = Self.hash(bytes)
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let occupant = slots[slot]
      if occupant < 0 { break }
      if nameEquals(Int(occupant), bytes) { return (occupant, false) }
      slot = (slot + 1) & mask
    }
    let id = NodeID(counts.count)
    nameBytes.append(contentsOf: bytes)
    nameStarts.append(nameBytes.count)
    counts.append(0)
    slots[slot] = id
    if counts.count * 2 > slots.count { rehash(capacity: slots.count * 2) }
    return (id, true)
  }

  /// Adds one occurrence to the count of `id`.
  @inline(__always)
  mutating func addOccurrence(of id: NodeID) { counts[Int(id)] += 1 }

  /// Replaces every count (for vectors files that carry no counts, and for checkpoints).
  public mutating func setCounts(_ newCounts: [Int]) {
    precondition(newCounts.count == counts.count)
    counts = newCounts
  }

  func find(_ bytes: UnsafeBufferPointer<UInt8>) -> NodeID? {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: Self.hash(bytes)) & mask
    while true {
      let occupant = slots[slot]
      if occupant < 0 { return nil }
      if nameEquals(Int(occupant), bytes) { return occupant }
      slot = (slot + 1) & mask
    }
  }

  private func nameEquals(_ id: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let start = nameStarts[id]
    let length = nameStarts[id + 1] - start
    guard length == bytes.count else { return false }
    if length == 0 { return true }
    return nameBytes.withUnsafeBufferPointer {
      memcmp($0.baseAddress! + start, bytes.baseAddress!, length) == 0
    }
  }

  private mutating func rehash(capacity: Int) {
    slots = Array(repeating: -1, count: capacity)
    let mask = capacity - 1
    for id in 0..<counts.count {
      let hash = nameBytes.withUnsafeBufferPointer {
        Self.hash(UnsafeBufferPointer(rebasing: $0[nameStarts[id]..<nameStarts[id + 1]]))
      }
      var slot = Int(truncatingIfNeeded: hash) & mask
      while slots[slot] >= 0 { slot = (slot + 1) & mask }
      slots[slot] = NodeID(id)
    }
  }

  /// FNV-1a over the bytes, finished with a multiply-xorshift so that the low bits (the slot)
  /// depend on every byte.
  private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    hash ^= hash >> 29
    hash = hash &* 0xbf58_476d_1ce4_e5b9
    return hash ^ (hash >> 32)
  }
}
