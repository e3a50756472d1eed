import Foundation
import PoincareEmbedding

/// `poincare-embed query <vectors> <node>`: gensim's `PoincareKeyedVectors` questions about one
/// node, answered from a vectors file.
enum QueryCommand: Subcommand {
  static let norm = OptionSpec(
    name: "norm", help: "The node's Euclidean norm: its depth, 0 at the top (gensim's norm).")
  static let parent = OptionSpec(
    name: "parent",
    help: "The closest parent: the nearest node with a smaller norm (gensim's closest_parent).")
  static let child = OptionSpec(
    name: "child",
    help: "The closest child: the nearest node with a greater norm (gensim's closest_child).")
  static let ancestors = OptionSpec(
    name: "ancestors", help: "Closest parents, repeated up to the top (gensim's ancestors).")
  static let descendants = OptionSpec(
    name: "descendants", valueName: "n",
    help: "Closest children, repeated at most n times; stops early at a node without children "
      + "(gensim's descendants raises there).")
  static let nearest = OptionSpec(
    name: "nearest", valueName: "k",
    help: "The k nearest nodes and their distances, ascending, the node itself excluded "
      + "(gensim's most_similar).")
  static let distance = OptionSpec(
    name: "distance", valueName: "other", help: "The Poincaré distance to another node.")
  static let rank = OptionSpec(
    name: "rank", valueName: "other",
    help: "The rank of another node among this node's neighbours: 1 + the number of nodes "
      + "strictly closer (gensim's rank).")
  static let json = OptionSpec(name: "json", help: "Print one JSON object instead of text.")

  /// How many neighbours the summary lists.
  static let summaryNearestCount = 5

  static let spec = CommandSpec(
    name: "query",
    abstract: "Answer questions about one node of an embedding.",
    discussion: """
      Without a question option, prints a summary: the norm, the closest parent and child, and \
      the \(summaryNearestCount) nearest nodes. Options combine; answers come in the order of \
      the options below. With one option, text output is bare (one value, or one node a line, \
      with its distance after a tab); with several, each answer is labelled.
      Distances are Poincaré distances; a node nearer the origin is higher in the hierarchy. \
      A node that is not in the file is an error (exit status 65) that suggests close names.
      """,
    arguments: [
      ArgumentSpec(
        name: "vectors",
        help: "Vectors file (word2vec text or binary, as gensim's save_word2vec_format "
          + "writes) or a checkpoint written by train --checkpoint."),
      ArgumentSpec(name: "node", help: "The node to ask about."),
    ],
    options: [norm, parent, child, ancestors, descendants, nearest, distance, rank, json])

  /// One answer, in the order of the options.
  enum Answer {
    case norm(Double)
    case parent(KeyedVectors.Neighbor?)
    case child(KeyedVectors.Neighbor?)
    case ancestors([Int])
    case descendants([Int])
    case nearest([KeyedVectors.Neighbor])
    case distance(other: Int, Double)
    case rank(other: Int, Int)
  }

  static func run(_ arguments: ParsedArguments, console: Console) throws {
    let path = arguments.positionals[0]
    let descendantDepth: Int? = try arguments.value(descendants)
    let nearestCount: Int? = try arguments.value(nearest)
    if let descendantDepth, descendantDepth < 1 {
      throw ConfigurationError("--descendants must be at least 1 (got \(descendantDepth))")
    }
    if let nearestCount, nearestCount < 1 {
      throw ConfigurationError("--nearest must be at least 1 (got \(nearestCount))")
    }
    let vectors = try VectorsInput.read(path)
    let node = try vectors.index(of: arguments.positionals[1], in: path)
    let otherForDistance = try arguments.string(distance).map {
      try vectors.index(of: $0, in: path)
    }
    let otherForRank = try arguments.string(rank).map { try vectors.index(of: $0, in: path) }

    let questions = [norm, parent, child, ancestors, descendants, nearest, distance, rank]
    let isSummary = !questions.contains { arguments.isSet($0) }
    func asked(_ option: OptionSpec) -> Bool {
      arguments.isSet(option)
        || (isSummary && [norm, parent, child, nearest].contains { $0.name == option.name })
    }

    var answers: [Answer] = []
    if asked(norm) { answers.append(.norm(vectors.norm(of: node))) }
    if asked(parent) { answers.append(.parent(vectors.closestParent(of: node))) }
    if asked(child) { answers.append(.child(vectors.closestChild(of: node))) }
    if asked(ancestors) { answers.append(.ancestors(vectors.ancestors(of: node))) }
    if let descendantDepth {
      answers.append(.descendants(vectors.descendants(of: node, maxDepth: descendantDepth)))
    }
    if asked(nearest) {
      let count = nearestCount ?? summaryNearestCount
      answers.append(.nearest(vectors.mostSimilar(to: node, count: count)))
    }
    if let otherForDistance {
      answers.append(.distance(other: otherForDistance, vectors.distance(node, otherForDistance)))
    }
    if let otherForRank {
      answers.append(.rank(other: otherForRank, vectors.rank(node, otherForRank)))
    }

    if arguments.flag(json) {
      console.print(jsonReport(answers, node: node, vectors: vectors).rendered())
    } else if answers.count == 1 {
      bareText(answers[0], node: node, vectors: vectors, console: console)
    } else {
      console.write(labelledText(answers, node: node, vectors: vectors))
    }
  }

