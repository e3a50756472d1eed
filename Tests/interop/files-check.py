#!/usr/bin/env python3
"""Vectors files both ways between our tool and gensim (issue 5.1 and 5.2).

Usage: files-check.py <poincare-embed binary> <work folder>

Writes into the work folder, for query-check.py to compare every answer afterwards:
  ours.txt, ours.bin     `poincare-embed train data/mammal_closure.tsv` (dimension 10, burn-in 10,
                         5 epochs, one thread), word2vec text and binary (-o x.bin);
  gensim.txt, gensim.bin gensim's PoincareModel on the same file (size 10, burn_in 2, 3 epochs),
                         kv.save_word2vec_format text and binary.
Checks here:
1. our files load in gensim (`PoincareKeyedVectors.load_word2vec_format`: text as float32 and as
   float64, binary=True): same keys in the same order in all three, and that order is the one
   gensim's save_word2vec_format gives the same relations (descending count, ties in first-
   appearance order of PoincareModel's vocabulary);
2. the values: our binary holds exactly our text's values rounded to float32 (what gensim's
   binary writer stores); gensim's float32 text load agrees with that within one float32 ulp
   (it rounds the decimal directly); gensim re-saving what it loaded from our files, text and
   binary, writes our files byte for byte;
3. gensim's files load in our tool: `poincare-embed export` of each to TSV gives gensim's keys in
   gensim's order and exactly gensim's values (float64 from text, float32 from binary).
Exit status 1 on any failure.
"""
import filecmp
import subprocess
import sys
from pathlib import Path

import numpy as np
from gensim.models.poincare import PoincareKeyedVectors, PoincareModel, PoincareRelations

binary = sys.argv[1]
folder = Path(sys.argv[2])
folder.mkdir(parents=True, exist_ok=True)
root = Path(__file__).resolve().parents[2]
relations = root / "data/mammal_closure.tsv"
failures = []


def run(*arguments):
    done = subprocess.run([binary, *map(str, arguments)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"poincare-embed {' '.join(map(str, arguments))} failed: {done.stderr}")


def expect(condition, message):
    if not condition:
        failures.append(message)
    return condition


def load(path, **options):
    return PoincareKeyedVectors.load_word2vec_format(str(path), **options)


# 1. Ours to gensim.
for name in ("ours.txt", "ours.bin"):
    run("train", relations, "-o", folder / name, "--dimension", 10, "--epochs", 5, "--threads", 1,
        "-q")
text32 = load(folder / "ours.txt")
text64 = load(folder / "ours.txt", datatype=np.float64)
binary32 = load(folder / "ours.bin", binary=True)
vocabulary = PoincareModel(PoincareRelations(str(relations)), size=2, burn_in=0).kv
counts = [vocabulary.get_vecattr(key, "count") for key in vocabulary.index_to_key]
# sorted() is stable: ties keep the vocabulary's first-appearance order, as in gensim's writer.
gensim_order = [vocabulary.index_to_key[i]
                for i in sorted(range(len(counts)), key=lambda i: -counts[i])]
same_keys = text32.index_to_key == text64.index_to_key == binary32.index_to_key == gensim_order
expect(same_keys, "our files: keys or their order differ from gensim's save order")
print(f"1. our text and binary files load in gensim (text as float32 and float64, binary): "
      f"{len(gensim_order)} keys, in gensim's save order (descending count, first appearance): "
      f"{same_keys}")

rounded = text64.vectors.astype(np.float32)
binary_exact = np.array_equal(binary32.vectors, rounded)
expect(binary_exact, "our binary file is not our text's values rounded to float32")
ulps = np.abs(text32.vectors.view(np.int32).astype(np.int64)
              - rounded.view(np.int32).astype(np.int64))
expect(ulps.max() <= 1, "gensim's float32 text load differs by more than one ulp")
for name, model, options in (("ours.txt", text64, {}), ("ours.bin", binary32, {"binary": True})):
    again = folder / f"gensim-resaved-{name}"
    model.save_word2vec_format(str(again), **options)
    expect(filecmp.cmp(folder / name, again, shallow=False),
           f"gensim re-saving {name} writes different bytes")
print(f"2. values: binary = text rounded to float32 exactly: {binary_exact}; gensim's float32 "
      f"text load within 1 ulp of that: {int((ulps > 0).sum())} of {ulps.size} differ by 1 ulp "
      f"(decimal rounded once, not twice); gensim re-saves our text and binary byte for byte: "
      f"{not any('re-saving' in f for f in failures)}")

# 2. gensim to ours.
model = PoincareModel(PoincareRelations(str(relations)), size=10, burn_in=2, seed=0)
model.train(epochs=3)
model.kv.save_word2vec_format(str(folder / "gensim.txt"))
model.kv.save_word2vec_format(str(folder / "gensim.bin"), binary=True)
saved_order = [model.kv.index_to_key[i] for i in sorted(
    range(len(model.kv)), key=lambda i: -model.kv.get_vecattr(model.kv.index_to_key[i], "count"))]
expected = model.kv.vectors[[model.kv.key_to_index[k] for k in saved_order]]
for name, values in (("gensim.txt", expected), ("gensim.bin", expected.astype(np.float32))):
    run("export", folder / name, "-o", folder / f"{name}.tsv")
    rows = [line.split("\t") for line in (folder / f"{name}.tsv").read_text().splitlines()]
    keys_match = [row[0] for row in rows] == saved_order
    ours = np.array([[float(x) for x in row[1:]] for row in rows])
    exact = keys_match and np.array_equal(ours, values.astype(np.float64))
    expect(exact, f"{name}: our reading differs from gensim's vectors")
    print(f"3. gensim's {name} ({len(rows)} x {ours.shape[1]}, trained 2 burn-in + 3 epochs) read "
          f"by our tool: keys in gensim's order and values identical: {exact}")

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("files-check: OK")
