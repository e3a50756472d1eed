import TestSupport
import Testing

@testable import PoincareEmbedding

/// The `link` losses and their gradients: closed forms, finite differences, and finiteness where
/// the naive formulas break (coincident points, nodes at norm 1 − 1e-15, zero network outputs).
///
/// Finite differences are central, h = 1e-6·max(1, |x|); agreement is required to
/// `max(1e-6 relative, 1e-7 absolute)` unless stated, which central differences reach for
/// smooth functions of O(1) curvature.
@Suite struct LinkGradientTests {
  /// Central difference of `f` along coordinate `index` of `x`.
  static func numericGradient(_ x: [Double], index: Int, _ f: ([Double]) -> Double) -> Double {
    let h = 1e-6 * max(1, abs(x[index]))
    var plus = x
    var minus = x
    plus[index] += h
    minus[index] -= h
    return (f(plus) - f(minus)) / (2 * h)
  }

  static func smoothDistance(_ v: [Double], _ u: [Double]) -> Double {
    v.withUnsafeBufferPointer { v in
      u.withUnsafeBufferPointer { u in
        LinkDistance.term(v.baseAddress!, u.baseAddress!, dimension: v.count).smooth
      }
    }
  }

  static func smoothDistanceGradient(_ v: [Double], _ u: [Double]) -> [Double] {
    var gradient = [Double](repeating: 0, count: v.count)
    v.withUnsafeBufferPointer { v in
      u.withUnsafeBufferPointer { u in
        gradient.withUnsafeMutableBufferPointer { g in
          let term = LinkDistance.term(v.baseAddress!, u.baseAddress!, dimension: v.count)
          LinkDistance.accumulate(
            term, weight: 1, v: v.baseAddress!, u: u.baseAddress!, into: g.baseAddress!,
            dimension: v.count)
        }
      }
    }
    return gradient
  }

  @Test func smoothDistanceIsThePoincareDistanceBeyondTheSmoothing() {
    let v = [0.3, -0.2, 0.5]
    let u = [-0.4, 0.1, 0.2]
    let term = v.withUnsafeBufferPointer { v in
      u.withUnsafeBufferPointer { u in LinkDistance.term(v.baseAddress!, u.baseAddress!, dimension: 3) }
    }
    let d = PoincareBall.distance(v, u)
    #expect(isClose(term.distance, d, relative: 1e-14))
    // ρ = √(d² + δ²) − δ.
    let delta = LinkDistance.smoothing
    #expect(isClose(term.smooth, (d * d + delta * delta).squareRoot() - delta, relative: 1e-14))
  }

