import Dispatch

/// How raw input vectors are scaled before the network.
public enum InputScaling: String, Codable, Sendable, CaseIterable {
  /// x/‖x‖: cosine geometry, the one word vectors are built for; a zero vector stays zero.
  case unit
  /// (x − mean)/deviation per coordinate, from the training keys; keeps the norm's
  /// information. Scaled values are clipped to ±1e6, so an absurd input (1e30) cannot overflow
  /// the layers.
  case standardize
}

/// Which embedding a model maps into: its file and a fingerprint of its content.
public struct EmbeddingIdentity: Codable, Equatable, Sendable {
  /// The file as named when the model was fitted, made absolute.
  public var path: String
  public var nodeCount: Int
  public var dimension: Int
  /// FNV-1a (hex) over the names in byte order, each with its coordinates' bit patterns:
  /// independent of row order, so a checkpoint and its word2vec text export agree.
  public var fingerprint: String

  public init(_ vectors: KeyedVectors, path: String) {
    self.path = path
    nodeCount = vectors.count
    dimension = vectors.dimension
    var hasher = FNV1a()
    let n = vectors.dimension
    vectors.values.withUnsafeBufferPointer { values in
      for id in vectors.vocabulary.idsSortedByName() {
        vectors.vocabulary.withNameBytes(of: Int(id)) { hasher.add(UnsafeRawBufferPointer($0)) }
        hasher.add(byte: 0)
        for index in 0..<n {
          var bits = values[Int(id) * n + index].bitPattern.littleEndian
          withUnsafeBytes(of: &bits) { hasher.add($0) }
        }
      }
    }
    fingerprint = String(hasher.value, radix: 16)
  }
}

/// A learned map from word vectors into the Poincaré ball of an embedding (`link fit`), with
/// everything needed to apply and judge it: the input scaling, the key composition, the
/// embedding it maps into, and the pairs it was fitted on.
public struct LinkModel: Sendable {
  public var architecture: LinkArchitecture
  /// `architecture.parameterCount` weights and biases.
  public var parameters: [Double]
  public var inputScaling: InputScaling
  /// Per input coordinate, for `standardize` (empty for `unit`).
  public var inputMean: [Double]
  public var inputDeviation: [Double]
  public var composition: KeyComposition
  public var embedding: EmbeddingIdentity
  /// The pairs the model was fitted on (training and validation), by name: the baselines of
  /// `link eval` use the same ones, and test keys seen here are reported.
  public var trainingKeys: [String]
  public var trainingNodes: [String]
  /// How it was fitted.
  public var record: LinkFitRecord

  /// The largest magnitude of a standardized coordinate.
  static let standardizedLimit = 1e6

  /// Scales one raw input row into `scaled` (both `inputDimension` values).
  func scale(_ raw: UnsafePointer<Double>, into scaled: UnsafeMutablePointer<Double>) {
    let n = architecture.inputDimension
    switch inputScaling {
    case .unit:
      Self.unitVector(raw, into: scaled, count: n)
    case .standardize:
      let limit = Self.standardizedLimit
      for index in 0..<n {
        let value = (raw[index] - inputMean[index]) / inputDeviation[index]
        scaled[index] = min(max(value, -limit), limit)
      }
    }
  }

  /// x/‖x‖ into `unit`, without overflow; a zero vector stays zero.
  static func unitVector(
    _ x: UnsafePointer<Double>, into unit: UnsafeMutablePointer<Double>, count: Int
  ) {
    let norm = BallOutput.norm(x, count: count)
    let inverse = norm > 0 ? 1 / norm : 0
    for index in 0..<count { unit[index] = x[index] * inverse }
  }

  /// The scaled rows of `count` raw rows.
  func scaled(_ raw: [Double], count: Int) -> [Double] {
    let n = architecture.inputDimension
    var result = [Double](repeating: 0, count: count * n)
    raw.withUnsafeBufferPointer { raw in
      result.withUnsafeMutableBufferPointer { result in
        for row in 0..<count {
          scale(raw.baseAddress! + row * n, into: result.baseAddress! + row * n)
        }
      }
    }
    return result
  }

  /// The predicted points of `count` raw input rows, `count × ballDimension`, row-major.
  ///
  /// - Complexity: O(count × parameters), over `threadCount` threads; the result does not
  ///   depend on the thread count.
  public func predict(rawInputs: [Double], count: Int, threadCount: Int = 1) -> [Double] {
    precondition(rawInputs.count == count * architecture.inputDimension)
    let inputs = scaled(rawInputs, count: count)
    return Self.predict(
      architecture: architecture, parameters: parameters, scaledInputs: inputs, count: count,
      threadCount: threadCount)
  }

  /// The points for already scaled inputs.
  static func predict(
    architecture: LinkArchitecture, parameters: [Double], scaledInputs: [Double], count: Int,
    threadCount: Int
  ) -> [Double] {
    let d = architecture.ballDimension
    let n = architecture.inputDimension
    var points = [Double](repeating: 0, count: count * d)
    let chunk = 256
    let chunks = (count + chunk - 1) / chunk
    let threads = max(1, min(threadCount, chunks))
    parameters.withUnsafeBufferPointer { parameters in
      scaledInputs.withUnsafeBufferPointer { inputs in
        points.withUnsafeMutableBufferPointer { points in
          let shared = SharedPrediction(
            parameters: parameters.baseAddress!, inputs: inputs.baseAddress!,
            points: points.baseAddress!)
          let work: @Sendable (Int) -> Void = { worker in
            let workspace = NetworkWorkspace(architecture: architecture, capacity: chunk)
            var index = worker
            while index < chunks {
              let start = index * chunk
              let size = min(chunk, count - start)
              workspace.forward(
                parameters: shared.parameters, inputs: shared.inputs + start * n, count: size)
              (shared.points + start * d).update(from: workspace.points, count: size * d)
              index += threads
            }
          }
          if threads == 1 {
            work(0)
          } else {
            DispatchQueue.concurrentPerform(iterations: threads, execute: work)
          }
        }
      }
    }
    return points
  }
}

/// The buffers of one prediction, seen by every worker; each writes its own chunks of points.
private struct SharedPrediction: @unchecked Sendable {
  let parameters: UnsafePointer<Double>
  let inputs: UnsafePointer<Double>
  let points: UnsafeMutablePointer<Double>
}
