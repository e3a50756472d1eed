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
  static let names = OptionSpec(
    name: "names", valueName: "file",
    help: "An `id<TAB>name` file (closure --names writes one for an OBO file): names are shown "
      + "next to ids, and <node>, --distance and --rank also accept the name of a node when no "
      + "other node has it.")

  /// How many neighbours the summary lists.
  static let summaryNearestCount = 5

  static let spec = CommandSpec(
    name: "query",
    abstract: "Answer questions about one node of an embedding.",
    discussion: """
      Without a question option, prints a summary: the norm, the closest parent and child, and \
      the \(summaryNearestCount) nearest nodes. Options combine; answers come in the order of \
      the options below. With one option, text output is bare (one value, or one node a line, \
      with its distance after a tab); with several, each answer is labelled. With --names, \
      bare lines end with a tab and the node's name, and JSON gets a "names" object.
      Distances are Poincaré distances; a node nearer the origin is higher in the hierarchy. \
      A node that is not in the file is an error (exit status 65) that suggests close names.
      """,
    arguments: [
      ArgumentSpec(
        name: "vectors",
        help: "Vectors file (word2vec text or binary, as gensim's save_word2vec_format "
          + "writes) or a checkpoint written by train --checkpoint."),
      ArgumentSpec(name: "node", help: "The node to ask about: its id or, with --names, its name."),
    ],
    options: [norm, parent, child, ancestors, descendants, nearest, distance, rank, json, names])

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
    let labels = try arguments.string(names).map { try NodeLabels.read($0) }
    let node = try vectors.index(of: arguments.positionals[1], labels: labels, in: path)
    let otherForDistance = try arguments.string(distance).map {
      try vectors.index(of: $0, labels: labels, in: path)
    }
    let otherForRank = try arguments.string(rank).map {
      try vectors.index(of: $0, labels: labels, in: path)
    }

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
      console.print(jsonReport(answers, node: node, vectors: vectors, labels: labels).rendered())
    } else if answers.count == 1 {
      bareText(answers[0], node: node, vectors: vectors, labels: labels, console: console)
    } else {
      console.write(labelledText(answers, node: node, vectors: vectors, labels: labels))
    }
  }

  // MARK: Output

  static func jsonReport(
    _ answers: [Answer], node: Int, vectors: KeyedVectors, labels: NodeLabels? = nil
  ) -> JSONValue {
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
    if let labels {
      // Every node of the answers that has a name, in order of first mention.
      var named: [(String, JSONValue)] = []
      for key in [vectors.key(of: node)] + answers.flatMap({ nodes(of: $0, vectors: vectors) })
      where !named.contains(where: { $0.0 == key }) {
        if let label = labels.label(of: key) { named.append((key, .string(label))) }
      }
      members.append(("names", .object(named)))
    }
    return .object(members)
  }

  /// The keys of the nodes an answer names.
  static func nodes(of answer: Answer, vectors: KeyedVectors) -> [String] {
    switch answer {
    case .norm: return []
    case .parent(let found), .child(let found):
      return found.map { [vectors.key(of: $0.index)] } ?? []
    case .ancestors(let chain), .descendants(let chain): return chain.map { vectors.key(of: $0) }
    case .nearest(let list): return list.map { vectors.key(of: $0.index) }
    case .distance(let other, _): return [vectors.key(of: other)]
    case .rank(let other, _): return [vectors.key(of: other)]
    }
  }

  /// One answer without labels: values, or `node<TAB>distance` lines (with `labels`, each node
  /// line ends with a tab and the node's name).
  static func bareText(
    _ answer: Answer, node: Int, vectors: KeyedVectors, labels: NodeLabels? = nil,
    console: Console
  ) {
    func named(_ index: Int, _ text: String) -> String {
      labels?.label(of: vectors.key(of: index)).map { "\(text)\t\($0)" } ?? text
    }
    func line(_ neighbor: KeyedVectors.Neighbor) -> String {
      named(neighbor.index, "\(vectors.key(of: neighbor.index))\t\(neighbor.distance)")
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
      for index in chain { console.print(named(index, vectors.key(of: index))) }
    case .nearest(let list): for neighbor in list { console.print(line(neighbor)) }
    case .distance(_, let value): console.print(value.description)
    case .rank(_, let value): console.print(String(value))
    }
  }

  /// Several answers, one labelled block each, with each node's name after its id when
  /// `labels` has one:
  /// ```
  /// node            dog.n.01
  /// norm            0.9775760173797607
  /// closest parent  canine.n.02  3.258422…
  /// ```
  static func labelledText(
    _ answers: [Answer], node: Int, vectors: KeyedVectors, labels: NodeLabels? = nil
  ) -> String {
    let labelWidth = 16
    var text = ""
    func add(_ label: String, _ lines: [String]) {
      let lines = lines.isEmpty ? ["(none)"] : lines
      for (position, line) in lines.enumerated() {
        let head = position == 0 ? label : ""
        text += head.rightPadded(to: labelWidth) + line + "\n"
      }
    }
    // Columns: the node, its name (with labels), then the value; all but the last padded.
    func table(_ rows: [(Int, String)]) -> [String] {
      let cells = rows.map { row in
        [vectors.key(of: row.0)]
          + (labels.map { [$0.label(of: vectors.key(of: row.0)) ?? ""] } ?? []) + [row.1]
      }
      let widths = (0..<(cells.first?.count ?? 0)).map { column in
        cells.map { $0[column].count }.max() ?? 0
      }
      return cells.map { row in
        row.enumerated().map { column, cell in
          column == row.count - 1 || widths[column] == 0
            ? cell : cell.rightPadded(to: widths[column] + 2)
        }.joined().trimmingSuffix()
      }
    }
    func neighborRows(_ list: [KeyedVectors.Neighbor]) -> [String] {
      table(list.map { ($0.index, $0.distance.description) })
    }
    func chain(_ indices: [Int]) -> [String] { table(indices.map { ($0, "") }) }
    add("node", chain([node]))
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
      case .ancestors(let nodes): add("ancestors", chain(nodes))
      case .descendants(let nodes): add("descendants", chain(nodes))
      case .nearest(let list): add("nearest", neighborRows(list))
      case .distance(let other, let value):
        add("distance", table([(other, value.description)]))
      case .rank(let other, let value):
        add("rank", table([(other, String(value))]))
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

extension String {
  /// The string without trailing spaces.
  fileprivate func trimmingSuffix() -> String {
    var text = self
    while text.last == " " { text.removeLast() }
    return text
  }
}
