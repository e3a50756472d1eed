@testable import PoincareEmbedding

/// Seeded mutations of valid inputs, for fuzz-style tests that reproduce from their seed: bit
/// flips, byte insertions and deletions, truncation, splicing two inputs, and the bytes that
/// break parsers (`\t`, `\n`, `\r`, NUL, 0xFF, quotes, spaces, long numbers).
///
/// Every draw comes from `RandomSource`, so the same seed gives the same inputs on any machine.
struct ByteMutator {
  var random: RandomSource

  /// Single bytes and tokens worth inserting or writing over.
  static let tokens: [[UInt8]] = [
    [0x09], [0x0A], [0x0D], [0x0D, 0x0A], [0x00], [0xFF], [0x22], [0x22, 0x22], [0x20],
    [0x2C], [0x7C], [0x40], [0x80], [0xC3], [0xEF, 0xBB, 0xBF], Array("-1".utf8), Array("0".utf8),
    Array("nan".utf8), Array("inf".utf8), Array("1e309".utf8), Array("0.9999999999999999".utf8),
    Array("99999999999999999999".utf8), Array("4611686018427387904".utf8),
    Array("00000000".utf8), Array("@i".utf8), Array("~i".utf8), Array(" n 0000".utf8),
  ]

  init(seed: UInt64, stream: UInt64) {
    random = RandomSource(seed: seed, stream: stream)
  }

  /// `input` changed by one to four mutations; `other` is the partner of a splice.
  mutating func mutate(_ input: [UInt8], splicingWith other: [UInt8]) -> [UInt8] {
    var bytes = input
    for _ in 0...random.bounded(4) {
      switch random.bounded(9) {
      case 0 where !bytes.isEmpty:  // flip one bit
        let index = random.bounded(bytes.count)
        bytes[index] ^= 1 << UInt8(random.bounded(8))
      case 1 where !bytes.isEmpty:  // overwrite with a token's first byte or a random byte
        let index = random.bounded(bytes.count)
        bytes[index] =
          random.bounded(2) == 0
          ? Self.tokens[random.bounded(Self.tokens.count)][0] : UInt8(random.bounded(256))
      case 2, 3:  // insert a token
        bytes.insert(
          contentsOf: Self.tokens[random.bounded(Self.tokens.count)], at: position(in: bytes))
      case 4 where !bytes.isEmpty:  // delete a run
        let start = random.bounded(bytes.count)
        bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.bounded(8)))
      case 5 where !bytes.isEmpty:  // repeat a run
        let start = random.bounded(bytes.count)
        let run = bytes[start..<min(bytes.count, start + 1 + random.bounded(16))]
        bytes.insert(contentsOf: run, at: position(in: bytes))
      case 6:  // truncate
        bytes.removeSubrange(position(in: bytes)...)
      case 7:  // splice: a prefix of this input, a suffix of the other
        bytes = Array(bytes[..<position(in: bytes)] + other[position(in: other)...])
      default:  // copy a digit over a digit, to change numbers while keeping them numbers
        if let index = bytes.indices.randomDigit(in: bytes, using: &random) {
          bytes[index] = UInt8(ascii: "0") + UInt8(random.bounded(10))
        }
      }
    }
    return bytes
  }

  /// A uniform insertion point, `0...bytes.count`.
  private mutating func position(in bytes: [UInt8]) -> Int { random.bounded(bytes.count + 1) }
}

extension Range<Int> {
  /// A random index of a decimal digit of `bytes`, trying a few positions.
  fileprivate func randomDigit(in bytes: [UInt8], using random: inout RandomSource) -> Int? {
    guard !isEmpty else { return nil }
    for _ in 0..<8 {
      let index = random.bounded(count)
      if bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") { return index }
    }
    return nil
  }
}
