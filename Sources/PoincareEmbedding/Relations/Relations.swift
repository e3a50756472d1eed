/// The training relations and their vocabulary: what gensim's `PoincareModel.build_vocab` builds
/// from a `PoincareRelations` reader.
///
/// Each relation `(child, parent)` means "child is-a parent". Duplicates and self-loops are kept,
/// as in gensim's `all_relations`: a repeated line is trained on once per occurrence.
public struct Relations: Sendable {
  /// Names, indices in order of first appearance (left column first) and gensim counts.
  public var vocabulary: Vocabulary
  /// The relations as interleaved node pairs: `pairs[2*i]` is the child of relation `i` and
  /// `pairs[2*i + 1]` its parent.
  ///
  /// Because every relation lists both of its nodes, a uniformly drawn element of `pairs` is a
  /// node drawn with probability proportional to its gensim count.
  public var pairs: [NodeID]

  public init(vocabulary: Vocabulary, pairs: [NodeID]) {
    precondition(pairs.count % 2 == 0)
    self.vocabulary = vocabulary
    self.pairs = pairs
  }

  /// Builds relations from name pairs, assigning indices and counts as gensim does.
  public init(_ namePairs: some Sequence<(String, String)>) {
    var vocabulary = Vocabulary()
    var pairs: [NodeID] = []
    for (child, parent) in namePairs {
      for name in [child, parent] {
        var name = name
        let id = name.withUTF8 { vocabulary.intern($0).id }
        vocabulary.addOccurrence(of: id)
        pairs.append(id)
      }
    }
    self.init(vocabulary: vocabulary, pairs: pairs)
  }

  /// The number of relations (gensim's `len(all_relations)`).
  public var count: Int { pairs.count / 2 }

  /// The number of nodes.
  public var nodeCount: Int { vocabulary.count }

  /// The child (left column) of relation `index`.
  public func child(_ index: Int) -> NodeID { pairs[2 * index] }

  /// The parent (right column) of relation `index`.
  public func parent(_ index: Int) -> NodeID { pairs[2 * index + 1] }
}
