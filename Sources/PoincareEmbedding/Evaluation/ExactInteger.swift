/// A non-negative integer of any size, with just what the exact distance comparison needs:
/// addition, subtraction, multiplication and comparison.
///
/// Little-endian 64-bit limbs without leading zero limbs, so zero is `[]`. Used only on the rare
/// near-ties where floating point cannot decide which of two nodes is closer; speed is secondary.
struct ExactInteger: Comparable, Sendable {
  private(set) var limbs: [UInt64]

  /// Zero.
  init() { limbs = [] }

  /// `value · 2^shift`.
  init(_ value: UInt64, shiftedLeftBy shift: Int) {
    precondition(shift >= 0)
    limbs = []
    guard value != 0 else { return }
    let whole = shift / 64
    let bits = UInt64(shift % 64)
    limbs = Array(repeating: 0, count: whole)
    limbs.append(value << bits)
    if bits != 0 && value >> (64 - bits) != 0 { limbs.append(value >> (64 - bits)) }
  }

  var isZero: Bool { limbs.isEmpty }

  private mutating func normalize() {
    while let last = limbs.last, last == 0 { limbs.removeLast() }
  }

  static func + (a: ExactInteger, b: ExactInteger) -> ExactInteger {
    var result = ExactInteger()
    let count = max(a.limbs.count, b.limbs.count)
    result.limbs.reserveCapacity(count + 1)
    var carry: UInt64 = 0
    for index in 0..<count {
      let x = index < a.limbs.count ? a.limbs[index] : 0
      let y = index < b.limbs.count ? b.limbs[index] : 0
      let (partial, overflow1) = x.addingReportingOverflow(y)
      let (sum, overflow2) = partial.addingReportingOverflow(carry)
      result.limbs.append(sum)
      carry = (overflow1 ? 1 : 0) + (overflow2 ? 1 : 0)
    }
    if carry != 0 { result.limbs.append(carry) }
    return result
  }

  /// `a − b`.
  ///
  /// - Precondition: `a ≥ b`.
  static func - (a: ExactInteger, b: ExactInteger) -> ExactInteger {
    precondition(a >= b, "negative difference")
    var result = a
    var borrow: UInt64 = 0
    for index in 0..<a.limbs.count {
      let y = index < b.limbs.count ? b.limbs[index] : 0
      if y == 0 && borrow == 0 && index >= b.limbs.count { break }
      let (partial, overflow1) = a.limbs[index].subtractingReportingOverflow(y)
      let (difference, overflow2) = partial.subtractingReportingOverflow(borrow)
      result.limbs[index] = difference
      borrow = (overflow1 ? 1 : 0) + (overflow2 ? 1 : 0)
    }
    result.normalize()
    return result
  }

  static func * (a: ExactInteger, b: ExactInteger) -> ExactInteger {
    guard !a.isZero && !b.isZero else { return ExactInteger() }
    var limbs = [UInt64](repeating: 0, count: a.limbs.count + b.limbs.count)
    for (i, x) in a.limbs.enumerated() {
      var carry: UInt64 = 0
      for (j, y) in b.limbs.enumerated() {
        let (high, low) = x.multipliedFullWidth(by: y)
        let (sum1, overflow1) = limbs[i + j].addingReportingOverflow(low)
        let (sum2, overflow2) = sum1.addingReportingOverflow(carry)
        limbs[i + j] = sum2
        // high ≤ 2^64 − 2, so adding two carries cannot overflow.
        carry = high &+ (overflow1 ? 1 : 0) &+ (overflow2 ? 1 : 0)
      }
      limbs[i + b.limbs.count] = carry
    }
    var result = ExactInteger()
    result.limbs = limbs
    result.normalize()
    return result
  }

  static func < (a: ExactInteger, b: ExactInteger) -> Bool {
    if a.limbs.count != b.limbs.count { return a.limbs.count < b.limbs.count }
    for index in stride(from: a.limbs.count - 1, through: 0, by: -1)
    where a.limbs[index] != b.limbs[index] {
      return a.limbs[index] < b.limbs[index]
    }
    return false
  }
}
