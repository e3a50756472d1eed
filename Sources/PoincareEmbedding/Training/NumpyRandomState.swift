// Goal: the exact draws of numpy's legacy `numpy.random.RandomState(seed)` for the methods gensim's
// `PoincareModel` calls, so that `GensimReplay` reproduces gensim's runs. Each method follows
// numpy's C code path for the legacy generator (numpy 2.4: `_mt19937.pyx`, `mtrand.pyx`,
// `_bounded_integers.pyx`, `distributions.c`), including how many 32-bit words each draw consumes;
// the interop check `Tests/interop/numpy-random-check.py` compares every method with numpy.

/// numpy's legacy `RandomState` on its MT19937 generator, for the methods gensim's Poincaré model
/// uses: `random_sample`, `uniform`, `randint`, `shuffle` and `choice(replace=False, p=...)`.
///
/// ```swift
/// var random = NumpyRandomState(seed: 0)
/// random.randomSample()  // 0.5488135039273248, as numpy.random.RandomState(0).random_sample()
/// ```
public struct NumpyRandomState: Sendable {
  private static let stateLength = 624
  private var key: [UInt32]
  private var position: Int

  /// numpy's `RandomState(seed)` for an integer seed: MT19937's `init_genrand` (numpy's
  /// `_legacy_seeding` → `mt19937_seed`). numpy accepts seeds up to 2³² − 1.
  public init(seed: UInt32) {
    key = [UInt32](repeating: 0, count: Self.stateLength)
    var value = seed
    for index in 0..<Self.stateLength {
      key[index] = value
      value = 1_812_433_253 &* (value ^ (value >> 30)) &+ UInt32(index + 1)
    }
    position = Self.stateLength
  }

  /// The next 32-bit output of MT19937 (numpy's `mt19937_next32`).
  public mutating func nextUInt32() -> UInt32 {
    if position == Self.stateLength { regenerate() }
    var y = key[position]
    position += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9d2c_5680
    y ^= (y << 15) & 0xefc6_0000
    return y ^ (y >> 18)
  }

  /// A double in [0, 1) from two 32-bit outputs, 27 and 26 bits (numpy's `random_sample`,
  /// `rand`, `mt19937_next_double`).
  public mutating func randomSample() -> Double {
    let high = Double(nextUInt32() >> 5)
    let low = Double(nextUInt32() >> 6)
    return (high * 67_108_864 + low) / 9_007_199_254_740_992
  }

  /// numpy's `uniform(low, high)`: `low + (high − low) · random_sample()`.
  public mutating func uniform(low: Double, high: Double) -> Double {
    low + (high - low) * randomSample()
  }

  /// numpy's legacy `randint(low, high)` for the default int64 dtype: a value in `low..<high`
  /// by masked rejection (numpy's `_rand_int64` with `use_masked`, then
  /// `random_bounded_uint64_fill`): 32-bit outputs when `high − 1 − low` fits in 32 bits,
  /// otherwise 64-bit ones (two outputs, high word first).
  ///
  /// - Precondition: `low < high`.
  public mutating func randint(_ low: Int64, _ high: Int64) -> Int64 {
    precondition(low < high, "randint needs low < high")
    let range = UInt64(bitPattern: high &- 1 &- low)
    return low &+ Int64(bitPattern: boundedMasked(range))
  }

  /// A value in `0...max` by masked rejection (numpy's `random_interval`, used by `shuffle`).
  public mutating func interval(_ max: UInt64) -> UInt64 { boundedMasked(max) }

  /// numpy's legacy `shuffle` of a Python list: for i from n − 1 down to 1, swap element i with
  /// element `random_interval(i)`.
  public mutating func shuffle<T>(_ elements: inout [T]) {
    var index = elements.count - 1
    while index >= 1 {
      let other = Int(interval(UInt64(index)))
      elements.swapAt(index, other)
      index -= 1
    }
  }

