// Goals, in priority order:
// 1. Finite values and gradients for every prediction the model can make (norm ≤ 1 − ε) and
//    every node a file can hold (norm < 1, including 1 − 1e-15), also when they coincide.
// 2. The Poincaré distance itself wherever it is not within `smoothing` of 0, so the loss means
//    what it says.
// 3. One pass over the coordinates per pair.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The distance term of the `link` losses: the Poincaré distance made smooth at 0, with its
/// gradient with respect to the prediction.
///
/// For a prediction v and a node u (α = 1 − ‖u‖², β = 1 − ‖v‖², s = ‖v − u‖²):
/// ```
/// d = arcosh(1 + 2s/(αβ))                        (PoincareBall.arcoshOnePlus)
/// ρ(d) = √(d² + δ²) − δ                          (δ = smoothing)
/// ∂ρ/∂v = C·(v − u) + C·(s/β)·v,  C = 1/√(d² + δ²) · (d / sinh d) · 4/(αβ)
/// ```
/// Why this form: ∂d/∂v = (4/(αβ sinh d))·[(v − u) + (s/β)v] has no limit as v → u (d behaves
/// like a norm there), and the trainer's coefficient 4/(αβ·√(γ² − 1)) is 0/0 at v = u. ρ is a
/// pseudo-Huber of d: ρ ≈ d²/(2δ) below δ and d − δ above it, smooth everywhere; its gradient
/// carries d/sinh d, which lies in (0, 1] and is computed without cancellation (a series near 0,
/// e^{-d} form for large d), and 1/√(d² + δ²) ≤ 1/δ. So C is finite for every pair, including
/// v = u, where it is 4/(δαβ). Within the softmax loss the constant shift by δ cancels, so the
/// ranking loss is the trainer's up to distances below δ.
///
/// 1 − ‖x‖² is floored at `minimumGap` (1e-18): a node at norm 1 − 1e-15 has 1 − ‖u‖² ≈ 2e-15
/// and is untouched; only rows whose squared norm rounds to 1 are affected, and for them 4/(αβ)
/// stays below 1e34 (β ≥ 2ε − ε² for predictions), far from overflow.
enum LinkDistance {
  /// δ: distances below it are treated quadratically.
  static let smoothing = 1e-3
  /// The floor of 1 − ‖x‖².
  static let minimumGap = 1e-18

  /// d, ρ(d) and the gradient coefficients of ρ at a prediction v for a node u.
  struct Term {
    var distance: Double
    var smooth: Double
    /// ∂ρ/∂v = towardNode·(v − u) + radial·v.
    var towardNode: Double
    var radial: Double
  }

  /// d / sinh d for d ≥ 0, in (0, 1]: a series below 1e-4 (where sinh d ≈ d loses nothing but
  /// 0/0 looms at 0) and 2d·e^{-d}/(1 − e^{-2d}) above 20 (where sinh overflows at 710).
  @inline(__always)
  static func distanceOverSinh(_ d: Double) -> Double {
    if d < 1e-4 { return 1 - d * d / 6 }
    if d > 20 { return 2 * d * exp(-d) / (-expm1(-2 * d)) }
    return d / sinh(d)
  }

  /// The term for a prediction with squared norm `vv`, a node with squared norm `uu`, and their
  /// squared Euclidean distance `dd`.
  @inline(__always)
  static func term(vv: Double, uu: Double, dd: Double) -> Term {
    let alpha = max(1 - uu, minimumGap)
    let beta = max(1 - vv, minimumGap)
    let alphaBeta = alpha * beta
    let t = min(2 * dd / alphaBeta, .greatestFiniteMagnitude)
    let d = PoincareBall.arcoshOnePlus(t)
    let root = (d * d + smoothing * smoothing).squareRoot()
    let coefficient = (1 / root) * distanceOverSinh(d) * (4 / alphaBeta)
    return Term(
      distance: d, smooth: root - smoothing, towardNode: coefficient,
      radial: coefficient * (dd / beta))
  }

  /// The term for rows `v` (a prediction) and `u` (a node) of `dimension` coordinates.
  @inline(__always)
  static func term(
    _ v: UnsafePointer<Double>, _ u: UnsafePointer<Double>, dimension: Int
  ) -> Term {
    let vv = VectorKernels.squaredNorm(v, count: dimension)
    let (uu, dd) = VectorKernels.squaredNormAndDistance(v, u, count: dimension)
    return term(vv: vv, uu: uu, dd: dd)
  }

  /// Adds `weight · ∂ρ/∂v` of `term` to `gradient`.
  @inline(__always)
  static func accumulate(
    _ term: Term, weight: Double, v: UnsafePointer<Double>, u: UnsafePointer<Double>,
    into gradient: UnsafeMutablePointer<Double>, dimension: Int
  ) {
    let a = weight * term.towardNode
    let b = weight * term.radial
    for index in 0..<dimension {
      gradient[index] += a * (v[index] - u[index]) + b * v[index]
    }
  }
}
