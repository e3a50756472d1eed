#if canImport(FoundationEssentials)
  import FoundationEssentials  // JSON coding without the ICU data full Foundation links
#else
  import Foundation
#endif

/// The file of a `LinkModel`, written by `link fit`, read by `link predict` and `link eval`.
///
/// Layout (little-endian), in the manner of `Checkpoint`:
/// ```
/// "POINLINK"  UInt32 version  UInt32 n  <n bytes of JSON header>
/// parameterCount + 2 × (inputMean.count) Float64   (weights and biases, then the scaling)
/// UInt64 FNV-1a checksum of all preceding bytes
/// ```
/// The header holds the architecture, the scaling, the key composition, the embedding's
/// identity (path and fingerprint), the fit's options and outcome, and the pairs fitted on.
/// Written atomically; a damaged file, one from a newer format version, or one whose numbers
/// no fit writes is refused.
public enum LinkModelFile {
  public static let formatVersion: UInt32 = 1
  static let magic = Array("POINLINK".utf8)
  static let damageHint = "the model file is damaged or truncated; fit it again with `link fit`."

  private struct Header: Codable {
    var architecture: LinkArchitecture
    var inputScaling: InputScaling
    var composition: KeyComposition
    var embedding: EmbeddingIdentity
    var record: LinkFitRecord
    var parameterCount: Int
    var scalingCount: Int
    var trainingKeys: [String]
    var trainingNodes: [String]
  }

  /// Writes `model` to `path` atomically.
  ///
  /// - Throws: `OutputError` when the file cannot be written.
  public static func write(_ model: LinkModel, to path: String) throws {
    let header = Header(
      architecture: model.architecture, inputScaling: model.inputScaling,
      composition: model.composition, embedding: model.embedding, record: model.record,
      parameterCount: model.parameters.count, scalingCount: model.inputMean.count,
      trainingKeys: model.trainingKeys, trainingNodes: model.trainingNodes)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let json = try encoder.encode(header)
    var file = ChecksummedFile()
    magic.withUnsafeBytes { file.append($0) }
    file.append(formatVersion)
    file.append(UInt32(json.count))
    json.withUnsafeBytes { file.append($0) }
    for value in model.parameters + model.inputMean + model.inputDeviation {
      file.append(value.bitPattern)
    }
    try file.write(to: path)
  }

  /// Reads a model written by `write(_:to:)`.
  ///
  /// - Throws: `InputError` when the file is missing, not a model, from a newer format version,
  ///   damaged (checksum), or inconsistent.
  public static func read(_ path: String) throws -> LinkModel {
    try decode(InputFile.readAll(path), path: path)
  }

  static func decode(_ bytes: [UInt8], path: String) throws(InputError) -> LinkModel {
    func damaged(_ message: String) -> InputError {
      InputError(.malformed, path: path, message: message, hint: damageHint)
    }
    guard bytes.starts(with: magic) else {
      throw InputError(
        .malformed, path: path, message: "not a poincare-embed link model",
        hint: "pass a file written by `link fit -o`.")
    }
    guard bytes.count >= magic.count + 16 else { throw damaged("the file is cut short") }
    let version = integer(bytes, at: magic.count, as: UInt32.self)
    guard version <= formatVersion else {
      throw InputError(
        .malformed, path: path, location: .byteOffset(magic.count),
        message: "link model format version \(version) is newer than this tool's (\(formatVersion))",
        hint: "use the poincare-embed version that wrote it, or a newer one.")
    }
    let bodyCount = bytes.count - 8
    guard ChecksummedFile.hasValidChecksum(bytes) else {
      throw damaged("checksum mismatch: the file is damaged")
    }
    let headerLength = Int(integer(bytes, at: magic.count + 4, as: UInt32.self))
    let headerStart = magic.count + 8
    guard headerLength <= bodyCount - headerStart,
      let header = try? JSONDecoder().decode(
        Header.self, from: Data(bytes[headerStart..<(headerStart + headerLength)]))
    else { throw damaged("the header cannot be read") }
    let architecture = header.architecture
    let valueCount = header.parameterCount + 2 * header.scalingCount
    let valuesStart = headerStart + headerLength
    guard architecture.inputDimension >= 1, architecture.ballDimension >= 1,
      architecture.hiddenWidths.count <= 64,
      architecture.hiddenWidths.allSatisfy({ $0 >= 1 && $0 <= 1 << 20 }),
      architecture.inputDimension <= 1 << 20, architecture.ballDimension <= 1 << 20,
      architecture.epsilon >= 1e-15 && architecture.epsilon <= 0.5,
      header.parameterCount == architecture.parameterCount,
      header.scalingCount == (header.inputScaling == .standardize ? architecture.inputDimension : 0),
      header.trainingKeys.count == header.trainingNodes.count,
      header.embedding.dimension == architecture.ballDimension,
      valuesStart + valueCount * 8 == bodyCount
    else { throw damaged("the header is inconsistent with the file") }
    var values: [Double] = []
    values.reserveCapacity(valueCount)
    for index in 0..<valueCount {
      values.append(Double(bitPattern: integer(bytes, at: valuesStart + 8 * index, as: UInt64.self)))
    }
    guard values.allSatisfy({ $0.isFinite }) else {
      throw damaged("the parameters are not all finite")
    }
    let parameters = Array(values[0..<header.parameterCount])
    let mean = Array(values[header.parameterCount..<(header.parameterCount + header.scalingCount)])
    let deviation = Array(values[(header.parameterCount + header.scalingCount)...])
    guard deviation.allSatisfy({ $0 > 0 }) else { throw damaged("a scaling deviation is not positive") }
    return LinkModel(
      architecture: architecture, parameters: parameters, inputScaling: header.inputScaling,
      inputMean: mean, inputDeviation: deviation, composition: header.composition,
      embedding: header.embedding, trainingKeys: header.trainingKeys,
      trainingNodes: header.trainingNodes, record: header.record)
  }

  private static func integer<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as: T.Type)
    -> T
  {
    var value: T = 0
    for index in 0..<MemoryLayout<T>.size {
      value |= T(truncatingIfNeeded: bytes[offset + index]) << (8 * index)
    }
    return value
  }
}

extension LinkModel {
  /// Checks that `vectors` (read from `path`) are the embedding the model was fitted on.
  ///
  /// - Throws: `InputError` naming both files when they differ.
  public func checkEmbedding(_ vectors: KeyedVectors, path: String, modelPath: String)
    throws(InputError)
  {
    let given = EmbeddingIdentity(vectors, path: path)
    guard given.fingerprint != embedding.fingerprint || given.nodeCount != embedding.nodeCount
      || given.dimension != embedding.dimension
    else { return }
    throw InputError(
      .malformed, path: modelPath,
      message: "the model was fitted on another embedding: \(embedding.path) "
        + "(\(embedding.nodeCount) nodes, dimension \(embedding.dimension), fingerprint "
        + "\(embedding.fingerprint)); \(path) has \(given.nodeCount) nodes, dimension "
        + "\(given.dimension), fingerprint \(given.fingerprint)",
      hint: "pass the embedding the model was fitted on with --embedding, or fit a model on "
        + "this one with `link fit`.")
  }
}
