#!/usr/bin/env python3
"""Compare `poincare-embed query --json` with gensim's PoincareKeyedVectors on gensim's fixture.

Usage: query-check.py <poincare-embed binary> [<vectors.bin>]

Run with the venv's python (gensim 4.4.0). The vectors default to gensim's own test file,
gensim/test/test_data/poincare_vectors.bin (1,182 mammal synsets, dimension 10, float32).

Two references, both gensim's own code:
- `kv`: the file as gensim loads it (float32), gensim's arithmetic in float32;
- `kv64`: the same loaded values cast to float64, gensim's methods unchanged. Our tool computes in
  float64 on the float32 values, so it must agree with kv64 to rounding: names exactly, numbers
  to 1e-9 relative.
Against kv (float32) numbers agree to 1e-6 relative for norms; gensim's float32 distances carry
their own rounding error (up to 2.4e-5 relative on this file, measured against kv64), so distances
are checked at 5e-5 relative and the number beyond 1e-6 is printed. A name that differs from kv
but not kv64 is accepted only as a float32 near-tie (distances within that tolerance).

Checked for every node: norm, closest_parent, closest_child, ancestors, descendants (max_depth=5;
gensim raises when the chain ends early, we stop: compared up to that point), most_similar
(topn=10, with gensim's index-0 self-match removed), distance and rank to two other nodes; plus
gensim's golden values of test_poincare.py. Exit status 1 on any mismatch.
"""
import json
import subprocess
import sys

import numpy as np
from gensim.models.poincare import PoincareKeyedVectors
from gensim.test.utils import datapath

EXACT = 1e-9        # ours vs gensim's code in float64
NORM_F32 = 1e-6     # ours vs gensim float32 norms
DIST_F32 = 5e-5     # ours vs gensim float32 distances (see above)
REPORT_F32 = 1e-6   # we print how many float32 distances differ by more than this

binary = sys.argv[1]
path = sys.argv[2] if len(sys.argv) > 2 else datapath("poincare_vectors.bin")

kv = PoincareKeyedVectors.load_word2vec_format(path, binary=True)
kv64 = PoincareKeyedVectors.load_word2vec_format(path, binary=True)
kv64.vectors = kv64.vectors.astype(np.float64)
keys = list(kv.index_to_key)
n = len(keys)

failures = []
stats = {"values": 0, "names": 0, "near_ties": 0, "f32_beyond_1e-6": 0,
         "max_rel_f64": 0.0, "max_rel_f32": 0.0}


def rel(a, b):
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def check_value(what, ours, exact, f32, f32_tolerance):
    stats["values"] += 1
    r64 = rel(ours, float(exact))
    r32 = rel(ours, float(f32))
    stats["max_rel_f64"] = max(stats["max_rel_f64"], r64)
    stats["max_rel_f32"] = max(stats["max_rel_f32"], r32)
    if r32 > REPORT_F32:
        stats["f32_beyond_1e-6"] += 1
    if r64 > EXACT:
        failures.append(f"{what}: ours {ours!r}, gensim float64 {float(exact)!r} (rel {r64:.2e})")
    elif r32 > f32_tolerance:
        failures.append(f"{what}: ours {ours!r}, gensim float32 {float(f32)!r} (rel {r32:.2e})")


def check_name(what, node, ours, exact, f32):
    """`node`: the query node, to compare float32 distances when gensim's pick differs."""
    stats["names"] += 1
    if ours != exact:
        failures.append(f"{what}: ours {ours}, gensim float64 {exact}")
    elif ours != f32:
        d_ours = kv64.distance(node, ours) if ours else None
        d_f32 = kv64.distance(node, f32) if f32 else None
        if d_ours is not None and d_f32 is not None and rel(d_ours, d_f32) <= DIST_F32:
            stats["near_ties"] += 1
        else:
            failures.append(f"{what}: ours {ours}, gensim float32 {f32}")


def chain(model, start, step, limit=None):
    """gensim's ancestors/descendants loop, stopping at None instead of raising."""
    result = []
    current = step(model, start)
    while current is not None and (limit is None or len(result) < limit):
        result.append(current)
        if limit is not None and len(result) == limit:
            break
        current = step(model, current)
    return result


def most_similar(model, node, topn):
    # gensim keeps the query itself first when it is at index 0; we never list it.
    return [(k, d) for k, d in model.most_similar(node, topn=topn + 1) if k != node][:topn]


def query(node, *options):
    completed = subprocess.run([binary, "query", path, node, "--json", *options],
                               capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"query {node} failed ({completed.returncode}): {completed.stderr}")
    return json.loads(completed.stdout)


# gensim's golden values (gensim/test/test_poincare.py, TestPoincareKeyedVectors).
dog = query("dog.n.01", "--nearest", "5", "--parent", "--child", "--ancestors", "--descendants",
            "5", "--norm", "--distance", "mammal.n.01", "--rank", "carnivore.n.01")
