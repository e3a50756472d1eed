// A test executable for Tests/interop (not a product, not installed): exposes library seams that
// have no command-line flag, so that the interop checks can compare them with gensim and numpy.
//
//   interop-probe step          one gensim batch update (PoincareTrainer.applyBatch)
//   interop-probe numpy-random  draws of NumpyRandomState
//
// Each mode reads one JSON object on stdin and writes one JSON object on stdout; numbers are
// written with every digit (Double.description), so Python reads back the exact values.

import Foundation
import PoincareEmbedding

enum ProbeError: Error, CustomStringConvertible {
  case usage(String)
  case input(String)

  var description: String {
    switch self {
    case .usage(let text), .input(let text): text
    }
  }
}

func json(_ values: [Double]) -> String {
  "[" + values.map(\.description).joined(separator: ",") + "]"
}

func json<T: BinaryInteger>(_ values: [T]) -> String {
  "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
}

/// One batch: `{"dimension", "table": [flat row-major values], "relations": [[u, v]...],
/// "negatives": [[n...]...], "learning_rate", "regularization", "epsilon"}`.
struct StepCase: Decodable {
  var dimension: Int
  var table: [Double]
  var relations: [[NodeID]]
  var negatives: [[NodeID]]
  var learningRate: Double
  var regularization: Double
  var epsilon: Double
}

/// → `{"loss", "table", "input"}`; `input` echoes the table as parsed, so that the caller can
/// confirm that no digit was lost on the way in.
func step(_ data: Data) throws -> String {
  let decoder = JSONDecoder()
  decoder.keyDecodingStrategy = .convertFromSnakeCase
  let request = try decoder.decode(StepCase.self, from: data)
  var table = request.table
  let relations = try request.relations.map { pair -> (NodeID, NodeID) in
    guard pair.count == 2 else { throw ProbeError.input("a relation has two nodes") }
    return (pair[0], pair[1])
  }
  let dimension = request.dimension
  guard dimension > 0, table.count % dimension == 0, !relations.isEmpty,
    request.negatives.count == relations.count, let negativeCount = request.negatives.first?.count,
    request.negatives.allSatisfy({ $0.count == negativeCount })
  else { throw ProbeError.input("inconsistent sizes") }
  var configuration = TrainingConfiguration()
  configuration.dimension = dimension
  configuration.batchSize = relations.count
  configuration.negativeCount = negativeCount
  configuration.regularizationCoefficient = request.regularization
  configuration.epsilon = request.epsilon
  let loss = PoincareTrainer.applyBatch(
    to: &table, configuration: configuration, relations: relations,
    negatives: request.negatives, learningRate: request.learningRate)
  return "{\"loss\":\(loss.map(\.description) ?? "null"),\"table\":\(json(table)),"
    + "\"input\":\(json(request.table))}"
}

/// Draws from one generator: `{"seed", "ops": [{"op", ...}]}` with ops random_sample {size},
/// uniform {low, high, size}, randint {low, high, size}, shuffle {n} (of list(range(n))),
/// choice {size, p} (replace=False; positions).
struct RandomCase: Decodable {
  struct Operation: Decodable {
    var op: String
    var size: Int?
    var low: Double?
    var high: Double?
    var n: Int?
    var p: [Double]?
  }
  var seed: UInt32
  var ops: [Operation]
}

/// → `{"results": [[...]...]}`, one array per operation, in order.
func numpyRandom(_ data: Data) throws -> String {
  let request = try JSONDecoder().decode(RandomCase.self, from: data)
  var random = NumpyRandomState(seed: request.seed)
  var results: [String] = []
  for operation in request.ops {
    let size = operation.size ?? 0
    switch (operation.op, operation.low, operation.high, operation.n, operation.p) {
    case ("random_sample", _, _, _, _):
      results.append(json((0..<size).map { _ in random.randomSample() }))
    case ("uniform", let low?, let high?, _, _):
      results.append(json((0..<size).map { _ in random.uniform(low: low, high: high) }))
    case ("randint", let low?, let high?, _, _):
      results.append(json((0..<size).map { _ in random.randint(Int64(low), Int64(high)) }))
    case ("shuffle", _, _, let n?, _):
      var elements = Array(0..<n)
      random.shuffle(&elements)
      results.append(json(elements))
    case ("choice", _, _, _, let p?):
      results.append(json(random.choiceWithoutReplacement(count: size, probabilities: p)))
    default:
      throw ProbeError.input("unknown or incomplete op '\(operation.op)'")
    }
  }
  return "{\"results\":[" + results.joined(separator: ",") + "]}"
}

do {
  let arguments = CommandLine.arguments.dropFirst()
  guard arguments.count == 1, let mode = arguments.first else {
    throw ProbeError.usage("usage: interop-probe step|numpy-random < case.json")
  }
  let data = FileHandle.standardInput.readDataToEndOfFile()
  switch mode {
  case "step": print(try step(data))
  case "numpy-random": print(try numpyRandom(data))
  default: throw ProbeError.usage("unknown mode '\(mode)'; use step or numpy-random")
  }
} catch {
  FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
  exit(error is ProbeError ? 64 : 65)
}
