import Foundation
import Testing
import TestSupport

@testable import PoincareEmbedding
@testable import poincare_embed

/// `link fit|predict|eval` on a small hand-made hierarchy: results, hostile inputs (zero and
/// 1e30 vectors, missing keys, unknown nodes, nodes at norm 1 − 1e-15, a learning rate of 1e6)
/// and damaged or mismatched model files. No timing is asserted.
@Suite struct LinkCommandTests {
  /// A 2-dimensional embedding: a root, two branches, leaves, and one node at norm 1 − 1e-15.
  static let embedding = """
    9 2
    entity.n.01 0.01 0.0
    animal.n.01 0.5 0.1
    plant.n.01 -0.5 0.1
    dog.n.01 0.85 0.3
    cat.n.01 0.8 -0.4
    tree.n.01 -0.85 0.3
    rose.n.01 -0.8 -0.4
    edge.n.01 0.999999999999999 0.0
    pet_dog.n.01 0.86 0.32

    """

  /// GloVe text (no header), 3 dimensions: one zero vector, one of 1e30, words for a_b keys.
  static let inputs = """
    dog 0.9 0.1 0.0
    puppy 0.85 0.15 0.05
    cat 0.7 -0.3 0.1
    kitten 0.72 -0.28 0.12
    tree -0.8 0.2 0.3
    oak -0.75 0.25 0.28
    rose -0.6 -0.5 0.2
    tulip -0.62 -0.45 0.22
    zero 0 0 0
    huge 1e30 -1e30 1e30
    edge 0.1 0.9 0.9
    pet 0.5 0.5 0.5

    """

  static let pairs = """
    dog\tdog.n.01
    cat\tcat.n.01
    tree\ttree.n.01
    rose\trose.n.01
    zero\tentity.n.01
    huge\tanimal.n.01
    edge\tedge.n.01
    pet_dog\tpet_dog.n.01

    """

  static let heldOut = """
    puppy\tdog.n.01
    kitten\tcat.n.01
    oak\ttree.n.01
    tulip\trose.n.01

    """

  static let closure = """
    animal.n.01\tentity.n.01
    plant.n.01\tentity.n.01
    dog.n.01\tanimal.n.01
    dog.n.01\tentity.n.01
    cat.n.01\tanimal.n.01
    cat.n.01\tentity.n.01
    tree.n.01\tplant.n.01
    tree.n.01\tentity.n.01
    rose.n.01\tplant.n.01
    rose.n.01\tentity.n.01
    edge.n.01\tentity.n.01
    pet_dog.n.01\tdog.n.01

    """

  /// A folder with the fixture files.
  static func fixture() -> TemporaryFolder {
    let folder = TemporaryFolder()
    folder.write("nodes.txt", embedding)
    folder.write("glove.txt", inputs)
    folder.write("pairs.tsv", pairs)
    folder.write("test.tsv", heldOut)
    folder.write("closure.tsv", closure)
    return folder
  }

  /// `link fit` on the fixture with small, quick settings and `extra` options.
  static func fit(_ folder: TemporaryFolder, _ extra: [String] = [], model: String = "m.link")
    -> CommandResult
  {
    runInProcess(
      [
        "link", "fit", folder.file("glove.txt"), folder.file("nodes.txt"), folder.file("pairs.tsv"),
        "-o", folder.file(model), "--compose", "mean", "--width", "16", "--epochs", "30",
        "--negatives", "4", "--validation", "0", "--learning-rate", "0.01", "-q",
      ] + extra)
  }

  static func numbers(in text: String) -> [Double] {
    text.split(whereSeparator: { " \t\n,:[]{}\"".contains($0) }).compactMap { Double($0) }
  }