  // MARK: Output

  static func jsonReport(_ answers: [Answer], node: Int, vectors: KeyedVectors) -> JSONValue {
    func neighbor(_ neighbor: KeyedVectors.Neighbor?) -> JSONValue {
      guard let neighbor else { return .null }
      return .object([
        ("node", .string(vectors.key(of: neighbor.index))),
        ("distance", .number(neighbor.distance)),
      ])
    }
    func keys(_ indices: [Int]) -> JSONValue {
      .array(indices.map { .string(vectors.key(of: $0)) })
    }
    var members: [(String, JSONValue)] = [("node", .string(vectors.key(of: node)))]
    for answer in answers {
      switch answer {
      case .norm(let value): members.append(("norm", .number(value)))
      case .parent(let found): members.append(("parent", neighbor(found)))
      case .child(let found): members.append(("child", neighbor(found)))
      case .ancestors(let chain): members.append(("ancestors", keys(chain)))
      case .descendants(let chain): members.append(("descendants", keys(chain)))
      case .nearest(let list): members.append(("nearest", .array(list.map(neighbor))))
      case .distance(let other, let value):
        members.append(("distance", neighbor(.init(index: other, distance: value))))
      case .rank(let other, let value):
        members.append(
          ("rank", .object([("node", .string(vectors.key(of: other))), ("rank", .integer(value))])))
      }
    }
    return .object(members)
  }

  /// One answer without labels: values, or `node<TAB>distance` lines.
  static func bareText(_ answer: Answer, node: Int, vectors: KeyedVectors, console: Console) {
    func line(_ neighbor: KeyedVectors.Neighbor) -> String {
      "\(vectors.key(of: neighbor.index))\t\(neighbor.distance)"
    }
    switch answer {
    case .norm(let value): console.print(value.description)
    case .parent(let found), .child(let found):
      if let found {
        console.print(line(found))
      } else {
        console.printError("Note: \(noneMessage(for: answer, node: node, vectors: vectors))")
      }
    case .ancestors(let chain), .descendants(let chain):
      for index in chain { console.print(vectors.key(of: index)) }
    case .nearest(let list): for neighbor in list { console.print(line(neighbor)) }
    case .distance(_, let value): console.print(value.description)
    case .rank(_, let value): console.print(String(value))
    }
  }

  /// Several answers, one labelled block each:
  /// ```
  /// node            dog.n.01
  /// norm            0.9775760173797607
  /// closest parent  canine.n.02  3.258422…
  /// ```
  static func labelledText(_ answers: [Answer], node: Int, vectors: KeyedVectors) -> String {
    let labelWidth = 16
    var text = ""
    func add(_ label: String, _ lines: [String]) {
      let lines = lines.isEmpty ? ["(none)"] : lines
      for (position, line) in lines.enumerated() {
        let head = position == 0 ? label : ""
        text += head.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + line + "\n"
      }
    }
    func table(_ rows: [(String, String)]) -> [String] {
      let width = rows.map(\.0.count).max() ?? 0
      return rows.map { $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 }
    }
    func neighborRows(_ list: [KeyedVectors.Neighbor]) -> [String] {
      table(list.map { (vectors.key(of: $0.index), $0.distance.description) })
    }
    add("node", [vectors.key(of: node)])
    for answer in answers {
      switch answer {
      case .norm(let value): add("norm", [value.description])
      case .parent(let found), .child(let found):
        let label: String
        if case .parent = answer { label = "closest parent" } else { label = "closest child" }
        add(
          label,
          found.map { neighborRows([$0]) }
            ?? ["(none: \(noneMessage(for: answer, node: node, vectors: vectors)))"])
      case .ancestors(let chain): add("ancestors", chain.map { vectors.key(of: $0) })
      case .descendants(let chain): add("descendants", chain.map { vectors.key(of: $0) })
      case .nearest(let list): add("nearest", neighborRows(list))
      case .distance(let other, let value):
        add("distance", table([(vectors.key(of: other), value.description)]))
      case .rank(let other, let value):
        add("rank", table([(vectors.key(of: other), String(value))]))
      }
    }
    return text
  }

  static func noneMessage(for answer: Answer, node: Int, vectors: KeyedVectors) -> String {
    if case .parent = answer {
      return "no node has a smaller norm than \(vectors.key(of: node))"
    }
    return "no node has a greater norm than \(vectors.key(of: node))"
  }
}
