#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The nonlinearity of a hidden layer.
public enum LinkActivation: String, Codable, Sendable, CaseIterable {
  case tanh
  case relu
}

/// The shape of a `link` network: input width, hidden layers, and the ball output.
///
/// Dense layers `a ↦ act(W·a + b)` (the last one linear), then `BallOutput`. All parameters live
/// in one contiguous array, layer after layer: each layer's weights `output × input` row-major,
/// then its `output` biases.
public struct LinkArchitecture: Codable, Equatable, Sendable {
  /// The input vectors' dimension.
  public var inputDimension: Int
  /// The widths of the hidden layers; empty for a linear map.
  public var hiddenWidths: [Int]
  public var activation: LinkActivation
  public var output: BallOutput
  /// The embedding's dimension.
  public var ballDimension: Int
  /// Predictions have norm at most 1 − epsilon.
  public var epsilon: Double

  public init(
    inputDimension: Int, hiddenWidths: [Int], activation: LinkActivation, output: BallOutput,
    ballDimension: Int, epsilon: Double
  ) {
    self.inputDimension = inputDimension
    self.hiddenWidths = hiddenWidths
    self.activation = activation
    self.output = output
    self.ballDimension = ballDimension
    self.epsilon = epsilon
  }

  /// Widths of every layer of values: the input, each hidden layer, the raw outputs.
  var widths: [Int] {
    [inputDimension] + hiddenWidths + [output.rawCount(dimension: ballDimension)]
  }

  /// The number of dense layers.
  var layerCount: Int { hiddenWidths.count + 1 }

  /// Where each layer's weights start in the parameter array (its biases follow them), and the
  /// total count at the end.
  var parameterOffsets: [Int] {
    let widths = self.widths
    var offsets = [0]
    for layer in 0..<layerCount {
      offsets.append(offsets[layer] + widths[layer + 1] * (widths[layer] + 1))
    }
    return offsets
  }

  /// The number of weights and biases.
  public var parameterCount: Int { parameterOffsets.last! }

  /// A summary for messages: `linear map, exp-map output` or `2 hidden layers of 256 (tanh), …`.
  public var summary: String {
    let body: String
    if hiddenWidths.isEmpty {
      body = "linear map"
    } else if Set(hiddenWidths).count == 1 {
      let layers = hiddenWidths.count == 1 ? "1 hidden layer" : "\(hiddenWidths.count) hidden layers"
      body = "\(layers) of \(hiddenWidths[0]) (\(activation.rawValue))"
    } else {
      body = "hidden layers " + hiddenWidths.map(String.init).joined(separator: ", ")
        + " (\(activation.rawValue))"
    }
    return "\(body), \(output.rawValue) output"
  }

  /// Glorot-uniform weights (limit √(6/(in + out))) and zero biases, from `random`.
  func initialParameters(random: inout RandomSource) -> [Double] {
    let widths = self.widths
    var parameters: [Double] = []
    parameters.reserveCapacity(parameterCount)
    for layer in 0..<layerCount {
      let input = widths[layer]
      let output = widths[layer + 1]
      let limit = (6 / Double(input + output)).squareRoot()
      for _ in 0..<(input * output) {
        parameters.append((2 * random.unitInterval() - 1) * limit)
      }
      parameters.append(contentsOf: repeatElement(0, count: output))
    }
    return parameters
  }
}

/// Scratch for the forward and backward passes of up to `capacity` examples at once: every
/// layer's values and their gradients as contiguous `capacity × width` matrices, allocated once.
final class NetworkWorkspace {
  let architecture: LinkArchitecture
  let capacity: Int
  let widths: [Int]
  let layerOffsets: [Int]
  /// Per layer of values l ≥ 1 (hidden layers, then the raw outputs): `capacity × widths[l]`.
  private let values: UnsafeMutablePointer<Double>
  private let valueOffsets: [Int]
  /// ∂L/∂(pre-activation) of the same layers, and ∂L/∂v of the points.
  private let deltas: UnsafeMutablePointer<Double>
  /// The predicted points, `capacity × ballDimension`.
  let points: UnsafeMutablePointer<Double>
  /// ∂L/∂v per point, filled by the loss before `backward`.
  let pointGradients: UnsafeMutablePointer<Double>
  private let valueCount: Int

