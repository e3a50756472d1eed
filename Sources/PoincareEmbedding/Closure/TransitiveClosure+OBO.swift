/// What the closure of an OBO ontology followed and left out, for the summary lines.
public struct OBOClosureSummary: Sendable, Equatable {
  /// Edges left out because of their target: how many, and the first one in file order.
  public struct DroppedEdges: Sendable, Equatable {
    public var count = 0
    /// The target id of the first dropped edge.
    public var firstTarget: String?
    /// The line of the first dropped edge.
    public var firstLine: Int?

    public init() {}

    mutating func add(target: String, line: Int) {
      if count == 0 {
        firstTarget = target
        firstLine = line
      }
      count += 1
    }
  }

  /// Distinct `[Term]` ids, obsolete ones included.
  public var termCount = 0
  /// Terms marked `is_obsolete: true`: left out with their edges.
  public var obsoleteTermCount = 0
  /// Lines followed per relation (`is_a`, then each relation asked for), duplicates included.
  public var followedEdgeCounts: [String: Int] = [:]
  /// Edges to ids that no `[Term]` stanza defines.
  public var undefinedTargets = DroppedEdges()
  /// Edges to obsolete terms.
  public var obsoleteTargets = DroppedEdges()
  /// Edges from a term to itself (a term is not its own ancestor).
  public var selfLoopCount = 0
  /// Terms that are not obsolete but in no pair: no followed edge to or from another term.
  public var isolatedTermCount = 0

  public init() {}
}

extension TransitiveClosure {
  /// The closure of an OBO ontology's `is_a` edges (and, when asked, of some `relationship:`
  /// edges) over its terms that are not obsolete.
  ///
  /// An obsolete term is left out with all its edges. An edge to an id that no `[Term]` defines,
  /// or to an obsolete term, is dropped and counted (with `strict`, it is an error naming its
  /// line). Duplicate edges are merged and self-loops skipped, as for edge files.
  ///
  /// - Parameters:
  ///   - relationNames: relations whose `relationship: <relation> <id>` lines are followed too
  ///     (`part_of`); `is_a` is always followed.
  ///   - strict: refuse edges to undefined or obsolete terms instead of dropping them.
  /// - Throws: `ConfigurationError` for a relation the file neither uses nor declares;
  ///   `InputError` for a cycle (naming its terms) or, with `strict`, a dropped edge.
  /// - Complexity: O(edges) plus the closure's own cost.
  public static func closure(
    of ontology: OBOOntology, following relationNames: [String] = [], strict: Bool = false
  ) throws -> (closure: TransitiveClosure, summary: OBOClosureSummary) {
    var followed = [Bool](repeating: false, count: ontology.relations.count)
    var askedFor: [String] = []
    for name in relationNames where name != "is_a" && !askedFor.contains(name) {
      askedFor.append(name)
      if let index = ontology.relations.firstIndex(of: name) {
        followed[index] = true
      } else if !ontology.typedefs.contains(name) {
        let used =
          ontology.relations.isEmpty
          ? "it has no relationship: lines"
          : "relations used there: " + ontology.relations.joined(separator: ", ")
        throw ConfigurationError(
          "relation '\(name)' is neither used in a relationship: line nor declared by a "
            + "[Typedef] of \(ontology.path) (\(used))")
      }
    }

    var summary = OBOClosureSummary()
    summary.termCount = ontology.termCount
    summary.obsoleteTermCount = ontology.obsoleteTermCount
    summary.followedEdgeCounts["is_a"] = 0
    for name in askedFor { summary.followedEdgeCounts[name] = 0 }
    var pairs: [NodeID] = []
    pairs.reserveCapacity(2 * ontology.edges.count)
    for edge in ontology.edges {
      let relationName = edge.relation.map { ontology.relations[$0] } ?? "is_a"
      if let relation = edge.relation, !followed[relation] { continue }
      guard ontology.isLiveTerm(Int(edge.child)) else { continue }
      let parent = Int(edge.parent)
      if !ontology.isLiveTerm(parent) {
        let target = ontology.ids.name(of: parent)
        let clause = edge.relation == nil ? "is_a" : "relationship \(relationName)"
        let isUndefined = !ontology.isTerm[parent]
        if strict {
          throw InputError.malformed(
            ontology.path, line: edge.line,
            isUndefined
              ? "\(clause): \(target) is not the id of a [Term] of this file"
              : "\(clause): \(target) is an obsolete term",
            hint: isUndefined
              ? "define the term in this file, or read without --strict to drop such edges."
              : "point the edge at the term's replacement (its replaced_by:), or read "
                + "without --strict to drop such edges.")
        }
        if isUndefined {
          summary.undefinedTargets.add(target: target, line: edge.line)
        } else {
          summary.obsoleteTargets.add(target: target, line: edge.line)
        }
        continue
      }
      summary.followedEdgeCounts[relationName, default: 0] += 1
      if edge.child == edge.parent {
        summary.selfLoopCount += 1
        continue
      }
      pairs.append(edge.child)
      pairs.append(edge.parent)
    }
    let edgeKind = (["is_a"] + askedFor).joined(separator: " and ") + " edges"
    let (closure, _) = try Self.closure(
      names: ontology.ids, pairs: pairs, path: ontology.path, edgeKind: edgeKind)
    summary.isolatedTermCount =
      summary.termCount - summary.obsoleteTermCount - closure.nodeCount
    return (closure, summary)
  }
}

extension OBOOntology {
  /// The names of the nodes of `closure` (a closure of this ontology) that have one: what
  /// `closure --names` writes.
  public func labels(of closure: TransitiveClosure) -> NodeLabels {
    let inPairs = closure.nodesInPairs()
    var labels = NodeLabels()
    for node in 0..<inPairs.count where inPairs[node] {
      if let name = names[node] { labels.add(id: ids.name(of: node), label: name) }
    }
    return labels
  }
}
