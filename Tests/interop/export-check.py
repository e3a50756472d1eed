#!/usr/bin/env python3
"""Check `poincare-embed export` against gensim's word2vec reader and writer.

Usage: export-check.py <poincare-embed binary> [<vectors.bin>]

Run with the venv's python (gensim 4.4.0). The vectors default to gensim's own test file,
gensim/test/test_data/poincare_vectors.bin. Checks:
1. our word2vec text export loads in gensim with exactly the float32 values of the original;
2. exporting that text back to word2vec-binary gives the original file byte for byte;
3. a text file written by gensim's save_word2vec_format comes back byte for byte;
4. the TSV export holds the same keys and exactly the same values (numpy float64).
Exit status 1 on any mismatch.
"""
import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from gensim.models.poincare import PoincareKeyedVectors
from gensim.test.utils import datapath

binary = sys.argv[1]
source = sys.argv[2] if len(sys.argv) > 2 else datapath("poincare_vectors.bin")
failures = []


def export(input_path, output_path, *options):
    completed = subprocess.run([binary, "export", str(input_path), "-o", str(output_path),
                                *options], capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"export {input_path} failed ({completed.returncode}): "
                         f"{completed.stderr}")


original = PoincareKeyedVectors.load_word2vec_format(source, binary=True)
with tempfile.TemporaryDirectory() as folder:
    folder = Path(folder)

    export(source, folder / "ours.txt")
    loaded = PoincareKeyedVectors.load_word2vec_format(str(folder / "ours.txt"), binary=False)
    if loaded.index_to_key != original.index_to_key:
        failures.append("text export: keys or their order differ")
    elif not np.array_equal(loaded.vectors, original.vectors):
        failures.append("text export: gensim reads different float32 values")
    print(f"1. text export read by gensim: {len(loaded)} keys, float32 values identical: "
          f"{np.array_equal(loaded.vectors, original.vectors)}")

    export(folder / "ours.txt", folder / "again.bin")
    same = filecmp.cmp(source, folder / "again.bin", shallow=False)
    if not same:
        failures.append("text -> binary export differs from the original binary file")
    print(f"2. binary from our text export equals the original bytes: {same}")

    original.save_word2vec_format(str(folder / "gensim.txt"), binary=False)
    export(folder / "gensim.txt", folder / "copy.txt", "--format", "word2vec")
    same = filecmp.cmp(folder / "gensim.txt", folder / "copy.txt", shallow=False)
    if not same:
        failures.append("a gensim text file does not come back byte for byte")
    print(f"3. gensim's own text file comes back byte for byte: {same}")

    export(source, folder / "ours.tsv")
    rows = [line.split("\t") for line in (folder / "ours.tsv").read_text().splitlines()]
    keys = [row[0] for row in rows]
    values = np.array([[float(x) for x in row[1:]] for row in rows])
    exact = keys == original.index_to_key and np.array_equal(
        values, original.vectors.astype(np.float64))
    if not exact:
        failures.append("TSV export: keys or values differ")
    print(f"4. TSV export: {len(rows)} rows x {values.shape[1]} values, identical: {exact}")

if failures:
    print(f"FAILED: {len(failures)} mismatches")
    for failure in failures:
        print("  " + failure)
    sys.exit(1)
print("export-check: OK")
