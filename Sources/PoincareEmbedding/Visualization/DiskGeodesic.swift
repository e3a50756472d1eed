/// The hyperbolic geodesic between two points of the Poincaré disk, as something to draw.
///
/// A geodesic of the disk is either a diameter (when the two points are collinear with the
/// origin) or an arc of a circle orthogonal to the unit circle. For an orthogonal circle with
/// centre c and radius r,
/// ```
/// |c|² = r² + 1
/// ```
/// and a point p lies on it when |c − p|² = r², i.e. 2 c·p = 1 + |p|². Two points p, q give two
/// such linear equations in c; their determinant is the cross product p × q, zero exactly when
/// p, q and the origin are collinear. The arc between p and q inside the disk is always shorter
/// than a half circle (it spans 2·arctan(1/r) of the circle at most).
public enum DiskGeodesic: Equatable, Sendable {
  /// The straight segment from p to q: a diameter's piece, or an arc too flat to tell apart.
  case segment
  /// The arc of the circle with `center` and `radius` from p to q, turning counterclockwise
  /// (in the usual orientation, y up) when `isCounterclockwise`, clockwise otherwise.
  case arc(center: SIMD2<Double>, radius: Double, isCounterclockwise: Bool)

  /// The geodesic from `p` to `q` (points with norm ≤ 1).
  ///
  /// Never produces NaN or Inf: near-collinear points, whose circle would be huge or
  /// ill-conditioned, and points too close for an arc to show, give `.segment`.
  /// - Parameter flatness: the largest sagitta (the arc's greatest distance from the chord, in
  ///   units of the disk's radius) still drawn as a straight segment.
  public static func between(
    _ p: SIMD2<Double>, _ q: SIMD2<Double>, flatness: Double = 1e-4
  ) -> DiskGeodesic {
    let determinant = p.x * q.y - p.y * q.x
    guard determinant != 0 else { return .segment }
    let a = (1 + (p * p).sum()) / 2
    let b = (1 + (q * q).sum()) / 2
    let center = SIMD2(q.y * a - p.y * b, p.x * b - q.x * a) / determinant
    let squaredRadius = (center * center).sum() - 1
    let radius = squaredRadius.squareRoot()
    let halfChord = ((q - p) * (q - p)).sum().squareRoot() / 2
    guard radius.isFinite, center.x.isFinite, center.y.isFinite, radius > halfChord else {
      return .segment
    }
    // sagitta = r − √(r² − (L/2)²), written without cancellation for large r.
    let sagitta =
      halfChord * halfChord
      / (radius
        + (squaredRadius - halfChord * halfChord)
        .squareRoot())
    guard sagitta > flatness else { return .segment }
    let fromCenterP = p - center
    let fromCenterQ = q - center
    let turn = fromCenterP.x * fromCenterQ.y - fromCenterP.y * fromCenterQ.x
    return .arc(center: center, radius: radius, isCounterclockwise: turn > 0)
  }
}
