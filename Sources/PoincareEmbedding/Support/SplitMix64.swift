/// A seeded 64-bit generator whose sequence is fixed by this file alone: SplitMix64
/// ([Steele, Lea & Flood 2014](https://doi.org/10.1145/2714064.2660195)), with our own bounded
/// integers and shuffles so that a seed reproduces across Swift toolchains and platforms.
///
/// The standard library does not document how `random(in:using:)` maps bits to values, so it is
/// never used where a seed must reproduce.
public struct SplitMix64: Sendable {
  /// The whole state: a Weyl sequence counter.
  public var state: UInt64

  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  @inline(__always)
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform integer in `0..<bound`, by Lemire's multiply-shift with rejection
  /// ([Lemire 2019](https://arxiv.org/abs/1805.10941)): unbiased, usually one multiplication.
  ///
  /// - Precondition: `bound > 0`.
  @inline(__always)
  public mutating func next(below bound: UInt64) -> UInt64 {
    precondition(bound > 0, "empty range")
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
    }
    return product.high
  }

  /// A uniform integer in `0..<bound`.
  ///
  /// - Precondition: `bound > 0`.
  @inline(__always)
  public mutating func next(below bound: Int) -> Int {
    Int(next(below: UInt64(bound)))
  }

  /// Shuffles `elements` in place (Fisher–Yates, drawing from the back).
  public mutating func shuffle<T>(_ elements: inout [T]) {
    var index = elements.count
    while index > 1 {
      let other = next(below: index)
      index -= 1
      elements.swapAt(index, other)
    }
  }
}
