// Goals, in priority order:
// 1. Every prediction strictly inside the ball, by construction: norm ≤ 1 − ε for any finite
//    network output, however large.
// 2. Finite, continuous gradients everywhere, including a zero network output.
// 3. Radially well conditioned: d(0, v) grows linearly with the network output, so deep nodes
//    are reached without the outputs or the gradients blowing up.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How the network's last (linear) layer is turned into a point of the Poincaré ball.
///
/// - `expMap`: the exponential map at the origin, shrunk by 1 − ε. The last layer gives
///   g ∈ Rᵈ and
///   ```
///   v = (1 − ε) · tanh(‖g‖) · g/‖g‖        (v = (1 − ε)·g near g = 0: tanh(r)/r → 1)
///   ```
///   d(0, v) ≈ 2‖g‖: the Riemannian length of g.
/// - `directionNorm`: Dhingra et al. 2018 ("Embedding Text in Hyperbolic Spaces"): a direction
///   and a norm from separate outputs. The last layer gives g ∈ Rᵈ and η ∈ R, and
///   ```
///   v = (1 − ε) · σ(η) · g/√(‖g‖² + δ²)    (δ = 1e-6)
///   ```
///   d(0, v) ≈ η + ln 2 for large η. δ keeps the direction defined at g = 0 (there v = 0) at the
///   price of a Jacobian bounded by 1/δ there; for ‖g‖ ≫ δ it is g/‖g‖.
public enum BallOutput: String, Codable, Sendable, CaseIterable {
  case expMap = "exp-map"
  case directionNorm = "direction-norm"

  /// The smoothing of ‖g‖ in `directionNorm`.
  static let directionSmoothing = 1e-6

  /// The number of raw outputs the last layer must produce for a ball of `dimension`.
  public func rawCount(dimension: Int) -> Int {
    self == .expMap ? dimension : dimension + 1
  }

  /// ‖x‖ without overflow or underflow of the squares.
  @inline(__always)
  static func norm(_ x: UnsafePointer<Double>, count: Int) -> Double {
    let squared = VectorKernels.squaredNorm(x, count: count)
    if squared.isFinite && squared > 1e-280 { return squared.squareRoot() }
    var largest = 0.0
    for index in 0..<count { largest = max(largest, abs(x[index])) }
    guard largest > 0 && largest.isFinite else { return largest }
    var scaled = 0.0
    for index in 0..<count { scaled += (x[index] / largest) * (x[index] / largest) }
    return largest * scaled.squareRoot()
  }

  /// The logistic function, without overflow for any η.
  @inline(__always)
  static func sigmoid(_ eta: Double) -> Double {
    if eta >= 0 { return 1 / (1 + exp(-eta)) }
    let e = exp(eta)
    return e / (1 + e)
  }

  /// Writes the point `v` (`dimension` coordinates) for the raw outputs `z`.
  @inline(__always)
  func point(
    from z: UnsafePointer<Double>, into v: UnsafeMutablePointer<Double>, dimension: Int,
    epsilon: Double
  ) {
    let shrink = 1 - epsilon
    switch self {
    case .expMap:
      let r = Self.norm(z, count: dimension)
      // tanh(r)/r, written as tanh(r)·(1/r) so that a huge r does not underflow the ratio first.
      let scale = r < 1e-8 ? shrink * (1 - r * r / 3) : shrink * tanh(r) / r
      for index in 0..<dimension { v[index] = scale * z[index] }
    case .directionNorm:
      let r = Self.norm(z, count: dimension)
      let q = r > 1e150 ? r : (r * r + Self.directionSmoothing * Self.directionSmoothing).squareRoot()
      let scale = shrink * Self.sigmoid(z[dimension]) / q
      for index in 0..<dimension { v[index] = scale * z[index] }
    }
  }

  /// Writes ∂L/∂z given the raw outputs `z` and ∂L/∂v (`gradient`).
  @inline(__always)
  func backward(
    from z: UnsafePointer<Double>, gradient w: UnsafePointer<Double>,
    into gz: UnsafeMutablePointer<Double>, dimension: Int, epsilon: Double
  ) {
    let shrink = 1 - epsilon
    switch self {
    case .expMap:
      // v = shrink·φ(r)·g with φ(r) = tanh(r)/r:
      // ∂L/∂g = shrink·[φ·w + (φ'(r)/r)(g·w)·g], and φ'(r)·r = sech²r − φ(r).
      let r = Self.norm(z, count: dimension)
      if r < 1e-2 {
        // Series: φ = 1 − r²/3 + 2r⁴/15, φ'(r)/r = −2/3 + 8r²/15 − 34r⁴/105 (error < 1e-12).
        let r2 = r * r
        let phi = r == 0 ? 1 : tanh(r) / r
        let slope = -2.0 / 3 + r2 * (8.0 / 15 - r2 * 34.0 / 105)
        let along = slope * VectorKernels.dot(z, w, count: dimension)
        for index in 0..<dimension {
          gz[index] = shrink * (phi * w[index] + along * z[index])
        }
      } else {
        let phi = tanh(r) / r
        let c = cosh(r)
        let sech2 = c.isFinite ? 1 / (c * c) : 0
        let inverse = 1 / r
        var projection = 0.0
        for index in 0..<dimension { projection += (z[index] * inverse) * w[index] }
        let along = (sech2 - phi) * projection
        for index in 0..<dimension {
          gz[index] = shrink * (phi * w[index] + along * (z[index] * inverse))
        }
      }
    case .directionNorm:
      // v = s·ĝ with s = shrink·σ(η), ĝ = g/q, q = √(‖g‖² + δ²); ∂ĝ/∂g = I/q − g·gᵀ/q³, so
      // ∂L/∂g = (s/q)·[w − (ĝ·w)·ĝ] and ∂L/∂η = shrink·σ(η)σ(−η)·(ĝ·w).
      let r = Self.norm(z, count: dimension)
      let q = r > 1e150 ? r : (r * r + Self.directionSmoothing * Self.directionSmoothing).squareRoot()
      let inverse = 1 / q
      var projection = 0.0
      for index in 0..<dimension { projection += (z[index] * inverse) * w[index] }
      let eta = z[dimension]
      let s = shrink * Self.sigmoid(eta)
      let scale = s * inverse
      for index in 0..<dimension {
        gz[index] = scale * (w[index] - projection * (z[index] * inverse))
      }
      gz[dimension] = shrink * Self.sigmoid(eta) * Self.sigmoid(-eta) * projection
    }
  }
}