  /// numpy's legacy `choice(n, size: count, replace=False, p=probabilities)`: the positions
  /// chosen, in numpy's order.
  ///
  /// numpy draws the missing count of doubles, zeroes the probabilities already chosen, builds
  /// the cumulative sum in order and divides it by its last value, finds each draw with a
  /// right-sided binary search, and keeps the first occurrence of each new position; it repeats
  /// until `count` positions are chosen.
  ///
  /// - Precondition: at least `count` probabilities are positive.
  public mutating func choiceWithoutReplacement(count: Int, probabilities: [Double]) -> [Int] {
    precondition(
      probabilities.lazy.filter { $0 > 0 }.count >= count, "Fewer non-zero entries in p than size")
    var weights = probabilities
    var cumulative = [Double](repeating: 0, count: weights.count)
    var found: [Int] = []
    found.reserveCapacity(count)
    while found.count < count {
      let draws = (0..<(count - found.count)).map { _ in randomSample() }
      for chosen in found { weights[chosen] = 0 }
      var sum = 0.0
      for index in weights.indices {
        sum += weights[index]
        cumulative[index] = sum
      }
      let last = cumulative[cumulative.count - 1]
      for index in cumulative.indices { cumulative[index] /= last }
      let roundStart = found.count
      for draw in draws {
        let position = Self.firstIndex(in: cumulative, greaterThan: draw)
        if !found[roundStart...].contains(position) { found.append(position) }
      }
    }
    return found
  }

  /// numpy's `add.reduce` of float64 values (`sum()`): pairwise summation, blocks of up to 128
  /// values summed in 8 interleaved partial sums (numpy's `DOUBLE_pairwise_sum`).
  public static func pairwiseSum(_ values: ArraySlice<Double>) -> Double {
    let count = values.count
    let start = values.startIndex
    if count < 8 {
      var result = -0.0
      for value in values { result += value }
      return result
    }
    if count <= 128 {
      var partial = Array(values[start..<(start + 8)])
      var index = 8
      while index < count - count % 8 {
        for lane in 0..<8 { partial[lane] += values[start + index + lane] }
        index += 8
      }
      var result =
        ((partial[0] + partial[1]) + (partial[2] + partial[3]))
        + ((partial[4] + partial[5]) + (partial[6] + partial[7]))
      while index < count {
        result += values[start + index]
        index += 1
      }
      return result
    }
    var half = count / 2
    half -= half % 8
    return pairwiseSum(values[start..<(start + half)])
      + pairwiseSum(values[(start + half)..<values.endIndex])
  }

  /// numpy's `searchsorted(x, side='right')` on a non-decreasing array: the number of values ≤ x.
  static func firstIndex(in sorted: [Double], greaterThan value: Double) -> Int {
    var low = 0
    var high = sorted.count
    while low < high {
      let middle = (low + high) / 2
      if sorted[middle] <= value { low = middle + 1 } else { high = middle }
    }
    return low
  }

  /// A value in `0...range`: the smallest all-ones mask covering `range`, outputs masked and
  /// rejected while above `range`.
  private mutating func boundedMasked(_ range: UInt64) -> UInt64 {
    if range == 0 { return 0 }
    var mask = range
    for shift: UInt64 in [1, 2, 4, 8, 16, 32] { mask |= mask >> shift }
    if range <= UInt64(UInt32.max) {
      while true {
        let value = UInt64(nextUInt32()) & mask
        if value <= range { return value }
      }
    }
    while true {
      let value = ((UInt64(nextUInt32()) << 32) | UInt64(nextUInt32())) & mask
      if value <= range { return value }
    }
  }

  /// MT19937's state update (numpy's `mt19937_gen`).
  private mutating func regenerate() {
    let n = Self.stateLength
    let m = 397
    let upper: UInt32 = 0x8000_0000
    let lower: UInt32 = 0x7fff_ffff
    for index in 0..<n {
      let y = (key[index] & upper) | (key[(index + 1) % n] & lower)
      key[index] = key[(index + m) % n] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_b0df)
    }
    position = 0
  }
}