  @Test(arguments: [
    ([0.3, -0.2, 0.5], [-0.4, 0.1, 0.2]),
    ([0.0, 0.0, 0.0], [0.5, 0.5, 0.5]),
    ([0.9, 0.1, -0.2], [0.1, 0.05, 0.0]),
    ([0.2, 0.2, 0.2], [0.2 + 1e-4, 0.2, 0.2 - 2e-4]),
    ([0.6, 0.0, 0.0], [0.0, 0.99, 0.0]),
  ])
  func smoothDistanceGradientMatchesFiniteDifferences(v: [Double], u: [Double]) {
    let gradient = Self.smoothDistanceGradient(v, u)
    for index in v.indices {
      let numeric = Self.numericGradient(v, index: index) { Self.smoothDistance($0, u) }
      // 1e-5: the pair 2e-4 apart sits near δ = 1e-3, where ρ's curvature (~1/δ) costs the
      // central difference digits.
      #expect(
        isClose(gradient[index], numeric, relative: 1e-5, absolute: 1e-7),
        "v = \(v), u = \(u), coordinate \(index): \(gradient[index]) vs \(numeric)")
    }
  }

  @Test func gradientIsFiniteAndZeroWhenPredictionEqualsTarget() {
    for u in [[0.0, 0.0], [0.3, -0.4], [1 - 1e-15, 0.0], [0.0, -(1 - 1e-15)]] {
      let gradient = Self.smoothDistanceGradient(u, u)
      #expect(gradient.allSatisfy { $0 == 0 }, "u = \(u): \(gradient)")
      #expect(Self.smoothDistance(u, u) == 0)
    }
  }

  @Test func gradientIsFiniteForTargetsAtTheBoundary() {
    // A node at norm 1 − 1e-15 and predictions at the model's bound 1 − 1e-5, near and far.
    let target = [1 - 1e-15, 0.0]
    for v in [[1 - 1e-5, 0.0], [0.0, 1 - 1e-5], [-(1 - 1e-5), 0.0], [0.5, 0.5], [0.0, 0.0]] {
      let gradient = Self.smoothDistanceGradient(v, target)
      #expect(gradient.allSatisfy { $0.isFinite }, "v = \(v): \(gradient)")
      #expect(Self.smoothDistance(v, target).isFinite)
    }
    // Near the target the gradient still points toward it (descent reduces ρ).
    let v = [1 - 1e-5, 1e-7]
    let gradient = Self.smoothDistanceGradient(v, target)
    var stepped = v
    for index in v.indices { stepped[index] -= 1e-12 * gradient[index] / max(1, abs(gradient[index])) }
    #expect(Self.smoothDistance(stepped, target) < Self.smoothDistance(v, target))
  }

  @Test func distanceOverSinhIsAccurateAcrossItsRange() {
    for d in [0.0, 1e-9, 1e-5, 1e-4, 0.5, 3, 19.9, 20.1, 100, 800] {
      let value = LinkDistance.distanceOverSinh(d)
      let reference = d == 0 ? 1 : d < 700 ? d / sinh(d) : 0
      #expect(isClose(value, reference, relative: 1e-12, absolute: 1e-300), "d = \(d)")
    }
  }

  // MARK: The ball output

  static func outputPoint(_ map: BallOutput, _ z: [Double], dimension: Int) -> [Double] {
    var v = [Double](repeating: 0, count: dimension)
    z.withUnsafeBufferPointer { z in
      v.withUnsafeMutableBufferPointer { v in
        map.point(from: z.baseAddress!, into: v.baseAddress!, dimension: dimension, epsilon: 1e-5)
      }
    }
    return v
  }

  @Test(arguments: BallOutput.allCases)
  func outputStaysInsideTheBall(map: BallOutput) {
    let d = 3
    let extra = map.rawCount(dimension: d) - d
    for scale in [0.0, 1e-300, 1e-8, 1, 30, 1e30, 1e300] {
      let z = [scale, -scale / 2, scale / 3] + Array(repeating: scale, count: extra)
      let v = Self.outputPoint(map, z, dimension: d)
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      #expect(v.allSatisfy { $0.isFinite } && norm <= 1 - 1e-5 + 1e-16, "\(map) scale \(scale): \(v)")
    }
  }

  @Test func expMapIsTheExponentialMapAtTheOrigin() {
    // d(0, exp₀(g)) = 2‖g‖ for the unshrunk map; with (1 − ε) it is 2·artanh((1 − ε)·tanh‖g‖).
    let g = [0.3, -0.4]
    let v = Self.outputPoint(.expMap, g, dimension: 2)
    let expected = 2 * atanh((1 - 1e-5) * tanh(0.5))
    #expect(isClose(PoincareBall.distance([0, 0], v), expected, relative: 1e-12))
  }

  @Test(arguments: BallOutput.allCases, [1.0, 1e-3, 1e-9, 0, 8])
  func outputGradientMatchesFiniteDifferences(map: BallOutput, scale: Double) {
    let d = 3
    var z = [0.7, -0.3, 0.5].map { $0 * scale }
    if map == .directionNorm { z.append(0.4) }
    let w = [0.2, -1.1, 0.6]
    // L = w·v(z).
    func loss(_ z: [Double]) -> Double {
      zip(Self.outputPoint(map, z, dimension: d), w).reduce(0) { $0 + $1.0 * $1.1 }
    }
    var gradient = [Double](repeating: 0, count: z.count)
    z.withUnsafeBufferPointer { zb in
      w.withUnsafeBufferPointer { wb in
        gradient.withUnsafeMutableBufferPointer { g in
          map.backward(
            from: zb.baseAddress!, gradient: wb.baseAddress!, into: g.baseAddress!, dimension: d,
            epsilon: 1e-5)
        }
      }
    }
    #expect(gradient.allSatisfy { $0.isFinite })
    // Direction-norm's direction has curvature 1/δ at g = 0: a smaller step there.
    let tiny = map == .directionNorm && scale < 1e-6
    for index in z.indices {
      let numeric: Double
      if tiny {
        let h = 1e-9
        var plus = z
        var minus = z
        plus[index] += h
        minus[index] -= h
        numeric = (loss(plus) - loss(minus)) / (2 * h)
      } else {
        numeric = Self.numericGradient(z, index: index, loss)
      }
      #expect(
        isClose(gradient[index], numeric, relative: 1e-5, absolute: 1e-7),
        "\(map) scale \(scale) coordinate \(index): \(gradient[index]) vs \(numeric)")
    }
  }

  // MARK: The whole network

  static func fitContext(
    architecture: LinkArchitecture, loss: LinkLoss, inputs: [Double], embedding: [Double],
    nodeCount: Int
  ) -> FitContext {
    var options = LinkFitOptions()
    options.loss = loss
    options.negatives = 4
    return FitContext(
      architecture: architecture, options: options, inputs: inputs, pairKeys: [0, 1],
      pairNodes: [0, 2], keyOffsets: [0, 1, 2], keyNodes: [0, 2], embedding: embedding,
      nodeCount: nodeCount)
  }

  @Test(arguments: [LinkLoss.softmax, .distance], BallOutput.allCases)
  func networkGradientMatchesFiniteDifferences(loss: LinkLoss, map: BallOutput) {
    let architecture = LinkArchitecture(
      inputDimension: 3, hiddenWidths: [4], activation: .tanh, output: map, ballDimension: 2,
      epsilon: 1e-5)
    var random = RandomSource(seed: 7)
    let parameters = architecture.initialParameters(random: &random).map { $0 + 0.05 }
    let inputs = [0.5, -0.2, 0.8, -0.6, 0.3, 0.1]
    let embedding = [0.1, 0.2, -0.5, 0.3, 0.7, -0.6, 0.0, 0.95, -0.3, -0.3]
    let context = Self.fitContext(
      architecture: architecture, loss: loss, inputs: inputs, embedding: embedding, nodeCount: 5)
    let pairs: [Int32] = [0, 1]
    let negatives: [Int32] = [1, 2, 3, 4, 0, 1, 3, 4]
    let workspace = NetworkWorkspace(architecture: architecture, capacity: 2)
    func lossValue(_ parameters: [Double], gradient: UnsafeMutablePointer<Double>? = nil) -> Double {
      var rows = [Double](repeating: 0, count: 6)
      return rows.withUnsafeMutableBufferPointer { rows in
        parameters.withUnsafeBufferPointer { p in
          negatives.withUnsafeBufferPointer { n in
            context.gather(pairs[...], into: rows.baseAddress!)
            workspace.forward(parameters: p.baseAddress!, inputs: rows.baseAddress!, count: 2)
            let value = context.loss(
              pairs: pairs[...], negatives: n.baseAddress!, workspace: workspace, weight: 1)
            if let gradient {
              workspace.backward(
                parameters: p.baseAddress!, inputs: rows.baseAddress!, count: 2,
                gradient: gradient)
            }
            return value
          }
        }
      }
    }
    var gradient = [Double](repeating: 0, count: architecture.parameterCount)
    _ = gradient.withUnsafeMutableBufferPointer { lossValue(parameters, gradient: $0.baseAddress!) }
    for index in parameters.indices {
      let numeric = Self.numericGradient(parameters, index: index) { lossValue($0) }
      #expect(
        isClose(gradient[index], numeric, relative: 1e-5, absolute: 1e-7),
        "\(loss) \(map) parameter \(index): \(gradient[index]) vs \(numeric)")
    }
  }
}

#if canImport(Glibc)
  import Glibc
#endif
