"""`link` against gensim: gensim writes word vectors (word2vec text and binary, and GloVe's
header-less text via `no_header`) that `link fit` reads, and loads the points `link predict -o`
writes, with the same keys and values (the file holds shortest round-trip float64 text).

    python link-check.py <poincare-embed> <work folder>
"""
import os
import subprocess
import sys

import numpy as np
from gensim.models import KeyedVectors


def run(tool, *arguments):
    result = subprocess.run([tool, *arguments], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(arguments[:2])} failed ({result.returncode}): {result.stderr}")
    return result.stdout


def main():
    tool, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(0)
    nodes = ["entity.n.01", "animal.n.01", "plant.n.01", "dog.n.01", "cat.n.01", "tree.n.01"]
    points = rng.uniform(-0.6, 0.6, size=(len(nodes), 3))
    embedding = os.path.join(work, "nodes.txt")
    with open(embedding, "w") as out:
        out.write(f"{len(nodes)} 3\n")
        for name, row in zip(nodes, points):
            out.write(name + " " + " ".join(repr(float(v)) for v in row) + "\n")
    words = ["dog", "cat", "tree", "puppy", "kitten", "oak", "animal", "plant"]
    vectors = KeyedVectors(vector_size=5)
    vectors.add_vectors(words, rng.normal(size=(len(words), 5)).astype(np.float32))
    pairs = os.path.join(work, "pairs.tsv")
    with open(pairs, "w") as out:
        for word, node in [("dog", "dog.n.01"), ("cat", "cat.n.01"), ("tree", "tree.n.01"),
                           ("animal", "animal.n.01"), ("plant", "plant.n.01")]:
            out.write(f"{word}\t{node}\n")
    predictions = {}
    for layout, name, arguments in [
        ("word2vec text", "words.txt", {"binary": False}),
        ("word2vec binary", "words.bin", {"binary": True}),
        ("GloVe text", "words.glove", {"binary": False, "write_header": False}),
    ]:
        path = os.path.join(work, name)
        vectors.save_word2vec_format(path, **arguments)
        model = os.path.join(work, name + ".link")
        run(tool, "link", "fit", path, embedding, pairs, "-o", model, "--epochs", "5",
            "--width", "8", "--negatives", "3", "--validation", "0", "-q")
        out = os.path.join(work, name + ".points.txt")
        run(tool, "link", "predict", model, path, "--top", "0", "-o", out)
        loaded = KeyedVectors.load_word2vec_format(out, binary=False)
        if list(loaded.index_to_key) != words:
            sys.exit(f"{layout}: gensim reads keys {loaded.index_to_key}, expected {words}")
        norms = np.linalg.norm(loaded.vectors, axis=1)
        if not (np.isfinite(loaded.vectors).all() and norms.max() < 1):
            sys.exit(f"{layout}: points not finite or outside the ball: {norms}")
        predictions[layout] = loaded.vectors
        print(f"{layout}: fit, predict -o, gensim loads {len(words)} points (max norm {norms.max():.4f})")
    # The three layouts hold the same float32 values: the same model and the same points
    # (float32 loading in gensim, so compare to float32 precision).
    reference = predictions["word2vec text"]
    for layout, values in predictions.items():
        deviation = float(np.abs(values - reference).max())
        if deviation > 1e-6:
            sys.exit(f"{layout}: points differ from the text layout's by {deviation}")
    print("the three layouts give the same points (float32 load, deviation <= 1e-6)")


if __name__ == "__main__":
    main()
