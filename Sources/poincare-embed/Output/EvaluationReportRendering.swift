import PoincareEmbedding

/// The evaluation report as `eval` (and `train --eval`) prints it: a table for people, JSON for
/// machines.
extension EvaluationReport {
  /// A heading, one row per protocol (mean rank, MAP, nodes, edges), what each protocol means,
  /// and the time taken.
  ///
  /// ```
  /// Reconstruction of closure.tsv (3 relations)
  ///   by vectors.txt (5 vectors, dimension 2)
  ///
  /// protocol   mean rank       MAP     nodes       edges
  /// paper         1.0000    1.0000         2           3
  /// gensim        2.0000    0.5417         2           3
  /// ```
  func table(protocols: [EvaluationProtocol] = EvaluationProtocol.allCases) -> String {
    let widths = [8, 10, 9, 9, 11]
    func row(_ cells: [String]) -> String {
      zip(cells, widths).enumerated().map { index, cell in
        let padding = String(repeating: " ", count: max(0, cell.1 - cell.0.count))
        return index == 0 ? cell.0 + padding : padding + cell.0
      }.joined(separator: "  ") + "\n"
    }
    var text = heading + "\n\n" + row(["protocol", "mean rank", "MAP", "nodes", "edges"])
    for evaluationProtocol in protocols {
      let metrics = metrics(evaluationProtocol)
      text += row([
        evaluationProtocol.rawValue, metrics.meanRank.map { fixed($0) } ?? "n/a",
        metrics.meanAveragePrecision.map { fixed($0) } ?? "n/a", String(metrics.nodeCount),
        String(metrics.edgeCount),
      ])
    }
    text += "\n"
    for evaluationProtocol in protocols {
      let label = evaluationProtocol.rawValue + ":"
      text +=
        label.rightPadded(to: 8)
        + evaluationProtocol.summary + ".\n"
    }
    if let maxN {
      text +=
        "Truncated like gensim's evaluate(max_n=\(maxN)): nodes in index order, up to the "
        + "first past \(maxN).\n"
    }
    if skippedRelations > 0 {
      text +=
        "Skipped \(skippedRelations) relations with a node that has no vector "
        + "(\(missingNodes) such nodes).\n"
    }
    let reading = loadSeconds.map { " (+ \(fixed($0, digits: 2)) s reading files)" } ?? ""
    text +=
      "Time: \(fixed(seconds, digits: 2)) s on \(threadCount) "
      + "thread\(threadCount == 1 ? "" : "s")\(reading); each node ranked against all "
      + "\(vectorCount) vectors,\ndistances compared exactly.\n"
    return text
  }

  /// The report as one JSON object.
  ///
  /// Members: `task`, `vectors` {path, count, dimension}, `relations` {path, count} (link
  /// prediction: `train` and `test`), `max_n`, `skipped_relations`, `missing_nodes`,
  /// `protocols` {name: {mean_rank, map, nodes, edges, rank_sum}}, `threads`, `seconds`,
  /// `load_seconds`, `candidate_pairs`, `exact_comparisons`. Unknown values are `null`.
  func json(protocols: [EvaluationProtocol] = EvaluationProtocol.allCases) -> JSONValue {
    func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
    func file(_ path: String?, count: Int) -> JSONValue {
      .object([("path", path.map(JSONValue.string) ?? .null), ("count", .integer(count))])
    }
    var members: [(String, JSONValue)] = [("task", .string(task.rawValue))]
    members.append(
      (
        "vectors",
        .object([
          ("path", vectorsPath.map(JSONValue.string) ?? .null), ("count", .integer(vectorCount)),
          ("dimension", .integer(dimension)),
        ])
      ))
    switch task {
    case .reconstruction:
      members.append(("relations", file(relationsPath, count: relationCount)))
    case .linkPrediction:
      members.append(("train", file(relationsPath, count: relationCount)))
      members.append(("test", file(testPath, count: testRelationCount ?? 0)))
    }
    members.append(("max_n", maxN.map(JSONValue.integer) ?? .null))
    members.append(("skipped_relations", .integer(skippedRelations)))
    members.append(("missing_nodes", .integer(missingNodes)))
    members.append(
      (
        "protocols",
        .object(
          protocols.map { evaluationProtocol in
            let metrics = metrics(evaluationProtocol)
            return (
              evaluationProtocol.rawValue,
              .object([
                ("mean_rank", optional(metrics.meanRank)),
                ("map", optional(metrics.meanAveragePrecision)),
                ("nodes", .integer(metrics.nodeCount)), ("edges", .integer(metrics.edgeCount)),
                ("rank_sum", .integer(metrics.rankSum)),
              ])
            )
          })
      ))
    members.append(("threads", .integer(threadCount)))
    members.append(("seconds", .number(seconds)))
    members.append(("load_seconds", optional(loadSeconds)))
    members.append(("candidate_pairs", .integer(candidatePairs)))
    members.append(("exact_comparisons", .integer(exactComparisons)))
    return .object(members)
  }

  private var heading: String {
    let vectors =
      "\(vectorsPath.map { "\($0) " } ?? "")(\(vectorCount) vectors, dimension \(dimension))"
    let relations = "\(relationsPath.map { "\($0) " } ?? "")(\(relationCount) relations)"
    switch task {
    case .reconstruction:
      return "Reconstruction of \(relations)\n  by \(vectors)"
    case .linkPrediction:
      let test = "\(testPath.map { "\($0) " } ?? "")(\(testRelationCount ?? 0) relations)"
      return "Link prediction of \(test)\n  trained on \(relations)\n  by \(vectors)"
    }
  }
}

/// `value` rounded to `digits` decimals, for display.
private func fixed(_ value: Double, digits: Int = 4) -> String {
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let scaled = (abs(value) * scale).rounded()
  guard scaled < 9e15 else { return "\(value)" }
  let integer = Int(scaled)
  let fraction = String(integer % Int(scale))
  let sign = value < 0 && integer != 0 ? "-" : ""
  return
    "\(sign)\(integer / Int(scale)).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
}
