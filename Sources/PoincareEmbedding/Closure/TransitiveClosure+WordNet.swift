extension TransitiveClosure {
  /// The hypernym closure of one part of speech of WordNet, as facebookresearch's
  /// `wordnet/transitive_closure.py` builds it with NLTK (the Poincaré paper's noun closure:
  /// 82,115 nodes and 743,086 pairs from WordNet 3.0).
  ///
  /// For every synset s, the pairs (s, h) for each h in `s.closure(hypernyms)`; and for every
  /// instance i in some `s.instance_hyponyms()`, the pairs (i, x) for each x in
  /// `i.closure(instance_hypernyms)`, plus (i, y) for each y in `x.closure(hypernyms)`. The
  /// script collects the pairs in a set: no duplicates, and no self-loops since NLTK's closure
  /// leaves out its start.
  ///
  /// Note that a hypernym chain stops at an instance synset (`alecto.n.01` → `fury.n.04`): the
  /// script follows instance hypernyms only from the instances themselves. gensim's data
  /// (Shirakawa's `hypernym_paths`) differs there by 137 pairs. A pointer cycle (WordNet 3.0
  /// has none) is followed as NLTK's `closure` follows it: each node once, never itself.
  public init(wordNet database: WordNetDatabase) {
    let nodeCount = database.names.count
    let hypernyms = AncestorClosure.ancestors(
      of: RelationGraph(nodeCount: nodeCount, pairs: database.hypernymPairs)
    ).ancestors
    let instanceHypernyms = AncestorClosure.ancestors(
      of: RelationGraph(nodeCount: nodeCount, pairs: database.instanceHypernymPairs)
    ).ancestors
    var isInstance = [Bool](repeating: false, count: nodeCount)
    for index in stride(from: 1, to: database.instanceHyponymPairs.count, by: 2) {
      isInstance[Int(database.instanceHyponymPairs[index])] = true
    }
    var union = NodeSetUnion(nodeCount: nodeCount)
    var rows = RowTable(nodeCount: nodeCount)
    for node in 0..<nodeCount {
      union.reset()
      union.exclude(NodeID(node))
      union.insert(contentsOf: hypernyms.outNeighbors(node))
      if isInstance[node] {
        for classNode in instanceHypernyms.outNeighbors(node) {
          union.insert(classNode)
          union.insert(contentsOf: hypernyms.outNeighbors(Int(classNode)))
        }
      }
      rows.setRow(node, union.members.sorted())
    }
    self.init(names: database.names, ancestors: rows.graph())
  }
}
