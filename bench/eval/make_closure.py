#!/usr/bin/env python3
"""Noun and mammal closures of WordNet 3.0 with NLTK, facebookresearch's transitive_closure.py
logic (GENSIM-REFERENCE §11): a stand-in until `poincare-embed closure` is available.

usage: make_closure.py <out-folder>   → noun_closure.tsv, mammal_closure.tsv (child<TAB>parent,
sorted; FB writes set order, which no consumer may depend on).

NLTK's WordNet reader needs a `lexnames` file that Debian's wordnet-base lacks; a temporary copy
of /usr/share/wordnet with one is made under /tmp.
"""
import os
import shutil
import sys
import tempfile

LEXNAMES = """adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute
noun.body noun.cognition noun.communication noun.event noun.feeling noun.food noun.group
noun.location noun.motive noun.object noun.person noun.phenomenon noun.plant noun.possession
noun.process noun.quantity noun.relation noun.shape noun.state noun.substance noun.time verb.body
verb.change verb.cognition verb.communication verb.competition verb.consumption verb.contact
verb.creation verb.emotion verb.motion verb.perception verb.possession verb.social verb.stative
verb.weather adj.ppl""".split()
POS_NUMBER = {"adj": 3, "adv": 4, "noun": 1, "verb": 2}


def wordnet():
    root = tempfile.mkdtemp(prefix="wordnet-")
    folder = os.path.join(root, "corpora", "wordnet")
    shutil.copytree("/usr/share/wordnet", folder, symlinks=True)
    with open(os.path.join(folder, "lexnames"), "w") as f:
        for index, name in enumerate(LEXNAMES):
            f.write("%02d\t%s\t%d\n" % (index, name, POS_NUMBER[name.split(".")[0]]))
    import nltk
    nltk.data.path.insert(0, root)  # an nltk_data layout: root/corpora/wordnet
    from nltk.corpus import wordnet
    from nltk.corpus.reader.wordnet import WordNetCorpusReader
    # The reader maps synsets to a reference "wordnet" corpus for OMW unless the versions match;
    # this copy is that reference, and the mapping is not needed for synset names.
    WordNetCorpusReader.map_wn = lambda self, version="wordnet": None
    wordnet.ensure_loaded()
    return wordnet, root


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    wn, root = wordnet()
    try:
        edges = set()
        for synset in wn.all_synsets(pos="n"):
            for hyper in synset.closure(lambda s: s.hypernyms()):
                edges.add((synset.name(), hyper.name()))
            for instance in synset.instance_hyponyms():
                for hyper in instance.closure(lambda s: s.instance_hypernyms()):
                    edges.add((instance.name(), hyper.name()))
                    for h in hyper.closure(lambda s: s.hypernyms()):
                        edges.add((instance.name(), h.name()))
    finally:
        shutil.rmtree(root)
    nouns = sorted(edges)
    with open(os.path.join(out, "noun_closure.tsv"), "w") as f:
        f.writelines("%s\t%s\n" % edge for edge in nouns)
    mammals = {child for child, parent in nouns if parent == "mammal.n.01"} | {"mammal.n.01"}
    # FB's mammals_filter.txt: only its two ^-anchored patterns can match (§11).
    mammal_edges = [(c, p) for c, p in nouns if c in mammals and p in mammals
                    and not c.startswith(("tusker.n.01", "female_mammal.n.01"))]
    with open(os.path.join(out, "mammal_closure.tsv"), "w") as f:
        f.writelines("%s\t%s\n" % edge for edge in mammal_edges)
    nodes = {n for edge in nouns for n in edge}
    mammal_nodes = {n for edge in mammal_edges for n in edge}
    print("nouns: %d nodes, %d edges; mammals: %d nodes, %d edges"
          % (len(nodes), len(nouns), len(mammal_nodes), len(mammal_edges)))


if __name__ == "__main__":
    main()