  init(architecture: LinkArchitecture, capacity: Int) {
    self.architecture = architecture
    self.capacity = capacity
    widths = architecture.widths
    layerOffsets = architecture.parameterOffsets
    var offsets = [0]
    for layer in 1..<widths.count { offsets.append(offsets.last! + capacity * widths[layer]) }
    valueOffsets = offsets
    valueCount = offsets.last!
    values = .allocate(capacity: max(1, valueCount))
    values.initialize(repeating: 0, count: max(1, valueCount))
    deltas = .allocate(capacity: max(1, valueCount))
    deltas.initialize(repeating: 0, count: max(1, valueCount))
    let pointCount = capacity * architecture.ballDimension
    points = .allocate(capacity: max(1, pointCount))
    points.initialize(repeating: 0, count: max(1, pointCount))
    pointGradients = .allocate(capacity: max(1, pointCount))
    pointGradients.initialize(repeating: 0, count: max(1, pointCount))
  }

  deinit {
    values.deallocate()
    deltas.deallocate()
    points.deallocate()
    pointGradients.deallocate()
  }

  /// Layer l's values (l ≥ 1), `capacity × widths[l]`.
  private func layer(_ l: Int) -> UnsafeMutablePointer<Double> { values + valueOffsets[l - 1] }

  private func delta(_ l: Int) -> UnsafeMutablePointer<Double> { deltas + valueOffsets[l - 1] }

  /// Predicts `count` points for the input rows `inputs` (`count × inputDimension`) into
  /// `points`, keeping every layer's values for `backward`.
  func forward(
    parameters: UnsafePointer<Double>, inputs: UnsafePointer<Double>, count: Int
  ) {
    precondition(count <= capacity)
    let layers = widths.count - 1
    let activation = architecture.activation
    for l in 0..<layers {
      let inWidth = widths[l]
      let outWidth = widths[l + 1]
      let source = l == 0 ? inputs : UnsafePointer(layer(l))
      let target = layer(l + 1)
      let weights = parameters + layerOffsets[l]
      let biases = weights + inWidth * outWidth
      let isHidden = l + 1 < layers
      for example in 0..<count {
        let a = source + example * inWidth
        let z = target + example * outWidth
        for unit in 0..<outWidth {
          z[unit] = biases[unit] + VectorKernels.dot(a, weights + unit * inWidth, count: inWidth)
        }
        if isHidden {
          switch activation {
          case .tanh: for unit in 0..<outWidth { z[unit] = tanh(z[unit]) }
          case .relu: for unit in 0..<outWidth { z[unit] = max(z[unit], 0) }
          }
        }
      }
    }
    let raw = layer(layers)
    let rawWidth = widths[layers]
    let d = architecture.ballDimension
    for example in 0..<count {
      architecture.output.point(
        from: raw + example * rawWidth, into: points + example * d, dimension: d,
        epsilon: architecture.epsilon)
    }
  }

  /// Adds ∂L/∂θ to `gradient` for the last `forward`'s `count` examples, given ∂L/∂v in
  /// `pointGradients`.
  func backward(
    parameters: UnsafePointer<Double>, inputs: UnsafePointer<Double>, count: Int,
    gradient: UnsafeMutablePointer<Double>
  ) {
    let layers = widths.count - 1
    let d = architecture.ballDimension
    let rawWidth = widths[layers]
    let raw = layer(layers)
    let rawDelta = delta(layers)
    for example in 0..<count {
      architecture.output.backward(
        from: raw + example * rawWidth, gradient: pointGradients + example * d,
        into: rawDelta + example * rawWidth, dimension: d, epsilon: architecture.epsilon)
    }
    let activation = architecture.activation
    var l = layers - 1
    while l >= 0 {
      let inWidth = widths[l]
      let outWidth = widths[l + 1]
      let source = l == 0 ? inputs : UnsafePointer(layer(l))
      let outDelta = delta(l + 1)
      let weights = parameters + layerOffsets[l]
      let weightGradient = gradient + layerOffsets[l]
      let biasGradient = weightGradient + inWidth * outWidth
      for example in 0..<count {
        let a = source + example * inWidth
        let g = outDelta + example * outWidth
        for unit in 0..<outWidth where g[unit] != 0 {
          VectorKernels.addScaled(g[unit], a, to: weightGradient + unit * inWidth, count: inWidth)
          biasGradient[unit] += g[unit]
        }
      }
      if l > 0 {
        let inDelta = delta(l)
        let values = layer(l)
        for example in 0..<count {
          let g = outDelta + example * outWidth
          let target = inDelta + example * inWidth
          target.update(repeating: 0, count: inWidth)
          for unit in 0..<outWidth where g[unit] != 0 {
            VectorKernels.addScaled(g[unit], weights + unit * inWidth, to: target, count: inWidth)
          }
          let a = values + example * inWidth
          switch activation {
          case .tanh: for unit in 0..<inWidth { target[unit] *= 1 - a[unit] * a[unit] }
          case .relu: for unit in 0..<inWidth where a[unit] <= 0 { target[unit] = 0 }
          }
        }
      }
      l -= 1
    }
  }
}
