import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The two baselines `link eval` measures a model against, fitted on the model's own training
/// pairs and inputs.
enum LinkBaselines {
  /// Nearest training key by cosine in input space: each query key is placed at the node of the
  /// training key whose input vector has the largest cosine with its own (ties: the first key;
  /// a zero vector has cosine 0 with every key).
  ///
  /// - Parameters:
  ///   - trainingInputs: `trainingNodes.count × dimension` raw input vectors.
  ///   - queryInputs: `queryCount × dimension` raw input vectors.
  /// - Returns: `queryCount × embedding.dimension` points.
  static func nearestKey(
    trainingInputs: [Double], trainingNodes: [Int32], queryInputs: [Double], queryCount: Int,
    dimension: Int, embedding: KeyedVectors, threadCount: Int
  ) -> [Double] {
    let unitTraining = unitRows(trainingInputs, dimension: dimension)
    let unitQueries = unitRows(queryInputs, dimension: dimension)
    var chosen = [Int32](repeating: 0, count: queryCount)
    let trainingCount = trainingNodes.count
    let threads = max(1, min(threadCount, queryCount))
    chosen.withUnsafeMutableBufferPointer { chosen in
      unitTraining.withUnsafeBufferPointer { training in
        unitQueries.withUnsafeBufferPointer { queries in
          let shared = SharedBaseline(
            chosen: chosen.baseAddress!, training: training.baseAddress!,
            queries: queries.baseAddress!)
          let work: @Sendable (Int) -> Void = { worker in
            for query in stride(from: worker, to: queryCount, by: threads) {
              let q = shared.queries + query * dimension
              var best = -Double.infinity
              var bestRow = 0
              for row in 0..<trainingCount {
                let cosine = VectorKernels.dot(q, shared.training + row * dimension, count: dimension)
                if cosine > best {
                  best = cosine
                  bestRow = row
                }
              }
              shared.chosen[query] = Int32(bestRow)
            }
          }
          if threads == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: threads, execute: work) }
        }
      }
    }
    let d = embedding.dimension
    var points = [Double](repeating: 0, count: queryCount * d)
    for query in 0..<queryCount {
      let node = Int(trainingNodes[Int(chosen[query])])
      for index in 0..<d { points[query * d + index] = embedding.values[node * d + index] }
    }
    return points
  }

  /// Linear least squares into the tangent space at the origin, then the exponential map: W
  /// minimises Σ‖[x, 1]·W − log₀(y)‖² + λ‖W‖² over the training pairs, with
  /// log₀(y) = artanh(‖y‖)·y/‖y‖ (so that exp₀ maps it back onto y) and a small ridge
  /// λ = 1e-8·trace(XᵀX)/(n + 1) that keeps the normal equations solvable; a query x is placed
  /// at (1 − ε)·exp₀([x, 1]·W), the model's own output map (`BallOutput.expMap`).
  ///
  /// - Parameters:
  ///   - trainingInputs: `trainingNodes.count × dimension` scaled inputs (the model's scaling).
  ///   - queryInputs: `queryCount × dimension` scaled inputs.
  static func tangentLeastSquares(
    trainingInputs: [Double], trainingNodes: [Int32], queryInputs: [Double], queryCount: Int,
    dimension n: Int, embedding: KeyedVectors, epsilon: Double
  ) -> [Double] {
    let d = embedding.dimension
    let m = n + 1
    var gram = [Double](repeating: 0, count: m * m)
    var moments = [Double](repeating: 0, count: m * d)
    var x = [Double](repeating: 1, count: m)
    var y = [Double](repeating: 0, count: d)
    for row in 0..<trainingNodes.count {
      for index in 0..<n { x[index] = trainingInputs[row * n + index] }
      let node = Int(trainingNodes[row])
      var squared = 0.0
      for index in 0..<d {
        y[index] = embedding.values[node * d + index]
        squared += y[index] * y[index]
      }
      let norm = squared.squareRoot()
      // artanh(r)/r, with its limit 1 at r = 0; artanh(r) = ½·log1p(2r/(1 − r)).
      let scale = norm < 1e-8 ? 1 : 0.5 * log1p(2 * norm / max(1 - norm, 1e-300)) / norm
      for index in 0..<d { y[index] *= scale }
      for i in 0..<m {
        for j in 0..<m { gram[i * m + j] += x[i] * x[j] }
        for k in 0..<d { moments[i * d + k] += x[i] * y[k] }
      }
    }
    var trace = 0.0
    for i in 0..<m { trace += gram[i * m + i] }
    let ridge = max(1e-8 * trace / Double(m), 1e-12)
    for i in 0..<m { gram[i * m + i] += ridge }
    let weights = solveSymmetric(gram, moments, size: m, columns: d)
    var points = [Double](repeating: 0, count: queryCount * d)
    var z = [Double](repeating: 0, count: d)
    for query in 0..<queryCount {
      for k in 0..<d {
        var sum = weights[n * d + k]
        for i in 0..<n { sum += queryInputs[query * n + i] * weights[i * d + k] }
        z[k] = sum
      }
      z.withUnsafeBufferPointer { z in
        points.withUnsafeMutableBufferPointer { points in
          BallOutput.expMap.point(
            from: z.baseAddress!, into: points.baseAddress! + query * d, dimension: d,
            epsilon: epsilon)
        }
      }
    }
    return points
  }

  /// Solves A·X = B for a symmetric positive definite `size × size` A (Cholesky), B with
  /// `columns` columns; both row-major.
  static func solveSymmetric(_ a: [Double], _ b: [Double], size: Int, columns: Int) -> [Double] {
    var l = [Double](repeating: 0, count: size * size)
    for i in 0..<size {
      for j in 0...i {
        var sum = a[i * size + j]
        for k in 0..<j { sum -= l[i * size + k] * l[j * size + k] }
        if i == j {
          l[i * size + i] = max(sum, 1e-300).squareRoot()
        } else {
          l[i * size + j] = sum / l[j * size + j]
        }
      }
    }
    var x = b
    for column in 0..<columns {
      for i in 0..<size {
        var sum = x[i * columns + column]
        for k in 0..<i { sum -= l[i * size + k] * x[k * columns + column] }
        x[i * columns + column] = sum / l[i * size + i]
      }
      var i = size - 1
      while i >= 0 {
        var sum = x[i * columns + column]
        for k in (i + 1)..<size { sum -= l[k * size + i] * x[k * columns + column] }
        x[i * columns + column] = sum / l[i * size + i]
        i -= 1
      }
    }
    return x
  }

  /// Rows scaled to unit norm (zero rows stay zero).
  private static func unitRows(_ rows: [Double], dimension: Int) -> [Double] {
    var result = rows
    result.withUnsafeMutableBufferPointer { result in
      for row in 0..<(rows.count / max(dimension, 1)) {
        let start = result.baseAddress! + row * dimension
        LinkModel.unitVector(start, into: start, count: dimension)
      }
    }
    return result
  }
}

/// The buffers of the nearest-key search, seen by every worker; each writes its own queries.
private struct SharedBaseline: @unchecked Sendable {
  let chosen: UnsafeMutablePointer<Int32>
  let training: UnsafePointer<Double>
  let queries: UnsafePointer<Double>
}