  @Test func fitPredictAndEvalWorkAndStayFinite() throws {
    let folder = Self.fixture()
    let fitted = Self.fit(folder)
    #expect(fitted.status == 0, "\(fitted.errors)")
    #expect(fitted.output.isEmpty)
    let predicted = runInProcess([
      "link", "predict", folder.file("m.link"), folder.file("glove.txt"), "--top", "3",
      "--json", "-o", folder.file("points.txt"),
    ])
    #expect(predicted.status == 0, "\(predicted.errors)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(predicted.output.utf8)) as? [String: Any])
    let predictions = try #require(json["predictions"] as? [[String: Any]])
    // Every key of the inputs, plus none composed (keys come from the inputs file).
    #expect(predictions.count == 12)
    for prediction in predictions {
      let norm = try #require(prediction["norm"] as? Double)
      #expect(norm.isFinite && norm < 1, "\(prediction)")
      let nearest = try #require(prediction["nearest"] as? [[String: Any]])
      #expect(nearest.count == 3)
      #expect(nearest.allSatisfy { ($0["distance"] as? Double)?.isFinite == true })
    }
    // The points file is word2vec text of points inside the ball, in the keys' order.
    let points = try Word2VecFormat.read(folder.file("points.txt"))
    #expect(points.count == 12 && points.dimension == 2)
    #expect(points.values.allSatisfy { $0.isFinite })

    let evaluated = runInProcess([
      "link", "eval", folder.file("m.link"), folder.file("glove.txt"), folder.file("test.tsv"),
      "--closure", folder.file("closure.tsv"), "--json",
    ])
    #expect(evaluated.status == 0, "\(evaluated.errors)")
    let report = try #require(
      try JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as? [String: Any])
    let methods = try #require(report["methods"] as? [[String: Any]])
    #expect(methods.map { $0["method"] as? String } == ["ours", "nearest-key", "tangent-least-squares"])
    for method in methods {
      for key in ["mrr", "hits_at_1", "hits_at_10", "mean_rank", "mean_distance", "ancestor_precision"] {
        let value = try #require(method[key] as? Double, "\(key) of \(method)")
        #expect(value.isFinite)
      }
      let mrr = method["mrr"] as! Double
      #expect(mrr > 0 && mrr <= 1)
    }
    #expect(report["pair_count"] as? Int == 4)
  }

  /// The MRR is also given apart for held-out pairs whose node is a training node (here the
  /// four synonyms, which the nearest key copies exactly) and for the others (one pair).
  @Test func evalSplitsTheMRRByWhetherTheNodeWasFittedOn() throws {
    let folder = Self.fixture()
    folder.write("mixed.tsv", Self.heldOut + "pet\tplant.n.01\n")
    #expect(Self.fit(folder).status == 0)
    let evaluated = runInProcess([
      "link", "eval", folder.file("m.link"), folder.file("glove.txt"), folder.file("mixed.tsv"),
      "--json",
    ])
    #expect(evaluated.status == 0, "\(evaluated.errors)")
    let report = try #require(
      try JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as? [String: Any])
    #expect(report["pairs_with_training_nodes"] as? Int == 4)
    let methods = try #require(report["methods"] as? [[String: Any]])
    for method in methods {
      let all = try #require(method["mrr"] as? Double)
      let fitted = try #require(method["mrr_training_nodes"] as? Double)
      let other = try #require(method["mrr_other_nodes"] as? Double)
      // The overall MRR is the pair-weighted mean of the two parts.
      #expect(isClose(all, (4 * fitted + other) / 5, relative: 1e-12), "\(method)")
    }
    #expect(methods[1]["mrr_training_nodes"] as? Double == 1)
    let text = runInProcess([
      "link", "eval", folder.file("m.link"), folder.file("glove.txt"), folder.file("mixed.tsv"),
    ])
    #expect(text.output.contains("MRR on the 4 pairs whose node is also a training pair's node"))
  }

  @Test func predictionsOfZeroHugeAndBoundaryKeysAreFinite() throws {
    let folder = Self.fixture()
    #expect(Self.fit(folder).status == 0)
    for map in BallOutput.allCases {
      let fitted = Self.fit(folder, ["--ball-map", map.rawValue, "--input-scaling", "standardize"], model: "\(map).link")
      #expect(fitted.status == 0, "\(fitted.errors)")
      let predicted = runInProcess([
        "link", "predict", folder.file("\(map).link"), folder.file("glove.txt"), "zero", "huge",
        "edge", "pet_dog", "--top", "2",
      ])
      #expect(predicted.status == 0, "\(predicted.errors)")
      #expect(!predicted.output.contains("nan") && !predicted.output.contains("inf"))
      #expect(Self.numbers(in: predicted.output).allSatisfy { $0.isFinite })
      #expect(predicted.output.contains("pet_dog  norm"))
    }
  }

  @Test func resultsDoNotDependOnTheThreadCount() throws {
    let folder = Self.fixture()
    var outputs: [String] = []
    for threads in ["1", "2", "3"] {
      let fitted = Self.fit(folder, ["--threads", threads, "--batch-size", "40"], model: "t\(threads).link")
      #expect(fitted.status == 0)
      let predicted = runInProcess([
        "link", "predict", folder.file("t\(threads).link"), folder.file("glove.txt"), "--json",
        "--threads", threads,
      ])
      outputs.append(predicted.output.replacingOccurrences(of: "t\(threads).link", with: ""))
    }
    #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2])
  }

  /// Negatives from the prediction and the choice of epoch by validation MRR: the model is
  /// the same for any thread count, and the fit reports the MRR it kept.
  @Test func predictionNegativesAndSelectionByMRRDoNotDependOnThreads() throws {
    let folder = Self.fixture()
    var outputs: [String] = []
    for threads in ["1", "3"] {
      let fitted = runInProcess([
        "link", "fit", folder.file("glove.txt"), folder.file("nodes.txt"), folder.file("pairs.tsv"),
        "-o", folder.file("s\(threads).link"), "--compose", "mean", "--width", "16",
        "--epochs", "12", "--negatives", "5", "--prediction-negatives", "3",
        "--validation", "0.25", "--select", "mrr", "--batch-size", "40",
        "--learning-rate", "0.01", "--threads", threads,
      ])
      #expect(fitted.status == 0, "\(fitted.errors)")
      #expect(fitted.errors.contains("(validation MRR "), "\(fitted.errors)")
      let predicted = runInProcess([
        "link", "predict", folder.file("s\(threads).link"), folder.file("glove.txt"), "--json",
      ])
      #expect(predicted.status == 0)
      outputs.append(predicted.output.replacingOccurrences(of: "s\(threads).link", with: ""))
    }
    #expect(outputs[0] == outputs[1])
    let tooMany = Self.fit(folder, ["--negatives", "4", "--prediction-negatives", "5"])
    #expect(tooMany.status == 64)
    #expect(tooMany.errors.contains("--prediction-negatives must be in [0, --negatives"))
  }

  @Test func aMissingKeyIsALocatedErrorOrSkippedAndCounted() {
    let folder = Self.fixture()
    folder.write("pairs.tsv", Self.pairs + "wolf\tdog.n.01\n")
    let failed = Self.fit(folder)
    #expect(failed.status == 65)
    #expect(failed.errors.contains("pairs.tsv:9: key 'wolf' has no vector in"), "\(failed.errors)")
    #expect(failed.errors.contains("Hint: skip pairs whose key has no vector with --skip-missing."))
    #expect(!FileManager.default.fileExists(atPath: folder.file("m.link")))
    let withoutComposition = runInProcess([
      "link", "fit", folder.file("glove.txt"), folder.file("nodes.txt"), folder.file("pairs.tsv"),
      "-o", folder.file("m.link"),
    ])
    #expect(withoutComposition.errors.contains("pairs.tsv:8: key 'pet_dog' has no vector"))
    #expect(withoutComposition.errors.contains("--compose mean"))
    let skipped = runInProcess([
      "link", "fit", folder.file("glove.txt"), folder.file("nodes.txt"), folder.file("pairs.tsv"),
      "-o", folder.file("m.link"), "--skip-missing", "--epochs", "2", "--width", "8",
    ])
    #expect(skipped.status == 0, "\(skipped.errors)")
    #expect(skipped.errors.contains("skipped 2 pairs whose key has no input vector (2 keys)"))
    let predicted = runInProcess([
      "link", "predict", folder.file("m.link"), folder.file("glove.txt"), "dog", "wolf",
    ])
    #expect(predicted.status == 65)
    #expect(predicted.errors.contains("no node named 'wolf'"))
    let skippedKey = runInProcess([
      "link", "predict", folder.file("m.link"), folder.file("glove.txt"), "dog", "wolf",
      "--skip-missing",
    ])
    #expect(skippedKey.status == 0)
    #expect(skippedKey.errors.contains("skipped 1 keys without an input vector"))
  }

  @Test func pairsNamingUnknownNodesAreLocatedErrors() {
    let folder = Self.fixture()
    folder.write("pairs.tsv", "dog\tdog.n.01\ncat\tcat.n.99\n")
    let failed = Self.fit(folder)
    #expect(failed.status == 65)
    #expect(
      failed.errors.contains("pairs.tsv:2: node 'cat.n.99' is not in the embedding"),
      "\(failed.errors)")
    #expect(failed.errors.contains("did you mean 'cat.n.01'?"))
    folder.write("pairs.tsv", "dog\tdog.n.01\ncat\tcat.n.01\nonly\tfield\textra\n")
    let malformed = Self.fit(folder)
    #expect(malformed.status == 65)
    #expect(malformed.errors.contains("pairs.tsv:3: expected 2 tab-separated fields"))
  }

  @Test(arguments: ["1e6", "1e300"])
  func aHugeLearningRateStopsWithAClearErrorAndWritesNothing(rate: String) {
    // Also with negatives from the prediction, whose divergence check measures a reference set.
    for extra in [[], ["--prediction-negatives", "2"]] {
      let folder = Self.fixture()
      let result = Self.fit(folder, ["--learning-rate", rate, "--epochs", "50"] + extra)
      #expect(result.status == 1, "\(extra) \(result.errors)")
      #expect(result.errors.contains("training diverged in epoch"), "\(extra) \(result.errors)")
      #expect(result.errors.contains("no model was written"))
      #expect(!FileManager.default.fileExists(atPath: folder.file("m.link")))
      #expect(folder.fileNames.allSatisfy { !$0.hasPrefix("m.link") })
    }
  }

  @Test func damagedModelsAndOtherEmbeddingsAreRefused() throws {
    let folder = Self.fixture()
    #expect(Self.fit(folder).status == 0)
    let path = folder.file("m.link")
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    func predict(_ extra: [String] = []) -> CommandResult {
      runInProcess(["link", "predict", path, folder.file("glove.txt"), "dog"] + extra)
    }
    #expect(predict().status == 0)

    var flipped = bytes
    flipped[bytes.count / 2] ^= 0x40
    folder.write("m.link", bytes: flipped)
    let damaged = predict()
    #expect(damaged.status == 65)
    #expect(damaged.errors.contains("checksum mismatch: the file is damaged"), "\(damaged.errors)")

    folder.write("m.link", bytes: Array(bytes.prefix(bytes.count - 100)))
    #expect(predict().errors.contains("checksum mismatch"))
    folder.write("m.link", bytes: Array(bytes.prefix(10)))
    #expect(predict().errors.contains("the file is cut short"))
    folder.write("m.link", bytes: Array("POINCKPT".utf8) + bytes.dropFirst(8))
    #expect(predict().errors.contains("not a poincare-embed link model"))
    var newer = bytes
    newer[8] = 9
    folder.write("m.link", bytes: newer)
    #expect(predict().errors.contains("link model format version 9 is newer"))

    folder.write("m.link", bytes: bytes)
    folder.write("other.txt", Self.embedding.replacingOccurrences(of: "0.85 0.3", with: "0.85 0.31"))
    let other = predict(["--embedding", folder.file("other.txt")])
    #expect(other.status == 65)
    #expect(other.errors.contains("the model was fitted on another embedding"), "\(other.errors)")
    try FileManager.default.removeItem(atPath: folder.file("nodes.txt"))
    let gone = predict()
    #expect(gone.status == 66)
    #expect(gone.errors.contains("the embedding"))
    #expect(gone.errors.contains("--embedding"))
  }

  @Test func inputsOfAnotherDimensionAreRefused() {
    let folder = Self.fixture()
    #expect(Self.fit(folder).status == 0)
    folder.write("narrow.txt", "dog 0.1 0.2\ncat 0.3 0.4\n")
    let result = runInProcess(["link", "predict", folder.file("m.link"), folder.file("narrow.txt")])
    #expect(result.status == 65)
    #expect(result.errors.contains("vectors of dimension 2, but the model takes 3"))
  }

  @Test func helpListsTheSubcommandsAndEachHasItsOwn() {
    let group = runInProcess(["link", "--help"])
    #expect(group.status == 0)
    #expect(group.output.contains("USAGE: poincare-embed link <subcommand>"))
    for name in ["fit", "predict", "eval"] {
      #expect(group.output.contains("\n  \(name) "))
      let help = runInProcess(["link", name, "--help"])
      #expect(help.status == 0)
      #expect(help.output.contains("USAGE: poincare-embed link \(name) "))
      #expect(runInProcess(["help", "link", name]).output == help.output)
    }
    #expect(runInProcess(["help", "link"]).output == group.output)
    #expect(runInProcess(["link"]).output == group.output)
    let unknown = runInProcess(["link", "fitt"])
    #expect(unknown.status == 64)
    #expect(unknown.errors.contains("Error: Unknown subcommand 'fitt'"))
    #expect(unknown.errors.contains("Usage: poincare-embed link <subcommand>"))
    let root = runInProcess(["--help"])
    #expect(root.output.contains("\n  link "))
  }

  @Test func usageErrorsNameTheOption() {
    let folder = Self.fixture()
    let missingOutput = runInProcess([
      "link", "fit", folder.file("glove.txt"), folder.file("nodes.txt"), folder.file("pairs.tsv"),
    ])
    #expect(missingOutput.status == 64)
    #expect(missingOutput.errors.contains("Missing value for '-o, --output <model>'")
      || missingOutput.errors.contains("Missing value for '--output <model>'"))
    let badMap = Self.fit(folder, ["--ball-map", "sphere"])
    #expect(badMap.status == 64)
    #expect(badMap.errors.contains("The value 'sphere' is invalid for '--ball-map <name>'"))
    let badShare = Self.fit(folder, ["--validation", "1"])
    #expect(badShare.errors.contains("--validation must be in [0, 1) (got 1.0)"))
  }
}
