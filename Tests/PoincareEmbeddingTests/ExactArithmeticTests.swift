import TestSupport
import Testing

@testable import PoincareEmbedding

@Suite struct ExactIntegerTests {
  func integer(_ value: UInt64) -> ExactInteger { ExactInteger(value, shiftedLeftBy: 0) }

  @Test func smallValuesMatchMachineArithmetic() {
    let values: [UInt64] = [0, 1, 2, 3, 255, 1 << 32, (1 << 32) - 1, 123_456_789]
    for a in values {
      for b in values {
        let (sum, carry) = a.addingReportingOverflow(b)
        #expect(
          (integer(a) + integer(b)) == ExactInteger(carry ? 1 : 0, shiftedLeftBy: 64) + integer(sum)
        )
        let (high, low) = a.multipliedFullWidth(by: b)
        #expect((integer(a) * integer(b)) == ExactInteger(high, shiftedLeftBy: 64) + integer(low))
        #expect((integer(a) < integer(b)) == (a < b))
        if a >= b { #expect((integer(a) - integer(b)) == integer(a - b)) }
      }
    }
  }

  @Test func carriesAndBorrowsAcrossLimbs() {
    let max = integer(UInt64.max)
    let twoTo64 = ExactInteger(1, shiftedLeftBy: 64)
    #expect(max + integer(1) == twoTo64)
    #expect(twoTo64 - integer(1) == max)
    // (2^64 − 1)² = 2^128 − 2^65 + 1
    let square = max * max
    let expected =
      ExactInteger(1, shiftedLeftBy: 128) - ExactInteger(1, shiftedLeftBy: 65) + integer(1)
    #expect(square == expected)
    #expect(ExactInteger(3, shiftedLeftBy: 130).limbs == [0, 0, 12])
    #expect(ExactInteger(UInt64.max, shiftedLeftBy: 4).limbs == [UInt64.max << 4, 15])
    #expect((twoTo64 - twoTo64).isZero)
  }
}

@Suite struct ExactKeyComparisonTests {
  @Test(arguments: [
    0.5, 0.1, -0.3, 1e-300, Double.leastNonzeroMagnitude, -2.2250738585072014e-308,
    0.9999999999999999,
  ])
  func doublesDecomposeExactly(value: Double) {
    // value = ±m · 2^e with m an odd integer: rebuild it from the scaled integer.
    let lowest = ExactKeyComparison.unitExponent(value)
    let (negative, magnitude) = ExactKeyComparison.scaled(value, lowest: lowest)
    #expect(negative == (value < 0))
    #expect(magnitude.limbs.count == 1 && magnitude.limbs[0] % 2 == 1)
    let rebuilt = Double(
      sign: negative ? .minus : .plus, exponent: lowest, significand: Double(magnitude.limbs[0]))
    #expect(rebuilt == value)
  }

  func compare(_ u: [Double], _ a: [Double], _ b: [Double]) -> Int {
    ExactKeyComparison.compare(query: u, a, b, dimension: u.count)
  }

  @Test func ordersByDistance() {
    #expect(compare([0, 0], [0.1, 0], [0.2, 0]) == -1)
    #expect(compare([0, 0], [0.2, 0], [0.1, 0]) == 1)
    // Mirror images and a rotation: equal distances from the origin.
    #expect(compare([0, 0], [0.5, 0], [-0.5, 0]) == 0)
    #expect(compare([0, 0], [0.5, 0], [0, 0.5]) == 0)
    // u itself is at distance 0.
    #expect(compare([0.3, 0.4], [0.3, 0.4], [0.3, 0.41]) == -1)
    #expect(compare([0.3, 0.4], [0.3, 0.4], [0.3, 0.4]) == 0)
  }

  @Test func decidesBelowDoubleResolution() {
    // ‖w‖² = 0.25 + 1e-40: doubles cannot see the difference, integers can.
    #expect(compare([0, 0], [0.5, 0], [0.5, 1e-20]) == -1)
    #expect(compare([0, 0], [0.5, 1e-20], [0.5, 0]) == 1)
    // Subnormal coordinates.
    #expect(
      compare([0, 0], [Double.leastNonzeroMagnitude, 0], [2 * Double.leastNonzeroMagnitude, 0])
        == -1)
  }

  @Test func theBoundaryMattersNotOnlyTheEuclideanDistance() {
    // Equal Euclidean distance from u, but b is nearer the boundary, hence farther in the ball.
    #expect(compare([0.5, 0], [0.25, 0], [0.75, 0]) == -1)
    // A point whose rounded norm passed `< 1` but whose exact norm does not is infinitely far.
    let outside = [0.7071067811865476, 0.7071067811865476]
    #expect(outside[0] * outside[0] + outside[1] * outside[1] == 1.0000000000000002)
    #expect(compare([0, 0], [0.9, 0], outside) == -1)
  }
}

@Suite struct AveragePrecisionTests {
  /// numpy 2.4.6 `np.mean(a)` of `a = [(i*7919 % 1000)/997 + 1/(i+1) for i in range(n)]`, as
  /// float.hex. A left-to-right sum differs for 16, 17, 128, 129, 300, 1000 and 4099 elements.
  static let numpyMeans: [(Int, String)] = [
    (1, "0x1.0000000000000p+0"), (5, "0x1.18b9e354ab4dap+0"), (8, "0x1.ddb3bf1e28d56p-1"),
    (9, "0x1.c307be97960d5p-1"), (15, "0x1.71dc813d22972p-1"), (16, "0x1.75f0cb22a35d9p-1"),
    (17, "0x1.76fb7adc08431p-1"), (127, "0x1.144b0dc2dc66ep-1"), (128, "0x1.1506c6bd2a007p-1"),
    (129, "0x1.156cfa6f5d2a9p-1"), (300, "0x1.0bbfdedb317a4p-1"), (1000, "0x1.04589a1f052ffp-1"),
    (4099, "0x1.01739dc1a2cd6p-1"),
  ]

  @Test(arguments: numpyMeans)
  func meanMatchesNumpyBitForBit(count: Int, hex: String) throws {
    var values: [Double] = []
    for i in 0..<count {
      let first: Double = Double((i * 7919) % 1000) / 997.0
      values.append(first + 1.0 / Double(i + 1))
    }
    let expected = try #require(Double(hex))
    #expect(AveragePrecision.mean(values) == expected)
  }

  @Test func averagePrecisionOfHandRankings() {
    var scratch: [Double] = []
    func ap(_ ranks: [Int]) -> Double {
      ranks.withUnsafeBufferPointer { AveragePrecision.of(sortedRanks: $0, scratch: &scratch) }
    }
    #expect(ap([1, 1, 1]) == 1)
    #expect(ap([3, 4]) == (1.0 / 3 + 2.0 / 5) / 2)  // gensim's check value, 0.3667
    #expect(ap([2]) == 0.5)
    #expect(ap([2, 2]) == (1.0 / 2 + 2.0 / 3) / 2)
  }
}
