// Goals, in priority order:
// 1. gensim's semantics (`PoincareKeyedVectors.vector_distance_batch`, `_clip_vectors`).
// 2. Never NaN or Inf for points strictly inside the ball, including nearly equal points and
//    points within 1e-15 of the boundary.
// 3. Speed: the scalar forms here serve queries and tests; the training and evaluation kernels
//    inline the same formulas over raw rows.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The Poincaré ball model of hyperbolic space: distance and projection.
///
/// For points u, v with ‖u‖, ‖v‖ < 1:
/// ```
/// α = 1 − ‖u‖²,  β = 1 − ‖v‖²,  γ = 1 + 2‖u − v‖² / (αβ)
/// d(u, v) = arcosh(γ)
/// ```
/// Properties: d(u, u) = 0; d is symmetric; d(0, x) = 2·artanh(‖x‖); d satisfies the triangle
/// inequality; d → ∞ as either point approaches the boundary.
public enum PoincareBall {
  /// `arcosh(1 + t)` for `t ≥ 0`, accurate for tiny `t`.
  ///
  /// ```
  /// arcosh(1 + t) = log1p(t + √(t(t + 2)))
  /// ```
  /// `acosh(1 + t)` loses half its digits once `1 + t` rounds (`acosh(1 + 1e-12)` is off by
  /// 5e-5 relative); this form keeps them.
  /// Beyond 1e150, where `t(t + 2)` would overflow, it uses arcosh(1 + t) = log(2(1 + t)) to
  /// within one rounding.
  @inline(__always)
  /// The hyperbolic distance from the origin of a point of Euclidean norm `norm` < 1:
  /// 2·artanh(norm) = log((1 + norm)/(1 − norm)).
  public static func radius(ofNorm norm: Double) -> Double {
    log1p(norm) - log1p(-norm)
  }

  public static func arcoshOnePlus(_ t: Double) -> Double {
    t < 1e150 ? log1p(t + (t * (t + 2)).squareRoot()) : log(t) + log(2.0)
  }

  /// The distance from the squared norms of both points and their squared Euclidean distance.
  ///
  /// `1 − ‖x‖²` is floored at the smallest normal double, so a point at (or rounding to) the
  /// boundary gives a large finite distance rather than Inf or NaN.
  @inline(__always)
  public static func distance(
    squaredNormU: Double, squaredNormV: Double, squaredDistance: Double
  ) -> Double {
    let alpha = max(1 - squaredNormU, .leastNormalMagnitude)
    let beta = max(1 - squaredNormV, .leastNormalMagnitude)
    let t = 2 * squaredDistance / (alpha * beta)
    return arcoshOnePlus(min(t, .greatestFiniteMagnitude))
  }

  /// The Poincaré distance between two rows of `dimension` coordinates.
  public static func distance(
    _ u: UnsafePointer<Double>, _ v: UnsafePointer<Double>, dimension: Int
  ) -> Double {
    var uu = 0.0
    var vv = 0.0
    var squaredDistance = 0.0
    for index in 0..<dimension {
      let a = u[index]
      let b = v[index]
      uu += a * a
      vv += b * b
      squaredDistance += (a - b) * (a - b)
    }
    return distance(squaredNormU: uu, squaredNormV: vv, squaredDistance: squaredDistance)
  }

  /// The Poincaré distance between two coordinate arrays of equal length.
  public static func distance(_ u: some Collection<Double>, _ v: some Collection<Double>)
    -> Double
  {
    precondition(u.count == v.count, "points of different dimensions")
    let a = Array(u)
    let b = Array(v)
    return a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        distance(a.baseAddress!, b.baseAddress!, dimension: a.count)
      }
    }
  }

  /// The Poincaré distances from one point to each of `count` consecutive rows.
  ///
  /// `result[i] = d(u, rows[i])`, with ‖u‖² computed once. Matches gensim's
  /// `PoincareKeyedVectors.vector_distance_batch`, except that it never returns NaN.
  /// - Parameters:
  ///   - u: the point, `dimension` coordinates.
  ///   - rows: `count × dimension` coordinates, row-major.
  ///   - result: room for `count` distances.
  /// - Complexity: O(count × dimension).
  public static func distances(
    from u: UnsafePointer<Double>, toRows rows: UnsafePointer<Double>, count: Int,
    dimension: Int, into result: UnsafeMutablePointer<Double>
  ) {
    var uu = 0.0
    for index in 0..<dimension { uu += u[index] * u[index] }
    for row in 0..<count {
      let v = rows + row * dimension
      var vv = 0.0
      var squaredDistance = 0.0
      for index in 0..<dimension {
        let b = v[index]
        vv += b * b
        squaredDistance += (u[index] - b) * (u[index] - b)
      }
      result[row] = distance(squaredNormU: uu, squaredNormV: vv, squaredDistance: squaredDistance)
    }
  }

  /// The squared norm from which an updated row goes through `project`: slightly below
  /// (1 − ε)², so rounding never skips a row the projection would change.
  @inline(__always)
  static func projectionThreshold(epsilon: Double) -> Double {
    (1 - epsilon) * (1 - epsilon) * (1 - 1e-12)
  }

  /// Pulls a row back inside the ball exactly as gensim's `_clip_vectors` does, or (with
  /// `keepsDirection`) by rescaling alone, as facebookresearch's `renorm` does.
  ///
  /// When ‖x‖ ≥ 1 − ε: rescale x to norm 1 − ε, then (gensim) subtract ε·sign(xᵢ) from every
  /// coordinate (toward 0). gensim's subtraction turns the direction by up to ε per coordinate,
  /// which blurs points that must be told apart near the boundary; rescaling alone keeps it.
  /// Rows inside the threshold are untouched. Rows too large to square are measured by scaling;
  /// a row holding NaN or Inf is left as is (the trainer never lets one in).
  /// - Returns: whether the row was changed.
  @inline(__always)
  @discardableResult
  public static func project(
    _ row: UnsafeMutablePointer<Double>, dimension: Int, epsilon: Double,
    keepsDirection: Bool = false
  ) -> Bool {
    var squaredNorm = 0.0
    for index in 0..<dimension { squaredNorm += row[index] * row[index] }
    let threshold = 1 - epsilon
    var norm = squaredNorm.squareRoot()
    guard norm >= threshold else { return false }
    if norm == .infinity {
      // Coordinates beyond 1e154 overflow the squares: measure the norm in units of the largest.
      var largest = 0.0
      for index in 0..<dimension { largest = max(largest, abs(row[index])) }
      guard largest.isFinite else { return false }
      var scaled = 0.0
      for index in 0..<dimension { scaled += (row[index] / largest) * (row[index] / largest) }
      norm = largest * scaled.squareRoot()
    }
    guard norm.isFinite else { return false }
    let scale = threshold / norm
    for index in 0..<dimension {
      let scaled = row[index] * scale
      row[index] =
        keepsDirection ? scaled : scaled - (scaled > 0 ? epsilon : scaled < 0 ? -epsilon : 0)
    }
    return true
  }
}
