"""Builds `link` pairs from WordNet 3.0's index.noun: each noun lemma with its synsets, named as
NLTK names them (`dog.n.01`), kept when the lemma has a vector, and split by lemma into train and
test so that no test word is seen in training.

    python bench/link-pairs.py --vectors glove.6B.50d.txt -o pairs
        → pairs.train.tsv, pairs.test.tsv (`lemma<TAB>synset`, one pair a line)

By default only monosemous single-word lemmas (one synset, no `_`), the issue's starting set;
`--senses all` keeps every sense of a lemma (all its pairs go to the same side of the split),
`--multiword` keeps `a_b` lemmas whose words all have vectors (for `link fit --compose mean`).
Lemmas are looked up in the vectors file as they are written in index.noun (lower case).
The split is a seeded shuffle of the lemmas (Python's random.Random(seed)), the first
`--test-fraction` of them going to test.
"""
import argparse
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from nltk_wordnet_closure import open_wordnet  # noqa: E402  (an NLTK reader over a local copy)


def vector_keys(path):
    """The keys of a GloVe (header-less) or word2vec text file: each line's first field."""
    keys = set()
    with open(path, "rb") as lines:
        first = lines.readline().split()
        if not (len(first) == 2 and all(field.isdigit() for field in first)):
            keys.add(first[0].decode("utf-8", "replace"))
        for line in lines:
            keys.add(line[: line.find(b" ")].decode("utf-8", "replace"))
    return keys


def index_entries(wordnet_dir):
    """(lemma, [synset offsets]) for every line of index.noun, in file order."""
    with open(os.path.join(wordnet_dir, "index.noun"), encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(" "):  # the licence header
                continue
            fields = line.split()
            synset_count = int(fields[2])
            pointer_count = int(fields[3])
            offsets = fields[6 + pointer_count :]
            assert len(offsets) == synset_count, line
            yield fields[0], [int(offset) for offset in offsets]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wordnet", default="/usr/share/wordnet")
    parser.add_argument("--vectors", required=True, help="word vectors (GloVe or word2vec text)")
    parser.add_argument("--senses", choices=["one", "all"], default="one")
    parser.add_argument("--multiword", action="store_true")
    parser.add_argument("--test-fraction", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", required=True, help="prefix of the two files")
    arguments = parser.parse_args()
    started = time.perf_counter()
    keys = vector_keys(arguments.vectors)
    with tempfile.TemporaryDirectory() as work:
        wn = open_wordnet(arguments.wordnet, work)
        lemmas = []
        for lemma, offsets in index_entries(arguments.wordnet):
            if arguments.senses == "one" and len(offsets) != 1:
                continue
            words = lemma.split("_")
            if len(words) > 1 and not arguments.multiword:
                continue
            if not all(word in keys for word in words):
                continue
            names = [wn.synset_from_pos_and_offset("n", offset).name() for offset in offsets]
            lemmas.append((lemma, names))
    random.Random(arguments.seed).shuffle(lemmas)
    test_count = round(len(lemmas) * arguments.test_fraction)
    sides = {"test": lemmas[:test_count], "train": lemmas[test_count:]}
    for side, chosen in sides.items():
        path = f"{arguments.output}.{side}.tsv"
        with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as out:
            for lemma, names in sorted(chosen):
                for name in names:
                    out.write(f"{lemma}\t{name}\n")
        os.replace(path + ".tmp", path)
    print(
        f"{len(lemmas):,} lemmas with vectors: {len(sides['train']):,} train, "
        f"{len(sides['test']):,} test ({sum(len(n) for _, n in lemmas):,} pairs) "
        f"in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
