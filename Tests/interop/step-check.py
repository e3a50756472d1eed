#!/usr/bin/env python3
"""One training step, ours against gensim's own code (issue 5.4).

Usage: step-check.py <interop-probe binary>

For fixed vectors, a fixed batch of relations and fixed negatives, gensim's real code computes
the update: `PoincareModel._prepare_training_batch` (PoincareBatch: distances, gradients, loss)
then `_update_vectors_batch` (duplicate summing, u rows applied and clipped before the v and
negative rows), on a model whose `kv.vectors` and `alpha` we set. Our side is the trainer's batch
update, `PoincareTrainer.applyBatch`, run by `interop-probe step` on the same input.

Compared per case: every coordinate of the updated table and the batch loss.
Tolerance: 1e-12 absolute per coordinate (coordinates lie in (-1, 1)) and 1e-12 relative on the
loss, against gensim in float64. gensim's own float64 arithmetic is not that accurate where
points nearly coincide (arccosh(γ) and √(γ²−1) cancel for γ near 1, e.g. at the initial scale
±0.001); there we also run gensim's code on np.longdouble vectors (x87 80-bit), and a case passes
when ours is within 1e-12 of that more precise run instead. The script prints, per case, our
deviation from gensim float64, from gensim long double, and gensim float64's own deviation from
long double. Exit status 1 on any failure.
"""
import json
import subprocess
import sys

import numpy as np
from gensim.models.poincare import PoincareModel

TOLERANCE = 1e-12
probe = sys.argv[1]
clipped_rows = []  # per _clip_vectors call of a step: u rows, then v and negative rows
gensim_clip = PoincareModel._clip_vectors


def counting_clip(vectors, epsilon):
    """gensim's _clip_vectors, counting the rows it projects."""
    clipped_rows.append(int((np.linalg.norm(vectors, axis=1) >= 1 - epsilon).sum()))
    return gensim_clip(vectors, epsilon)


PoincareModel._clip_vectors = staticmethod(counting_clip)


def gensim_step(table, relations, negatives, lr, reg, epsilon, dtype):
    """gensim's own update on a model whose vectors are `table` (as `dtype`)."""
    nodes = table.shape[0]
    # Any relations over `nodes` nodes give a model of the right size; training data unused.
    model = PoincareModel([(str(i), str((i + 1) % nodes)) for i in range(nodes)],
                          size=table.shape[1], negative=len(negatives[0]), burn_in=0,
                          regularization_coeff=reg, epsilon=epsilon, seed=0, dtype=dtype)
    assert model.kv.index_to_key == [str(i) for i in range(nodes)]
    model.kv.vectors = table.astype(dtype).copy()
    model.alpha = lr
    old = np.seterr(divide='ignore', invalid='ignore')  # as gensim's train() does
    batch = model._prepare_training_batch(relations, negatives)
    model._update_vectors_batch(batch)
    np.seterr(**old)
    return model.kv.vectors, batch.loss


