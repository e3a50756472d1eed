#!/usr/bin/env python3
"""Our NumpyRandomState against numpy's legacy RandomState, draw for draw (issue 5.6).

Usage: numpy-random-check.py <interop-probe binary>

For several seeds, one generator on each side runs the same sequence of calls, the ones gensim's
PoincareModel makes: random_sample, uniform(-0.001, 0.001) (initialisation), randint(1, total+1)
(negatives buffer; 32- and 64-bit ranges), shuffle of a Python list (epoch order; mammal and
WordNet-noun sizes) and choice(n, size, replace=False, p) (negatives of high out-degree nodes,
with zero probabilities and repeats). Every value must be identical. Exit status 1 otherwise.
"""
import json
import subprocess
import sys

import numpy as np

probe = sys.argv[1]


def operations(seed):
    shape = np.random.default_rng(seed)
    ops = [{"op": "random_sample", "size": 5000},
           {"op": "uniform", "low": -0.001, "high": 0.001, "size": 11820},
           {"op": "randint", "low": 1, "high": 13085, "size": 4000},
           {"op": "randint", "low": 1, "high": 1486173, "size": 4000},
           {"op": "randint", "low": 0, "high": 2 ** 40, "size": 500},
           {"op": "shuffle", "n": 6542}]
    for trial in range(60):
        n = int(shape.integers(12, 1300))
        p = shape.random(n) ** 3
        p[shape.random(n) < 0.2] = 0  # out-neighbours have probability 0 in gensim's use
        p /= p.sum()
        size = int(min(10, np.count_nonzero(p)))
        ops.append({"op": "choice", "size": size, "p": [float(x) for x in p]})
    ops.append({"op": "shuffle", "n": 743086})
    return ops


def numpy_results(seed, ops):
    random = np.random.RandomState(seed)
    results = []
    for op in ops:
        kind = op["op"]
        if kind == "random_sample":
            results.append([float(x) for x in random.random_sample(op["size"])])
        elif kind == "uniform":
            results.append([float(x) for x in random.uniform(op["low"], op["high"], op["size"])])
        elif kind == "randint":
            results.append([int(x) for x in random.randint(op["low"], op["high"], op["size"])])
        elif kind == "shuffle":
            x = list(range(op["n"]))
            random.shuffle(x)
            results.append(x)
        elif kind == "choice":
            p = np.array(op["p"])
            results.append([int(x) for x in random.choice(len(p), op["size"], replace=False,
                                                          p=p)])
    return results


failures = []
draws = 0
for seed in (0, 1, 2018, 2 ** 32 - 1):
    ops = operations(seed)
    done = subprocess.run([probe, "numpy-random"], input=json.dumps({"seed": seed, "ops": ops}),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"interop-probe numpy-random failed: {done.stderr}")
    ours = json.loads(done.stdout)["results"]
    expected = numpy_results(seed, ops)
    for op, mine, theirs in zip(ops, ours, expected):
        draws += len(theirs)
        if mine != theirs:
            first = next(i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b) \
                if len(mine) == len(theirs) else "length"
            failures.append(f"seed {seed}, {op['op']}: first difference at {first}")
print(f"numpy-random-check: {draws} values from random_sample, uniform, randint (32/64-bit), "
      f"shuffle (6,542 and 743,086), choice(replace=False, p) x 60, seeds 0, 1, 2018, 2^32-1; "
      f"identical to numpy {np.__version__}'s RandomState: {not failures}")
if failures:
    print("FAILED:\n  " + "\n  ".join(failures[:20]))
    sys.exit(1)
print("numpy-random-check: OK")
