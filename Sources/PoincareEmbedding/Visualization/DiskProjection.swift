#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Places every row of an embedding in the unit disk for drawing.
///
/// - Dimension 2: the coordinates as they are.
/// - Dimension 1: the x axis.
/// - Dimension 3 and more: three steps that keep the origin (the top of a hierarchy) at the
///   centre and never move a point farther out than it was:
///   1. the logarithmic map at the origin, x ↦ artanh(‖x‖)·x/‖x‖, which turns the ball into flat
///      space while keeping directions (and distances from the origin, halved);
///   2. orthogonal projection onto the two principal directions of the mapped points, the top
///      two eigenvectors of their second-moment matrix Σ yᵢyᵢᵀ (not centred, so the origin stays
///      put), found by power iteration with deflation;
///   3. the exponential map back, z ↦ tanh(‖z‖)·z/‖z‖. Since ‖z‖ ≤ ‖y‖, each point's norm in
///      the picture is at most its norm in the embedding.
///
/// The result depends only on the input: the iteration starts from fixed vectors and each
/// direction's sign is fixed (largest component positive).
public enum DiskProjection {
  /// One point of the disk per row, in index order.
  ///
  /// - Complexity: O(count × dimension²) to build the moment matrix, plus O(dimension²) per
  ///   power-iteration step.
  public static func points(of vectors: KeyedVectors) -> [SIMD2<Double>] {
    let dimension = vectors.dimension
    let values = vectors.values
    switch dimension {
    case 1: return values.map { SIMD2($0, 0) }
    case 2: return (0..<vectors.count).map { SIMD2(values[2 * $0], values[2 * $0 + 1]) }
    default: break
    }
    let mapped = logarithmicMap(values, dimension: dimension)
    let (first, second) = principalDirections(of: mapped, dimension: dimension)
    return (0..<vectors.count).map { row in
      var z = SIMD2<Double>(0, 0)
      for index in 0..<dimension {
        z.x += mapped[row * dimension + index] * first[index]
        z.y += mapped[row * dimension + index] * second[index]
      }
      let length = (z * z).sum().squareRoot()
      return length > 0 ? z * (tanh(length) / length) : z
    }
  }

  /// A one-line account of how `points(of:)` places rows of this dimension.
  public static func method(forDimension dimension: Int) -> String {
    switch dimension {
    case 1: return "dimension 1, drawn on the horizontal axis"
    case 2: return "dimension 2, drawn as is"
    default:
      return "dimension \(dimension), projected: logarithmic map at the origin, "
        + "the two principal directions, exponential map"
    }
  }

  /// Each row x replaced by artanh(‖x‖)·x/‖x‖.
  static func logarithmicMap(_ values: [Double], dimension: Int) -> [Double] {
    var mapped = values
    for start in stride(from: 0, to: values.count, by: dimension) {
      var squared = 0.0
      for index in start..<(start + dimension) { squared += values[index] * values[index] }
      let norm = squared.squareRoot()
      guard norm > 0 else { continue }
      // Rows are inside the ball; the clamp keeps a row that rounds onto the boundary finite.
      let scale = atanh(min(norm, 1 - Double.ulpOfOne)) / norm
      for index in start..<(start + dimension) { mapped[index] *= scale }
    }
    return mapped
  }

  /// The two leading unit eigenvectors of Σ yᵢyᵢᵀ over the rows of `rows`.
  ///
  /// When the points span fewer than two directions, the missing ones are completed with
  /// coordinate axes (Gram–Schmidt), so the result is always an orthonormal pair.
  static func principalDirections(of rows: [Double], dimension: Int)
    -> (first: [Double], second: [Double])
  {
    var moment = [Double](repeating: 0, count: dimension * dimension)
    for start in stride(from: 0, to: rows.count, by: dimension) {
      for i in 0..<dimension {
        let yi = rows[start + i]
        if yi == 0 { continue }
        for j in 0..<dimension { moment[i * dimension + j] += yi * rows[start + j] }
      }
    }
    let first = leadingEigenvector(moment, dimension: dimension, orthogonalTo: [])
    let second = leadingEigenvector(moment, dimension: dimension, orthogonalTo: [first])
    return (first, second)
  }

  /// Power iteration on a symmetric positive semi-definite matrix, restricted to the
  /// orthogonal complement of `fixed` (orthonormal vectors).
  static func leadingEigenvector(
    _ matrix: [Double], dimension: Int, orthogonalTo fixed: [[Double]]
  ) -> [Double] {
    func multiply(_ v: [Double]) -> [Double] {
      (0..<dimension).map { i in
        var sum = 0.0
        for j in 0..<dimension { sum += matrix[i * dimension + j] * v[j] }
        return sum
      }
    }
    // Start from the matrix column of greatest norm (a direction the data does reach), made
    // orthogonal to `fixed`; fall back to coordinate axes when the data reach no new direction.
    var candidates = (0..<dimension).map { column in
      (0..<dimension).map { matrix[$0 * dimension + column] }
    }
    candidates.sort { squaredLength($0) > squaredLength($1) }
    candidates += (0..<dimension).map { axis in
      (0..<dimension).map { $0 == axis ? 1.0 : 0.0 }
    }
    var vector: [Double] = []
    for candidate in candidates {
      let orthogonal = orthogonalized(candidate, against: fixed)
      if squaredLength(orthogonal) > 1e-20 * max(1, squaredLength(candidate)) {
        vector = normalized(orthogonal)
        break
      }
    }
    for _ in 0..<10_000 {
      let product = orthogonalized(multiply(vector), against: fixed)
      let length = squaredLength(product).squareRoot()
      // A null direction: every vector of the complement is an eigenvector (value 0).
      guard length > 0, length.isFinite else { break }
      let next = product.map { $0 / length }
      var change = 0.0
      for index in 0..<dimension { change = max(change, abs(next[index] - vector[index])) }
      vector = next
      if change < 1e-13 { break }
    }
    // Fix the sign so the result does not depend on the start vector's orientation.
    let largest = vector.indices.max { abs(vector[$0]) < abs(vector[$1]) }!
    return vector[largest] < 0 ? vector.map { -$0 } : vector
  }

  private static func orthogonalized(_ vector: [Double], against basis: [[Double]]) -> [Double] {
    var result = vector
    for direction in basis {
      var dot = 0.0
      for index in result.indices { dot += result[index] * direction[index] }
      for index in result.indices { result[index] -= dot * direction[index] }
    }
    return result
  }

  private static func squaredLength(_ vector: [Double]) -> Double {
    vector.reduce(0) { $0 + $1 * $1 }
  }

  private static func normalized(_ vector: [Double]) -> [Double] {
    let length = squaredLength(vector).squareRoot()
    return vector.map { $0 / length }
  }
}