golden = [
    ("most_similar(dog, 5)", [x["node"] for x in dog["nearest"]],
     ["canine.n.02", "hunting_dog.n.01", "carnivore.n.01", "placental.n.01", "mammal.n.01"]),
    ("closest_parent(dog)", dog["parent"]["node"], "canine.n.02"),
    ("closest_child(dog)", dog["child"]["node"], "terrier.n.01"),
    ("ancestors(dog)", dog["ancestors"],
     ["canine.n.02", "carnivore.n.01", "placental.n.01", "mammal.n.01"]),
    ("descendants(dog)", dog["descendants"], ["terrier.n.01", "sporting_dog.n.01", "spaniel.n.01",
                                              "water_spaniel.n.01", "irish_water_spaniel.n.01"]),
    ("rank(dog, carnivore)", dog["rank"]["rank"], 3),
    ("closest_parent(mammal)", query("mammal.n.01", "--parent")["parent"], None),
    ("closest_child(harbor_porpoise)", query("harbor_porpoise.n.01", "--child")["child"], None),
]
for what, ours, expected in golden:
    if ours != expected:
        failures.append(f"golden {what}: ours {ours}, gensim's test {expected}")
for what, ours, expected in [("distance(dog, mammal)", dog["distance"]["distance"], 4.5278745),
                             ("norm(dog)", dog["norm"], 0.977576),
                             ("distance(dog, female_mammal)",
                              query("dog.n.01", "--distance", "female_mammal.n.01")
                              ["distance"]["distance"], 10.04756)]:
    # gensim's test values carry 7-8 significant digits.
    if rel(ours, expected) > 1e-6:
        failures.append(f"golden {what}: ours {ours!r}, gensim's test {expected!r}")
print(f"golden values of gensim's test_poincare.py: {len(golden) + 3} checked")

# Every node.
for index, node in enumerate(keys):
    other = keys[(index * 7919 + 13) % n]
    ranked = keys[(index * 104729 + 1) % n]
    ours = query(node, "--norm", "--parent", "--child", "--ancestors", "--descendants", "5",
                 "--nearest", "10", "--distance", other, "--rank", ranked)
    check_value(f"norm({node})", ours["norm"], kv64.norm(node), kv.norm(node), NORM_F32)
    for relation, ours_found, step in [("closest_parent", ours["parent"], "closest_parent"),
                                       ("closest_child", ours["child"], "closest_child")]:
        exact = getattr(kv64, step)(node)
        f32 = getattr(kv, step)(node)
        check_name(f"{relation}({node})", node, ours_found and ours_found["node"], exact, f32)
        if ours_found:
            d = ours_found["distance"]
            check_value(f"{relation}({node}) distance", d, kv64.distance(node, ours_found["node"]),
                        kv.distance(node, ours_found["node"]), DIST_F32)
    for relation, limit, ours_chain in [("ancestors", None, ours["ancestors"]),
                                        ("descendants", 5, ours["descendants"])]:
        step = (lambda m, x: m.closest_parent(x)) if relation == "ancestors" else \
            (lambda m, x: m.closest_child(x))
        exact = chain(kv64, node, step, limit)
        f32 = chain(kv, node, step, limit)
        if relation == "ancestors":
            assert exact == kv64.ancestors(node)  # gensim's own method, same loop
        for position in range(max(len(ours_chain), len(exact), len(f32))):
            pick = lambda lst: lst[position] if position < len(lst) else None
            previous = node if position == 0 else ours_chain[position - 1]
            check_name(f"{relation}({node})[{position}]", previous, pick(ours_chain), pick(exact),
                       pick(f32))
            if pick(ours_chain) != pick(exact) or pick(ours_chain) != pick(f32):
                break  # after a near-tie the chains follow different nodes
    exact = most_similar(kv64, node, 10)
    f32 = most_similar(kv, node, 10)
    for position, found in enumerate(ours["nearest"]):
        check_name(f"most_similar({node})[{position}]", node, found["node"], exact[position][0],
                   f32[position][0])
        check_value(f"most_similar({node})[{position}] distance", found["distance"],
                    exact[position][1], kv.distance(node, found["node"]), DIST_F32)
    if len(ours["nearest"]) != 10:
        failures.append(f"most_similar({node}): {len(ours['nearest'])} results, not 10")
    check_value(f"distance({node}, {other})", ours["distance"]["distance"],
                kv64.distance(node, other), kv.distance(node, other), DIST_F32)
    stats["names"] += 1
    if ours["rank"]["rank"] != kv64.rank(node, ranked):
        failures.append(f"rank({node}, {ranked}): ours {ours['rank']['rank']}, "
                        f"gensim float64 {kv64.rank(node, ranked)}")
    elif ours["rank"]["rank"] != kv.rank(node, ranked):
        stats["near_ties"] += 1

print(f"{n} nodes of {path}:")
print(f"  norm, closest parent and child, ancestors, descendants (5), most_similar (10), "
      f"distance and rank to other nodes")
print(f"  {stats['names']} names/ranks compared, {stats['values']} numbers compared")
print(f"  largest relative difference from gensim in float64: {stats['max_rel_f64']:.2e} "
      f"(tolerance {EXACT:.0e})")
print(f"  largest relative difference from gensim in float32: {stats['max_rel_f32']:.2e} "
      f"(tolerance {NORM_F32:.0e} norms, {DIST_F32:.0e} distances); "
      f"{stats['f32_beyond_1e-6']} numbers beyond 1e-6")
print(f"  float32 near-ties where gensim's float32 pick differs: {stats['near_ties']}")
if failures:
    print(f"FAILED: {len(failures)} mismatches")
    for failure in failures[:40]:
        print("  " + failure)
    sys.exit(1)
print("query-check: OK")
