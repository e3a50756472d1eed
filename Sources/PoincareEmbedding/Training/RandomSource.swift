/// SplitMix64: a 64-bit generator used to expand seeds into independent streams.
///
/// See Steele, Lea & Flood, "Fast splittable pseudorandom number generators" (OOPSLA 2014).
public struct SplitMix64: Sendable {
  public var state: UInt64

  public init(seed: UInt64) { state = seed }

  @inline(__always)
  public mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}

/// xoshiro256**: the generator behind every random draw in training (initialisation,
/// shuffling, negative sampling).
///
/// We do not use the standard library's `random(in:using:)`, whose mapping from bits to values is
/// not documented and may change between toolchains; `bounded(_:)` and `unitInterval()` are
/// written out here so that a seed reproduces a run on any toolchain.
/// See Blackman & Vigna, "Scrambled linear pseudorandom number generators" (2021).
public struct RandomSource: Sendable, Equatable {
  /// The generator's 256-bit state (saved in checkpoints).
  public var state: (UInt64, UInt64, UInt64, UInt64)

  /// A stream determined by `seed` and the `stream` coordinates (e.g. epoch and worker), so
  /// that each epoch and each worker draws independently of the others.
  public init(seed: UInt64, stream: UInt64...) {
    var mixer = SplitMix64(seed: seed)
    for coordinate in stream {
      mixer = SplitMix64(seed: mixer.next() ^ (coordinate &* 0xd1b5_4a32_d192_ed03))
    }
    state = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
  }

  public init(state: (UInt64, UInt64, UInt64, UInt64)) { self.state = state }

  @inline(__always)
  public mutating func next() -> UInt64 {
    let result = rotateLeft(state.1 &* 5, by: 7) &* 9
    let shifted = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= shifted
    state.3 = rotateLeft(state.3, by: 45)
    return result
  }

  /// A uniform integer in `0..<bound`, exactly uniform (Lemire's multiply-shift with rejection).
  ///
  /// - Precondition: `bound > 0`.
  @inline(__always)
  public mutating func bounded(_ bound: UInt64) -> UInt64 {
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold {
        product = next().multipliedFullWidth(by: bound)
      }
    }
    return product.high
  }

  /// A uniform integer in `0..<bound`.
  @inline(__always)
  public mutating func bounded(_ bound: Int) -> Int { Int(bounded(UInt64(bound))) }

  /// A uniform double in [0, 1): the top 53 bits times 2⁻⁵³.
  @inline(__always)
  public mutating func unitInterval() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// Shuffles `elements` in place (Fisher–Yates, from the last position down).
  public mutating func shuffle<T>(_ elements: UnsafeMutableBufferPointer<T>) {
    var index = elements.count
    while index > 1 {
      let other = bounded(index)
      index -= 1
      elements.swapAt(index, other)
    }
  }

  /// Shuffles the relations of an interleaved pair list in place, keeping each pair together.
  public mutating func shufflePairs(_ pairs: UnsafeMutableBufferPointer<NodeID>) {
    var index = pairs.count / 2
    while index > 1 {
      let other = bounded(index)
      index -= 1
      pairs.swapAt(2 * index, 2 * other)
      pairs.swapAt(2 * index + 1, 2 * other + 1)
    }
  }

  @inline(__always)
  private func rotateLeft(_ value: UInt64, by amount: UInt64) -> UInt64 {
    (value << amount) | (value >> (64 - amount))
  }

  public static func == (lhs: RandomSource, rhs: RandomSource) -> Bool {
    lhs.state == rhs.state
  }
}
