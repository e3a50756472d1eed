extension EvaluationReport {
  /// A readable report: a heading, one table row per protocol (mean rank, MAP, nodes, edges), what
  /// each protocol means, and the time taken.
  ///
  /// ```
  /// Reconstruction of relations.tsv (31 relations) by vectors.txt (14 vectors, dimension 2)
  ///
  /// protocol   mean rank       MAP   nodes   edges
  /// paper         1.0000    1.0000      13      31
  /// gensim        2.0000    0.5417      13      31
  /// ```
  public func table(protocols: [EvaluationProtocol] = EvaluationProtocol.allCases) -> String {
    var text = heading + "\n\n"
    let columns = [("protocol", 8), ("mean rank", 10), ("MAP", 9), ("nodes", 8), ("edges", 10)]
    text += columns.enumerated().map { index, column in
      index == 0 ? pad(column.0, column.1, right: false) : pad(column.0, column.1, right: true)
    }.joined(separator: "  ") + "\n"
    for evaluationProtocol in protocols {
      let metrics = metrics(evaluationProtocol)
      let cells = [
        pad(evaluationProtocol.rawValue, 8, right: false),
        pad(metrics.meanRank.map { fixed($0, digits: 4) } ?? "n/a", 10, right: true),
        pad(metrics.meanAveragePrecision.map { fixed($0, digits: 4) } ?? "n/a", 9, right: true),
        pad(String(metrics.nodeCount), 8, right: true),
        pad(String(metrics.edgeCount), 10, right: true),
      ]
      text += cells.joined(separator: "  ") + "\n"
    }
    text += "\n"
    for evaluationProtocol in protocols {
      text += "\(evaluationProtocol.rawValue): \(evaluationProtocol.summary).\n"
    }
    if let maxN {
      text += "Truncated as gensim's evaluate(max_n=\(maxN)): nodes in index order up to the first past \(maxN).\n"
    }
    if skippedRelations > 0 {
      text += "Skipped \(skippedRelations) relations whose \(missingNodes) nodes have no vector.\n"
    }
    let threads = "\(threadCount) thread\(threadCount == 1 ? "" : "s")"
    let reading = loadSeconds.map { " (+ \(fixed($0, digits: 2)) s reading files)" } ?? ""
    text += "Time: \(fixed(seconds, digits: 2)) s on \(threads)\(reading); every node ranked "
    text += "against all \(vectorCount) vectors, distances compared exactly.\n"
    return text
  }

  /// The report as one JSON object (numbers in shortest round-trip form, nil as `null`).
  ///
  /// Keys: `task`, `vectors` {path, count, dimension}, `relations` {path, count} (link prediction:
  /// `train` and `test`), `max_n`, `skipped_relations`, `missing_nodes`, `protocols` {name:
  /// {mean_rank, map, nodes, edges, rank_sum}}, `threads`, `seconds`, `load_seconds`, `candidate_pairs`,
  /// `exact_comparisons`.
  public func json(protocols: [EvaluationProtocol] = EvaluationProtocol.allCases) -> String {
    var fields: [(String, String)] = [("task", quoted(task.rawValue))]
    fields.append(
      ("vectors", object([
        ("path", vectorsPath.map(quoted) ?? "null"), ("count", String(vectorCount)),
        ("dimension", String(dimension)),
      ])))
    switch task {
    case .reconstruction:
      fields.append(
        ("relations", object([
          ("path", relationsPath.map(quoted) ?? "null"), ("count", String(relationCount)),
        ])))
    case .linkPrediction:
      fields.append(
        ("train", object([
          ("path", relationsPath.map(quoted) ?? "null"), ("count", String(relationCount)),
        ])))
      fields.append(
        ("test", object([
          ("path", testPath.map(quoted) ?? "null"), ("count", String(testRelationCount ?? 0)),
        ])))
    }
    fields.append(("max_n", maxN.map(String.init) ?? "null"))
    fields.append(("skipped_relations", String(skippedRelations)))
    fields.append(("missing_nodes", String(missingNodes)))
    let protocolFields = protocols.map { evaluationProtocol -> (String, String) in
      let metrics = metrics(evaluationProtocol)
      return (
        evaluationProtocol.rawValue,
        object([
          ("mean_rank", metrics.meanRank.map { "\($0)" } ?? "null"),
          ("map", metrics.meanAveragePrecision.map { "\($0)" } ?? "null"),
          ("nodes", String(metrics.nodeCount)), ("edges", String(metrics.edgeCount)),
          ("rank_sum", String(metrics.rankSum)),
        ], indent: 4)
      )
    }
    fields.append(("protocols", object(protocolFields, indent: 2)))
    fields.append(("threads", String(threadCount)))
    fields.append(("seconds", "\(seconds)"))
    fields.append(("load_seconds", loadSeconds.map { "\($0)" } ?? "null"))
    fields.append(("candidate_pairs", String(candidatePairs)))
    fields.append(("exact_comparisons", String(exactComparisons)))
    return "{\n" + fields.map { "  \(quoted($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n}\n"
  }

  private var heading: String {
    let vectors =
      "\(vectorsPath.map { "\($0) " } ?? "")(\(vectorCount) vectors, dimension \(dimension))"
    switch task {
    case .reconstruction:
      return "Reconstruction of \(relationsPath.map { "\($0) " } ?? "")(\(relationCount) relations) by \(vectors)"
    case .linkPrediction:
      return "Link prediction of \(testPath.map { "\($0) " } ?? "")(\(testRelationCount ?? 0) test relations) after \(relationsPath.map { "\($0) " } ?? "")(\(relationCount) train relations) by \(vectors)"
    }
  }
}

private func object(_ fields: [(String, String)], indent: Int = 2) -> String {
  let inner = String(repeating: " ", count: indent + 2)
  let outer = String(repeating: " ", count: indent)
  if indent == 2 && fields.allSatisfy({ !$0.1.contains("\n") }) && fields.count <= 3 {
    return "{" + fields.map { "\(quoted($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
  }
  return "{\n" + fields.map { "\(inner)\(quoted($0.0)): \($0.1)" }.joined(separator: ",\n")
    + "\n\(outer)}"
}

/// A JSON string literal.
private func quoted(_ text: String) -> String {
  var result = "\""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\"": result += "\\\""
    case "\\": result += "\\\\"
    case "\n": result += "\\n"
    case "\r": result += "\\r"
    case "\t": result += "\\t"
    default:
      if scalar.value < 0x20 {
        let hex = String(scalar.value, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
  }
  return result + "\""
}

private func pad(_ text: String, _ width: Int, right: Bool) -> String {
  let padding = String(repeating: " ", count: max(0, width - text.count))
  return right ? padding + text : text + padding
}

/// `value` rounded to exactly `digits` decimals, for display.
private func fixed(_ value: Double, digits: Int) -> String {
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let scaled = (abs(value) * scale).rounded()
  guard scaled < 9e15 else { return "\(value)" }
  let integer = Int(scaled)
  let whole = integer / Int(scale)
  let fraction = String(integer % Int(scale))
  let sign = value < 0 && integer != 0 ? "-" : ""
  return "\(sign)\(whole).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
}
