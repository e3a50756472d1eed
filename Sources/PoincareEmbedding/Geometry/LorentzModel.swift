#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The hyperboloid (Lorentz) model of hyperbolic space, trained natively as an option and
/// exported as Poincaré-ball coordinates.
///
/// A point is x = (x₀, x₁ … x_d) with ⟨x, x⟩ = −1 and x₀ > 0 under the Minkowski product
/// ⟨x, y⟩ = −x₀y₀ + Σᵢ xᵢyᵢ. Distances are d(x, y) = arcosh(−⟨x, y⟩), and the map to the ball,
/// p = (x₁ … x_d)/(1 + x₀), preserves them. There is no boundary to clip at, so steps keep
/// their size in hyperbolic units however far a point is from the origin (in the ball the
/// Riemannian factor (1 − ‖x‖²)²/4 shrinks them towards zero): the reason Nickel & Kiela
/// (ICML 2018) train in this model. See https://arxiv.org/abs/1806.03417.
public enum LorentzModel {
  /// ⟨x, y⟩ = −x₀y₀ + Σᵢ xᵢyᵢ over rows of `dimension + 1` values.
  @inline(__always)
  static func product(
    _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, dimension: Int
  ) -> Double {
    var sum = 0.0
    for index in 1...dimension { sum += x[index] * y[index] }
    return sum - x[0] * y[0]
  }

  /// Puts a row back on the hyperboloid and within `maximumTime` of it: x₀ = √(1 + ‖x₁…‖²),
  /// with the spatial part scaled down first if x₀ would exceed `maximumTime` (the largest
  /// x₀ whose ball image keeps norm ≤ 1 − ε).
  @inline(__always)
  static func normalize(
    _ row: UnsafeMutablePointer<Double>, dimension: Int, maximumTime: Double
  ) {
    var squaredNorm = 0.0
    for index in 1...dimension { squaredNorm += row[index] * row[index] }
    let limit = maximumTime * maximumTime - 1
    if squaredNorm > limit {
      let scale = (limit / squaredNorm).squareRoot()
      for index in 1...dimension { row[index] *= scale }
      squaredNorm = limit
    }
    row[0] = (1 + squaredNorm).squareRoot()
  }

  /// The largest x₀ of a point whose ball image has norm 1 − ε: cosh(2·artanh(1 − ε)).
  static func maximumTime(epsilon: Double) -> Double {
    let radius = 1 - epsilon
    return (1 + radius * radius) / (1 - radius * radius)
  }

  /// The hyperboloid point of spatial coordinates `spatial` (x₀ = √(1 + ‖spatial‖²)).
  static func lift(_ spatial: ArraySlice<Double>) -> [Double] {
    [(1 + spatial.reduce(0) { $0 + $1 * $1 }).squareRoot()] + spatial
  }

  /// The hyperboloid point of ball coordinates p: ((1 + ‖p‖²), 2p) / (1 − ‖p‖²), the inverse of
  /// `toBall`.
  static func fromBall(_ point: ArraySlice<Double>) -> [Double] {
    let squaredNorm = point.reduce(0) { $0 + $1 * $1 }
    let scale = 1 / (1 - squaredNorm)
    return [(1 + squaredNorm) * scale] + point.map { 2 * $0 * scale }
  }

  /// The Poincaré-ball coordinates of a hyperboloid row: (x₁ … x_d)/(1 + x₀).
  static func toBall(
    _ row: UnsafePointer<Double>, dimension: Int, into output: UnsafeMutablePointer<Double>
  ) {
    let scale = 1 / (1 + row[0])
    for index in 0..<dimension { output[index] = row[index + 1] * scale }
  }

  /// Moves `row` along the geodesic with initial velocity `velocity` projected onto its tangent
  /// space (the exponential map), then puts it back on the hyperboloid.
  ///
  /// ```
  /// ξ = v + ⟨x, v⟩x,   x ← cosh(‖ξ‖)x + sinh(‖ξ‖)ξ/‖ξ‖,   ‖ξ‖ = √⟨ξ, ξ⟩
  /// ```
  /// Steps longer than `maximumStep` hyperbolic units are shortened to it, so a huge learning
  /// rate moves points far but never to Inf.
  @inline(__always)
  static func step(
    _ row: UnsafeMutablePointer<Double>, along velocity: UnsafePointer<Double>, dimension: Int,
    maximumTime: Double, maximumStep: Double = 10
  ) {
    let along = product(row, velocity, dimension: dimension)
    var tangentNorm = 0.0
    var time = 0.0
    // ξ = v + ⟨x, v⟩x, and ⟨ξ, ξ⟩ accumulated in the same pass.
    for index in 0...dimension {
      let value = velocity[index] + along * row[index]
      if index == 0 { time = value } else { tangentNorm += value * value }
    }
    let length = max(tangentNorm - time * time, 0).squareRoot()
    guard length > 0, length.isFinite else { return }
    let clamped = min(length, maximumStep)
    let coshPart = cosh(clamped)
    let sinhPart = sinh(clamped) / length
    for index in 0...dimension {
      let tangent = velocity[index] + along * row[index]
      row[index] = coshPart * row[index] + sinhPart * tangent
    }
    normalize(row, dimension: dimension, maximumTime: maximumTime)
  }
}
