import Foundation
import TestSupport
import Testing

@testable import poincare_embed

@Suite struct EvalCommandTests {
  let folder = TemporaryFolder()

  /// A perfect embedding of the chain c → b → r plus two unrelated points (gensim 4.4.0 gives
  /// mean rank 2.0 and MAP 0.5416666666666666 on it).
  var vectors: String {
    folder.write(
      "toy.txt", "5 2\nr 0.0 0.0\nb 0.3 0.0\nc 0.6 0.0\nx -0.5 0.5\ny -0.5 -0.5\n")
  }
  var closure: String { folder.write("toy.tsv", "c\tb\nc\tr\nb\tr\n") }

  /// The report without its last two lines (time taken).
  func untimed(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(3)
      .joined(separator: "\n")
  }

  @Test func tableShowsBothProtocols() {
    let (vectors, closure) = (self.vectors, self.closure)
    let result = runInProcess(["eval", vectors, closure, "--threads", "1"])
    #expect(result.status == 0 && result.errors.isEmpty)
    #expect(
      untimed(result.output) == """
        Reconstruction of \(closure) (3 relations)
          by \(vectors) (5 vectors, dimension 2)

        protocol   mean rank        MAP      nodes        edges
        paper         1.0000     1.0000          2            3
        gensim        2.0000     0.5417          2            3

        paper:  u excluded from its own ranking (the Poincaré paper, facebookresearch).
        gensim: u ranked as a negative at distance 0 (gensim's evaluation classes).
        """)
    #expect(result.output.contains("s on 1 thread ("))
    #expect(result.output.hasSuffix("distances compared exactly.\n"))
  }

  @Test func oneProtocol() {
    let result = runInProcess(["eval", vectors, closure, "--protocol", "gensim"])
    #expect(result.status == 0)
    #expect(result.output.contains("\ngensim ") && !result.output.contains("\npaper "))
  }

  @Test func jsonCarriesExactNumbers() throws {
    let result = runInProcess(["eval", vectors, closure, "--json", "--threads", "2"])
    #expect(result.status == 0 && result.errors.isEmpty)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    #expect(object["task"] as? String == "reconstruction")
    let protocols = try #require(object["protocols"] as? [String: [String: Any]])
    #expect(protocols["gensim"]?["mean_rank"] as? Double == 2.0)
    #expect(protocols["gensim"]?["map"] as? Double == 0.5416666666666666)
    #expect(protocols["paper"]?["map"] as? Double == 1.0)
    #expect(protocols["paper"]?["edges"] as? Int == 3)
    #expect(protocols["paper"]?["rank_sum"] as? Int == 3)
    #expect((object["vectors"] as? [String: Any])?["dimension"] as? Int == 2)
    #expect((object["relations"] as? [String: Any])?["count"] as? Int == 3)
    #expect(object["threads"] as? Int == 2)
    #expect(object["max_n"] is NSNull)
    #expect(result.output.hasPrefix("{\n  \"task\": \"reconstruction\",\n"))
  }

  @Test func linkPrediction() throws {
    let train = folder.write("train.tsv", "c\tb\n")
    let test = folder.write("test.tsv", "c\tr\nb\tr\n")
    let result = runInProcess(["eval", vectors, "--train", train, "--test", test, "--json"])
    #expect(result.status == 0)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    #expect(object["task"] as? String == "link-prediction")
    #expect((object["test"] as? [String: Any])?["count"] as? Int == 2)
    let protocols = try #require(object["protocols"] as? [String: [String: Any]])
    // c → r: b is a train positive of c, so it is filtered; r is then the closest.
    #expect(protocols["paper"]?["rank_sum"] as? Int == 2)
    #expect(protocols["gensim"]?["rank_sum"] as? Int == 4)
    let table = runInProcess(["eval", vectors, "--train", train, "--test", test])
    #expect(
      table.output.hasPrefix("Link prediction of \(test) (2 relations)\n  trained on \(train)"))
  }

  @Test func maxNIsReported() {
    let result = runInProcess(["eval", vectors, closure, "--max-n", "0"])
    #expect(result.status == 0)
    #expect(result.output.contains("Truncated like gensim's evaluate(max_n=0)"))
  }

  @Test func missingNodeIsADataErrorThatNamesIt() {
    let relations = folder.write("more.tsv", "c\tb\nb\tr\nc\tbb\n")
    let result = runInProcess(["eval", vectors, relations])
    #expect(result.status == 65)
    #expect(result.output.isEmpty)
    #expect(
      result.errors.hasPrefix(
        "Error: \(relations): node 'bb' (relation 3: 'c' → 'bb') has no vector\nHint: did you mean 'b'?"
      ))
    let skipped = runInProcess(["eval", vectors, relations, "--skip-missing"])
    #expect(skipped.status == 0)
    #expect(
      skipped.output.contains("Skipped 1 relations with a node that has no vector (1 such nodes)."))
  }

  @Test func malformedVectorsNameFileAndLine() {
    let bad = folder.write("bad.txt", "2 2\nr 0.1 0.2\nb 0.3 nope\n")
    let result = runInProcess(["eval", bad, closure])
    #expect(result.status == 65)
    #expect(result.errors.hasPrefix("Error: \(bad):3: value 2 'nope' is not a number"))
  }

  @Test(arguments: [
    (["--train", "t.tsv"], "Error: give either <relations> or --train and --test, not both"),
    (["--threads", "0"], "Error: --threads must be at least 1 (got 0)"),
    (["--max-n", "-1"], "Error: --max-n must be at least 0 (got -1)"),
    (["--protocol", "both2"], "Error: The value 'both2' is invalid for '--protocol <name>'"),
  ])
  func usageErrors(extra: [String], message: String) {
    let result = runInProcess(["eval", "v.txt", "r.tsv"] + extra)
    #expect(result.status == 64)
    #expect(result.errors.hasPrefix(message + "\nUsage: poincare-embed eval"))
  }

  @Test func trainAndTestGoTogether() {
    let result = runInProcess(["eval", "v.txt", "--test", "t.tsv"])
    #expect(result.status == 64)
    #expect(result.errors.hasPrefix("Error: --train and --test go together (link prediction)"))
    let none = runInProcess(["eval", "v.txt"])
    #expect(none.errors.hasPrefix("Error: Missing expected argument '<relations>'"))
  }

  @Test func binaryExitStatuses() throws {
    let missing = try runBinary(["eval", folder.file("absent.txt"), closure])
    #expect(missing.status == 66)
    #expect(missing.output.isEmpty)
    #expect(missing.errors.hasPrefix("Error: \(folder.file("absent.txt")): no such file"))
    let fine = try runBinary(["eval", vectors, closure, "--json"])
    #expect(fine.status == 0 && fine.errors.isEmpty)
  }
}