def our_step(table, relations, negatives, lr, reg, epsilon):
    request = {"dimension": table.shape[1], "table": [float(x) for x in table.ravel()],
               "relations": [list(r) for r in relations], "negatives": negatives,
               "learning_rate": lr, "regularization": reg, "epsilon": epsilon}
    done = subprocess.run([probe, "step"], input=json.dumps(request), capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise SystemExit(f"interop-probe step failed: {done.stderr}")
    answer = json.loads(done.stdout)
    if answer["input"] != request["table"]:
        raise SystemExit("interop-probe did not read the table exactly")
    return np.array(answer["table"]).reshape(table.shape), answer["loss"]


def points(random, count, dimension, low, high):
    """Random directions with norms uniform in [low, high]."""
    x = random.normal(size=(count, dimension))
    x /= np.linalg.norm(x, axis=1)[:, None]
    return x * random.uniform(low, high, size=(count, 1))


def negatives_for(random, relations, nodes, count):
    return [[int(x) for x in random.choice(nodes, count, replace=False)] for _ in relations]


def make_cases():
    random = np.random.default_rng(20240505)
    cases = []

    def add(name, table, relations, negatives, lr=0.1, reg=1.0, epsilon=1e-5):
        cases.append((name, table, [tuple(r) for r in relations], negatives, lr, reg, epsilon))

    n, d = 40, 10
    table = points(random, n, d, 0.05, 0.9)
    relations = [(int(a), int(b)) for a, b in zip(random.choice(n, 10, replace=False),
                                                  random.choice(n, 10, replace=False))]
    negatives = negatives_for(random, relations, n, 10)
    add("batch 10, negatives 10, reg 1", table, relations, negatives)
    add("batch 10, negatives 10, reg 0", table, relations, negatives, reg=0.0)
    add("batch 1, negatives 1, reg 1", table, relations[:1], [negatives[0][:1]])
    add("batch 1, negatives 10, reg 0", table, relations[:1], negatives[:1], reg=0.0)
    add("batch 10, negatives 1, reg 1", table, relations, [row[:1] for row in negatives])

    # Duplicates: a repeated relation, a repeated u, a v repeated as another pair's negative,
    # a node that is u in one relation and a negative (and v) in others, a self-loop, u among its
    # own negatives.
    relations = [(0, 1), (0, 1), (0, 2), (3, 0), (4, 5), (5, 4), (6, 6), (7, 8), (8, 9), (1, 3)]
    negatives = [[2, 3, 4, 5, 6, 7, 9, 10, 11, 12], [2, 3, 4, 5, 6, 7, 9, 10, 11, 12],
                 [0, 1, 3, 4, 13, 14, 15, 16, 17, 18], [1, 2, 4, 5, 6, 7, 8, 9, 10, 11],
                 [0, 1, 2, 3, 4, 6, 7, 8, 9, 10], [0, 1, 2, 3, 5, 6, 7, 8, 9, 10],
                 [0, 1, 2, 3, 4, 5, 7, 8, 9, 10], [0, 1, 2, 3, 4, 5, 6, 7, 9, 10],
                 [0, 1, 2, 3, 4, 5, 6, 7, 8, 10], [0, 1, 2, 4, 5, 6, 7, 8, 9, 3]]
    add("duplicates, u as negative, self-loop, reg 1", points(random, 20, d, 0.1, 0.8),
        relations, negatives)
    add("duplicates, u as negative, self-loop, reg 0", points(random, 20, d, 0.1, 0.8),
        relations, negatives, reg=0.0)

    # Near the boundary: norms 1 − 1e-3 … 1 − 2e-5 (clip threshold 1 − 1e-5); large steps push
    # rows past the threshold so that both clips run, on u rows and on v/negative rows.
    table = points(random, 20, d, 0.3, 0.9)
    for row, gap in zip(range(8), [1e-3, 1e-4, 5e-5, 3e-5, 2e-5, 2e-5, 1e-4, 1e-3]):
        table[row] *= (1 - gap) / np.linalg.norm(table[row])
    relations = [(0, 8), (1, 9), (2, 10), (3, 11), (12, 4), (13, 5), (14, 6), (15, 7), (0, 1),
                 (4, 2)]
    negatives = negatives_for(random, relations, 20, 10)
    for lr in (0.1, 5.0):
        for reg in (1.0, 0.0):
            add(f"near the boundary, lr {lr}, reg {reg:g}", table, relations, negatives, lr=lr,
                reg=reg)

    # gensim's initial scale: every point within ±0.001 (where gensim's float64 cancels).
    table = random.uniform(-0.001, 0.001, size=(30, 50))
    relations = [(int(a), int(b)) for a, b in zip(random.choice(30, 10), random.choice(30, 10))]
    add("initial scale ±0.001, dimension 50, reg 1", table, relations,
        negatives_for(random, relations, 30, 10), lr=0.01)
    return cases


failures = []
worst = {"f64": 0.0, "ld": 0.0, "loss": 0.0}
for name, table, relations, negatives, lr, reg, epsilon in make_cases():
    clipped_rows.clear()
    gensim64, loss64 = gensim_step(table, relations, negatives, lr, reg, epsilon, np.float64)
    clipped = list(clipped_rows)
    gensim_ld, loss_ld = gensim_step(table, relations, negatives, lr, reg, epsilon,
                                     np.longdouble)
    ours, loss = our_step(table, relations, negatives, lr, reg, epsilon)
    dev64 = float(np.abs(ours - gensim64).max())
    dev_ld = float(np.abs(ours - gensim_ld).max())
    gensim_own = float(np.abs(gensim64 - gensim_ld).max())
    loss_rel = abs(loss - float(loss64)) / abs(float(loss64))
    loss_rel_ld = float(abs(loss - loss_ld) / abs(loss_ld))
    ok = (dev64 <= TOLERANCE or dev_ld <= TOLERANCE) and \
        (loss_rel <= TOLERANCE or loss_rel_ld <= TOLERANCE)
    worst["f64"] = max(worst["f64"], dev64)
    worst["ld"] = max(worst["ld"], dev_ld)
    worst["loss"] = max(worst["loss"], min(loss_rel, loss_rel_ld))
    print(f"  {'ok  ' if ok else 'FAIL'} {name}: {len(relations)} relations x "
          f"{len(negatives[0])} negatives, {table.shape[0]}x{table.shape[1]}; "
          f"max |ours - gensim f64| {dev64:.1e}, |ours - gensim long double| {dev_ld:.1e} "
          f"(gensim f64 itself {gensim_own:.1e}); loss rel {loss_rel:.1e} / {loss_rel_ld:.1e}"
          + (f"; clipped by gensim: {clipped[0]} u rows, {clipped[1]} v/negative rows"
             if sum(clipped) else ""))
    if not ok:
        failures.append(name)

print(f"step-check: max deviation of our update from gensim float64 {worst['f64']:.1e}, from "
      f"gensim long double {worst['ld']:.1e}, loss {worst['loss']:.1e} relative "
      f"(tolerance {TOLERANCE:.0e})")
if failures:
    print(f"FAILED: {', '.join(failures)}")
    sys.exit(1)
print("step-check: OK")
