"""The WordNet closure as facebookresearch's wordnet/transitive_closure.py builds it, run with NLTK
on a local WordNet folder (Debian's /usr/share/wordnet): the reference that
`poincare-embed closure --wordnet` is checked against (scripts/verify-wordnet-closure) and timed
against (bench/closure).

As a command, it mirrors ours:
    python scripts/nltk_wordnet_closure.py [<folder>] [--pos noun|verb] [--root S] -o <out.tsv>
and writes the same sorted `child<TAB>ancestor` lines.
"""
import argparse
import os
import shutil
import sys
import tempfile
import time
import warnings

# WordNet's documented lexicographer files, numbered from 00 (lexnames(5WN)).
LEXNAMES = """adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute
noun.body noun.cognition noun.communication noun.event noun.feeling noun.food noun.group
noun.location noun.motive noun.object noun.person noun.phenomenon noun.plant noun.possession
noun.process noun.quantity noun.relation noun.shape noun.state noun.substance noun.time
verb.body verb.change verb.cognition verb.communication verb.competition verb.consumption
verb.contact verb.creation verb.emotion verb.motion verb.perception verb.possession verb.social
verb.stative verb.weather adj.ppl""".split()
CATEGORY = {"noun": 1, "verb": 2, "adj": 3, "adv": 4}


def open_wordnet(wordnet_dir, work_dir):
    """An NLTK reader over a copy of `wordnet_dir` in `work_dir`.

    NLTK's reader insists on a `lexnames` file, which Debian's wordnet-base does not ship, so the
    copy gets one written from the documented list. A copy, not links: NLTK 3.10's path sandbox
    resolves links and refuses files outside the corpus folder.
    """
    import nltk
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    class LocalWordNet(WordNetCorpusReader):
        """Skips the constructor's mapping of synset ids to the downloadable `wordnet` corpus
        (for Open Multilingual WordNet), which is not installed and not needed here."""

        def map_wn(self, version="wordnet"):
            return None

    assert len(LEXNAMES) == 45
    database = os.path.join(work_dir, "nltk-wordnet")
    os.makedirs(database, exist_ok=True)
    for name in os.listdir(wordnet_dir):
        source = os.path.join(wordnet_dir, name)
        if os.path.isfile(source):
            shutil.copyfile(source, os.path.join(database, name))
    if not os.path.exists(os.path.join(database, "lexnames")):
        with open(os.path.join(database, "lexnames"), "w") as out:
            for number, name in enumerate(LEXNAMES):
                out.write(f"{number:02d}\t{name}\t{CATEGORY[name.split('.')[0]]}\n")
    nltk.data.path.append(database)  # NLTK 3.10 reads only from folders on its data path
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "multilingual functions are not available"
        return LocalWordNet(database, None)


def transitive_closure(wn, pos):
    """facebookresearch wordnet/transitive_closure.py, for any part of speech ('n', 'v')."""
    edges = set()
    for synset in wn.all_synsets(pos=pos):
        for hyper in synset.closure(lambda s: s.hypernyms()):
            edges.add((synset.name(), hyper.name()))
        for instance in synset.instance_hyponyms():
            for hyper in instance.closure(lambda s: s.instance_hypernyms()):
                edges.add((instance.name(), hyper.name()))
                for h in hyper.closure(lambda s: s.hypernyms()):
                    edges.add((instance.name(), h.name()))
    return edges


def below(edges, root):
    """facebookresearch's mammal subset: root's descendants plus root, and the edges among them."""
    keep = {child for child, parent in edges if parent == root} | {root}
    return {(child, parent) for child, parent in edges if child in keep and parent in keep}


def render(edges):
    """The sorted `child<TAB>ancestor` lines, as `poincare-embed closure` writes them."""
    return "".join(f"{child}\t{parent}\n" for child, parent in sorted(edges))


def node_count(edges):
    return len({node for edge in edges for node in edge})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wordnet", nargs="?", default="/usr/share/wordnet")
    parser.add_argument("--pos", choices=["noun", "verb"], default="noun")
    parser.add_argument("--root")
    parser.add_argument("-o", "--output", required=True)
    arguments = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        wn = open_wordnet(arguments.wordnet, work)
        edges = transitive_closure(wn, arguments.pos[0])
    if arguments.root:
        edges = below(edges, arguments.root)
    with open(arguments.output, "w", encoding="utf-8") as out:
        out.write(render(edges))
    seconds = time.perf_counter() - started
    print(f"nltk: {node_count(edges)} nodes, {len(edges)} pairs in {seconds:.2f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