@Suite struct SplitCommandTests {
  let folder = TemporaryFolder()

  @Test func writesTrainAndTestFiles() throws {
    // r ← a ← a1 ← leaves, r ← b ← b1 ← leaves: inner relations a1 → a and b1 → b.
    let closure = folder.write(
      "c.tsv",
      "a\tr\nb\tr\na1\ta\na1\tr\nb1\tb\nb1\tr\nx\ta1\nx\ta\nx\tr\ny\tb1\ny\tb\ny\tr\n")
    let prefix = folder.file("out")
    let result = runInProcess([
      "split", closure, "--test-fraction", "0.1", "--seed", "7", "-o", prefix,
    ])
    #expect(result.status == 0 && result.errors.isEmpty)
    #expect(
      result.output
        == "Wrote 11 train relations to \(prefix).train.tsv and 1 test relations to \(prefix).test.tsv (2 candidates, seed 7).\n"
    )
    let test = try String(contentsOfFile: prefix + ".test.tsv", encoding: .utf8)
    #expect(["a1\ta\n", "b1\tb\n"].contains(test))
    let again = folder.file("again")
    _ = runInProcess(["split", closure, "--test-fraction", "0.1", "--seed", "7", "-o", again])
    #expect(try String(contentsOfFile: again + ".test.tsv", encoding: .utf8) == test)
  }

  @Test func outputIsRequiredAndFractionChecked() {
    let missing = runInProcess(["split", "c.tsv"])
    #expect(missing.status == 64)
    #expect(missing.errors.hasPrefix("Error: Missing expected argument '--output <prefix>'"))
    let fraction = runInProcess(["split", "c.tsv", "--test-fraction", "1.5", "-o", "x"])
    #expect(fraction.status == 64)
    #expect(
      fraction.errors.hasPrefix("Error: --test-fraction must be at least 0 and below 1 (got 1.5)"))
  }
}
