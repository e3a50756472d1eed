/// Decides exactly which of two nodes is closer to a query node, in rational arithmetic.
///
/// For a fixed query u, the Poincaré distance
/// ```
/// d(u, x) = arcosh(1 + 2‖u − x‖² / ((1 − ‖u‖²)(1 − ‖x‖²)))
/// ```
/// increases with the *key* `k(x) = ‖u − x‖² / (1 − ‖x‖²)`. Every stored coordinate is a double,
/// that is an integer times a power of two, so after scaling all coordinates by one common power
/// of two the comparison `k(a) < k(b)`, i.e. `‖u−a‖²(1−‖b‖²) < ‖u−b‖²(1−‖a‖²)`, is a comparison of
/// integers, done here without any rounding.
///
/// Conventions for points that the ball cannot hold exactly: `k(x) = 0` when x equals u
/// coordinate for coordinate; otherwise `k(x) = +∞` when `‖x‖² ≥ 1` in exact arithmetic (a row
/// whose rounded norm passed the readers' `< 1` check). All `+∞` keys tie.
enum ExactKeyComparison {
  /// The order of `k(a)` and `k(b)` for query `u`: −1 when a is strictly closer, 0 when the
  /// distances are equal, 1 when b is strictly closer.
  ///
  /// - Complexity: O(dimension · w²) for coordinates spanning w 64-bit words of binary exponent.
  static func compare(
    query u: UnsafePointer<Double>, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
    dimension: Int
  ) -> Int {
    if (0..<dimension).allSatisfy({ a[$0] == b[$0] }) { return 0 }
    // The common scale: 2^lowest is the smallest unit in any coordinate involved.
    var lowest = Int.max
    for row in [u, a, b] {
      for index in 0..<dimension where row[index] != 0 {
        lowest = min(lowest, unitExponent(row[index]))
      }
    }
    // Not every coordinate is zero, because a ≠ b.
    let keyA = key(query: u, row: a, dimension: dimension, lowest: lowest)
    let keyB = key(query: u, row: b, dimension: dimension, lowest: lowest)
    switch (keyA, keyB) {
    case (.zero, .zero), (.infinite, .infinite): return 0
    case (.zero, _), (_, .infinite): return -1
    case (_, .zero), (.infinite, _): return 1
    case (.finite(let sa, let ta), .finite(let sb, let tb)):
      let left = sa * tb
      let right = sb * ta
      return left < right ? -1 : right < left ? 1 : 0
    }
  }

  /// `k(x)` as the exact fraction `numerator / denominator` (both scaled by `2^(2·lowest)`).
  private enum Key {
    case zero
    case finite(numerator: ExactInteger, denominator: ExactInteger)
    case infinite
  }

  private static func key(
    query u: UnsafePointer<Double>, row x: UnsafePointer<Double>, dimension: Int, lowest: Int
  ) -> Key {
    var squaredDistance = ExactInteger()
    var squaredNorm = ExactInteger()
    for index in 0..<dimension {
      let (uNegative, uMagnitude) = scaled(u[index], lowest: lowest)
      let (xNegative, xMagnitude) = scaled(x[index], lowest: lowest)
      let difference: ExactInteger
      if uNegative == xNegative {
        difference = uMagnitude < xMagnitude ? xMagnitude - uMagnitude : uMagnitude - xMagnitude
      } else {
        difference = uMagnitude + xMagnitude
      }
      squaredDistance = squaredDistance + difference * difference
      squaredNorm = squaredNorm + xMagnitude * xMagnitude
    }
    if squaredDistance.isZero { return .zero }
    // One, in units of 2^(2·lowest); lowest < 0 for every coordinate inside the ball.
    let one = ExactInteger(1, shiftedLeftBy: -2 * lowest)
    guard squaredNorm < one else { return .infinite }
    return .finite(numerator: squaredDistance, denominator: one - squaredNorm)
  }

  /// The exponent of the last significant bit of `value`: `value = m · 2^e` with m an odd integer.
  static func unitExponent(_ value: Double) -> Int {
    value.exponent - Int(value.significandWidth)
  }

  /// `|value| / 2^lowest` as an integer, and the sign of `value`.
  static func scaled(_ value: Double, lowest: Int) -> (negative: Bool, magnitude: ExactInteger) {
    guard value != 0 else { return (false, ExactInteger()) }
    let width = Int(value.significandWidth)
    // The significand times 2^width is the odd integer m < 2^53, computed exactly.
    let integer = UInt64(
      value.magnitude.significand * Double(sign: .plus, exponent: width, significand: 1))
    return (value < 0, ExactInteger(integer, shiftedLeftBy: value.exponent - width - lowest))
  }
}
