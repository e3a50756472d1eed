#!/usr/bin/env python3
"""`poincare-embed train --rng numpy` reproduces gensim's PoincareModel run (issue 5.6).

Usage: replay-check.py <poincare-embed binary>

For each case, gensim 4.4.0 trains `PoincareModel(PoincareRelations(file), size, negative,
burn_in, regularization_coeff, seed).train(epochs)` and our tool trains the same file with the same
hyper-parameters and `--rng numpy`. Same draws and same batches mean the same vectors up to the
arithmetic of the update: compared are all coordinates (ours read back in float64 from our text
file, matched by key), tolerance 1e-9 absolute. gensim is also run with np.longdouble vectors
(x87 80-bit, same draws): gensim's float64 result departs from it by about as much as ours does,
so what remains is rounding, not a different run. Exit status 1 on any failure.
"""
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from gensim.models.poincare import PoincareKeyedVectors, PoincareModel, PoincareRelations
from gensim.test.utils import datapath

TOLERANCE = 1e-9
binary = sys.argv[1]
root = Path(__file__).resolve().parents[2]
CASES = [
    # file, dimension, negatives, burn-in, epochs, regularization, seed
    (root / "data/mammal_closure.tsv", 10, 10, 2, 3, 1.0, 0),
    (root / "data/mammal_closure.tsv", 20, 5, 1, 3, 0.0, 7),
    (Path(datapath("poincare_hypernyms_large.tsv")), 5, 3, 2, 10, 1.0, 42),
    (root / "data/toy_closure.tsv", 5, 4, 2, 20, 1.0, 3),
]


def gensim_run(path, dimension, negatives, burn_in, epochs, reg, seed, dtype):
    model = PoincareModel(PoincareRelations(str(path)), size=dimension, negative=negatives,
                          burn_in=burn_in, regularization_coeff=reg, seed=seed, dtype=dtype)
    model.train(epochs=epochs)
    return model


failures = []
worst = 0.0
with tempfile.TemporaryDirectory() as folder:
    for path, dimension, negatives, burn_in, epochs, reg, seed in CASES:
        output = Path(folder) / "replay.txt"
        started = time.time()
        done = subprocess.run(
            [binary, "train", str(path), "-o", str(output), "--rng", "numpy", "-q",
             "--dimension", str(dimension), "--negatives", str(negatives), "--burn-in",
             str(burn_in), "--epochs", str(epochs), "--regularization", str(reg),
             "--seed", str(seed)], capture_output=True, text=True)
        ours_seconds = time.time() - started
        if done.returncode != 0:
            raise SystemExit(f"train --rng numpy failed: {done.stderr}")
        started = time.time()
        model = gensim_run(path, dimension, negatives, burn_in, epochs, reg, seed, np.float64)
        gensim_seconds = time.time() - started
        precise = gensim_run(path, dimension, negatives, burn_in, epochs, reg, seed,
                             np.longdouble)
        ours = PoincareKeyedVectors.load_word2vec_format(str(output), datatype=np.float64)
        keys = model.kv.index_to_key
        if sorted(ours.index_to_key) != sorted(keys):
            failures.append(f"{path.name}: different keys")
            continue
        table = ours.vectors[[ours.key_to_index[k] for k in keys]]
        deviation = float(np.abs(table - model.kv.vectors).max())
        to_precise = float(np.abs(table - precise.kv.vectors).max())
        gensim_own = float(np.abs(model.kv.vectors - precise.kv.vectors).max())
        nodes = len(keys)
        # gensim samples by numpy's choice when the out-degree is at least 1% of the nodes.
        by_choice = sum(1 for u, _ in model.all_relations
                        if len(model.node_relations[u]) / nodes >= 0.01)
        worst = max(worst, deviation)
        ok = deviation <= TOLERANCE
        if not ok:
            failures.append(f"{path.name} seed {seed}: {deviation:.2e}")
        print(f"  {'ok  ' if ok else 'FAIL'} {path.name}: {len(model.all_relations)} relations, "
              f"{nodes} nodes ({by_choice} relations sample by choice, the rest by the "
              f"buffer), "
              f"dim {dimension}, {negatives} negatives, burn-in {burn_in} + {epochs} epochs, "
              f"reg {reg:g}, seed {seed}: max |ours - gensim| {deviation:.1e} (gensim long "
              f"double: ours {to_precise:.1e}, gensim float64 {gensim_own:.1e}); "
              f"{ours_seconds:.1f} s ours, {gensim_seconds:.1f} s gensim")
print(f"replay-check: vectors of train --rng numpy vs gensim's PoincareModel, max deviation "
      f"{worst:.1e} (tolerance {TOLERANCE:.0e})")
if failures:
    print("FAILED: " + "; ".join(failures))
    sys.exit(1)
print("replay-check: OK")
