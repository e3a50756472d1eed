/// Adam (Kingma & Ba 2015, https://arxiv.org/abs/1412.6980) with decoupled weight decay
/// (AdamW, Loshchilov & Hutter 2019).
///
/// ```
/// m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²
/// θ ← θ − α·(m/(1 − β₁ᵗ)) / (√(v/(1 − β₂ᵗ)) + ε̂) − α·λ·θ
/// ```
/// with β₁ = 0.9, β₂ = 0.999, ε̂ = 1e-8. The step on each parameter is at most about α, whatever
/// the gradient's scale, which is why a huge learning rate shows as a rising loss rather than as
/// overflow.
struct AdamOptimizer {
  let learningRate: Double
  let weightDecay: Double
  let beta1 = 0.9
  let beta2 = 0.999
  let stabilizer = 1e-8
  private var moments: [Double]
  private var squares: [Double]
  private(set) var steps = 0

  init(parameterCount: Int, learningRate: Double, weightDecay: Double) {
    self.learningRate = learningRate
    self.weightDecay = weightDecay
    moments = [Double](repeating: 0, count: parameterCount)
    squares = [Double](repeating: 0, count: parameterCount)
  }

  /// One step of `parameters` along `gradient`.
  mutating func step(_ parameters: inout [Double], gradient: [Double]) {
    steps += 1
    let correction1 = 1 / (1 - pow(beta1, Double(steps)))
    let correction2 = 1 / (1 - pow(beta2, Double(steps)))
    let rate = learningRate
    let decay = 1 - learningRate * weightDecay
    let (b1, b2, stabilizer) = (beta1, beta2, self.stabilizer)
    parameters.withUnsafeMutableBufferPointer { theta in
      gradient.withUnsafeBufferPointer { g in
        moments.withUnsafeMutableBufferPointer { m in
          squares.withUnsafeMutableBufferPointer { v in
            for index in 0..<theta.count {
              let gi = g[index]
              m[index] = b1 * m[index] + (1 - b1) * gi
              v[index] = b2 * v[index] + (1 - b2) * gi * gi
              let mHat = m[index] * correction1
              let vHat = v[index] * correction2
              theta[index] = theta[index] * decay - rate * mHat / (vHat.squareRoot() + stabilizer)
            }
          }
        }
      }
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
