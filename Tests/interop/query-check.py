#!/usr/bin/env python3
"""Compare `poincare-embed query --json` with gensim's PoincareKeyedVectors on a vectors file.

Usage: query-check.py <poincare-embed binary> [<vectors> [--text] [--float64]]

Run with the venv's python (gensim 4.4.0). The vectors default to gensim's own test file,
gensim/test/test_data/poincare_vectors.bin (1,182 mammal synsets, dimension 10, float32), whose
golden values from gensim's test_poincare.py are checked too. gensim loads the file with
`load_word2vec_format(binary=not --text, datatype=float64 if --float64 else float32)`; our tool
reads the same file (text at full precision, binary as float32 values).

Two references, both gensim's own code:
- `kv64`: the file loaded with datatype=float64, i.e. exactly the values our tool reads, gensim's
  methods computing in float64. Ours must agree to rounding: names identical, norms to 1e-12
  relative, distances to 1e-12 relative plus gensim's own float64 rounding bound (below);
- `kv`: the file as loaded (float32 unless --float64), gensim's arithmetic in that precision:
  norms to 1e-6 relative, distances to 1e-6 relative plus gensim's float32 rounding bound.
gensim computes d = arccosh(γ), γ = 1 + 2‖u−v‖²/(αβ), α = 1 − ‖u‖², β = 1 − ‖v‖². Its rounding
error in d, with machine epsilon ε, is bounded by 4ε((γ−1)(4 + 1/α + 1/β) + γ)/√(γ²−1): 1 − ‖u‖²
loses digits near the boundary, and arccosh cancels near γ = 1 (nearby points). The check prints
the largest deviation as a fraction of that allowance. Where two candidates' distances lie within
it, gensim's pick may differ from ours (a near-tie): accepted and counted, separately for float64
and float32. A float32 text load also rounds the file's values, so kv's input differs from ours.

Checked for every node: norm, closest_parent, closest_child, ancestors, descendants (max_depth=5;
gensim raises when the chain ends early, we stop: compared up to that point), most_similar
(topn=10, with gensim's index-0 self-match removed), distance and rank to two other nodes; plus
gensim's golden values of test_poincare.py on the fixture. Exit status 1 on any mismatch.
"""
import json
import subprocess
import sys

import numpy as np
from gensim.models.poincare import PoincareKeyedVectors
from gensim.test.utils import datapath

TIGHT = 1e-12   # relative: ours vs gensim in float64
LOOSE = 1e-6    # relative: ours vs gensim in float32

arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
is_text = "--text" in sys.argv
is_float64 = "--float64" in sys.argv
binary = arguments[0]
fixture = datapath("poincare_vectors.bin")
path = arguments[1] if len(arguments) > 1 else fixture
datatype = np.float64 if is_float64 else np.float32

kv = PoincareKeyedVectors.load_word2vec_format(path, binary=not is_text, datatype=datatype)
kv64 = PoincareKeyedVectors.load_word2vec_format(path, binary=not is_text, datatype=np.float64)
keys = list(kv.index_to_key)
n = len(keys)
loose_relative, loose_epsilon = (TIGHT, np.finfo(np.float64).eps) if is_float64 else \
    (LOOSE, float(np.finfo(np.float32).eps))

failures = []
stats = {"values": 0, "names": 0, "near_ties_64": 0, "near_ties_32": 0, "beyond_loose": 0,
         "max_rel_64": 0.0, "max_rel_32": 0.0, "max_share_64": 0.0, "max_share_32": 0.0}


def rel(a, b):
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def rounding(a, b, epsilon):
    """The bound on gensim's rounding error in d(a, b) at machine epsilon `epsilon`."""
    u = kv64.vectors[kv64.key_to_index[a]]
    v = kv64.vectors[kv64.key_to_index[b]]
    alpha, beta = 1 - u @ u, 1 - v @ v
    gamma = 1 + 2 * ((u - v) @ (u - v)) / (alpha * beta)
    if gamma <= 1:
        return 0.0
    return 4 * epsilon * ((gamma - 1) * (4 + 1 / alpha + 1 / beta) + gamma) / \
        np.sqrt(gamma * gamma - 1)


def allowance(a, b, d, tight):
    """How far ours may be from gensim's d(a, b): relative part plus gensim's rounding."""
    if tight:
        return TIGHT * abs(d) + rounding(a, b, np.finfo(np.float64).eps)
    return loose_relative * abs(d) + rounding(a, b, loose_epsilon)


def check_value(what, ours, exact, loaded, allowed_64, allowed_32):
    """`exact`, `loaded`: gensim's value on kv64 and kv; `allowed_*`: absolute allowances."""
    stats["values"] += 1
    exact, loaded = float(exact), float(loaded)
    stats["max_rel_64"] = max(stats["max_rel_64"], rel(ours, exact))
    stats["max_rel_32"] = max(stats["max_rel_32"], rel(ours, loaded))
    if rel(ours, loaded) > LOOSE:
        stats["beyond_loose"] += 1
    for key, reference, allowed in (("64", exact, allowed_64), ("32", loaded, allowed_32)):
        deviation = abs(ours - reference)
        if allowed > 0:
            stats[f"max_share_{key}"] = max(stats[f"max_share_{key}"], deviation / allowed)
        if deviation > allowed:
            label = "float64" if key == "64" else np.dtype(datatype).name
            failures.append(f"{what}: ours {ours!r}, gensim {label} {reference!r} "
                            f"(|diff| {deviation:.2e} > {allowed:.2e})")
            return


def check_distance(what, a, b, ours, exact, loaded):
    check_value(what, ours, exact, loaded, allowance(a, b, exact, True),
                allowance(a, b, exact, False))


def is_near_tie(node, ours, theirs, tight):
    """Whether gensim's pick `theirs` and ours are equally close to `node` within gensim's
    rounding (a tie gensim may break either way)."""
    if ours is None or theirs is None:
        return False
    d_ours, d_theirs = kv64.distance(node, ours), kv64.distance(node, theirs)
    return abs(d_ours - d_theirs) <= allowance(node, ours, d_ours, tight) + \
        allowance(node, theirs, d_theirs, tight)


def check_name(what, node, ours, exact, loaded):
    """`node`: the query node, to compare distances when gensim's pick differs."""
    stats["names"] += 1
    if ours != exact:
        if is_near_tie(node, ours, exact, True):
            stats["near_ties_64"] += 1
        else:
            failures.append(f"{what}: ours {ours}, gensim float64 {exact}")
    elif ours != loaded:
        if is_near_tie(node, ours, loaded, False):
            stats["near_ties_32"] += 1
        else:
            failures.append(f"{what}: ours {ours}, gensim {np.dtype(datatype).name} {loaded}")


class Memo:
    """gensim's closest_parent/closest_child of a model, each node asked once (chains repeat)."""

    def __init__(self, model):
        self.model = model
        self.parents = {}
        self.children = {}

    def closest_parent(self, node):
        if node not in self.parents:
            self.parents[node] = self.model.closest_parent(node)
        return self.parents[node]

    def closest_child(self, node):
        if node not in self.children:
            self.children[node] = self.model.closest_child(node)
        return self.children[node]


memo = {id(kv): Memo(kv), id(kv64): Memo(kv64)}


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


def ambiguous_ranks(node, other):
    """Nodes whose float64 distance to `node` is within gensim's rounding of d(node, other)."""
    distances = kv64.distances(node)
    target = kv64.distance(node, other)
    limit = allowance(node, other, target, True)
    return int(np.count_nonzero(np.abs(distances - target) <= 2 * limit)) - 1


if path == fixture:
    # gensim's golden values (gensim/test/test_poincare.py, TestPoincareKeyedVectors).
    dog = query("dog.n.01", "--nearest", "5", "--parent", "--child", "--ancestors",
                "--descendants", "5", "--norm", "--distance", "mammal.n.01", "--rank",
                "carnivore.n.01")
    golden = [
        ("most_similar(dog, 5)", [x["node"] for x in dog["nearest"]],
         ["canine.n.02", "hunting_dog.n.01", "carnivore.n.01", "placental.n.01", "mammal.n.01"]),
        ("closest_parent(dog)", dog["parent"]["node"], "canine.n.02"),
        ("closest_child(dog)", dog["child"]["node"], "terrier.n.01"),
        ("ancestors(dog)", dog["ancestors"],
         ["canine.n.02", "carnivore.n.01", "placental.n.01", "mammal.n.01"]),
        ("descendants(dog)", dog["descendants"],
         ["terrier.n.01", "sporting_dog.n.01", "spaniel.n.01", "water_spaniel.n.01",
          "irish_water_spaniel.n.01"]),
        ("rank(dog, carnivore)", dog["rank"]["rank"], 3),
        ("closest_parent(mammal)", query("mammal.n.01", "--parent")["parent"], None),
        ("closest_child(harbor_porpoise)", query("harbor_porpoise.n.01", "--child")["child"],
         None),
    ]
    for what, ours, expected in golden:
        if ours != expected:
            failures.append(f"golden {what}: ours {ours}, gensim's test {expected}")
    female = query("dog.n.01", "--distance", "female_mammal.n.01")["distance"]["distance"]
    for what, ours, expected in [("distance(dog, mammal)", dog["distance"]["distance"], 4.5278745),
                                 ("norm(dog)", dog["norm"], 0.977576),
                                 ("distance(dog, female_mammal)", female, 10.04756)]:
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
    norm = ours["norm"]
    check_value(f"norm({node})", norm, kv64.norm(node), kv.norm(node), TIGHT * norm,
                loose_relative * norm)
    for relation, ours_found, step in [("closest_parent", ours["parent"], "closest_parent"),
                                       ("closest_child", ours["child"], "closest_child")]:
        exact = getattr(memo[id(kv64)], step)(node)
        loaded = getattr(memo[id(kv)], step)(node)
        check_name(f"{relation}({node})", node, ours_found and ours_found["node"], exact, loaded)
        if ours_found:
            found = ours_found["node"]
            check_distance(f"{relation}({node}) distance", node, found, ours_found["distance"],
                           kv64.distance(node, found), kv.distance(node, found))
    for relation, limit, ours_chain in [("ancestors", None, ours["ancestors"]),
                                        ("descendants", 5, ours["descendants"])]:
        step = (lambda m, x: memo[id(m)].closest_parent(x)) if relation == "ancestors" else \
            (lambda m, x: memo[id(m)].closest_child(x))
        exact = chain(kv64, node, step, limit)
        loaded = chain(kv, node, step, limit)
        for position in range(max(len(ours_chain), len(exact), len(loaded))):
            pick = lambda lst: lst[position] if position < len(lst) else None
            previous = node if position == 0 else ours_chain[position - 1]
            check_name(f"{relation}({node})[{position}]", previous, pick(ours_chain), pick(exact),
                       pick(loaded))
            if pick(ours_chain) != pick(exact) or pick(ours_chain) != pick(loaded):
                break  # after a near-tie the chains follow different nodes
    exact = most_similar(kv64, node, 10)
    loaded = most_similar(kv, node, 10)
    for position, found in enumerate(ours["nearest"]):
        check_name(f"most_similar({node})[{position}]", node, found["node"], exact[position][0],
                   loaded[position][0])
        check_distance(f"most_similar({node})[{position}] distance", node, found["node"],
                       found["distance"], kv64.distance(node, found["node"]),
                       kv.distance(node, found["node"]))
    if len(ours["nearest"]) != 10:
        failures.append(f"most_similar({node}): {len(ours['nearest'])} results, not 10")
    check_distance(f"distance({node}, {other})", node, other, ours["distance"]["distance"],
                   kv64.distance(node, other), kv.distance(node, other))
    stats["names"] += 1
    rank_64, rank_loaded = kv64.rank(node, ranked), kv.rank(node, ranked)
    if ours["rank"]["rank"] != rank_64:
        if abs(ours["rank"]["rank"] - rank_64) <= ambiguous_ranks(node, ranked):
            stats["near_ties_64"] += 1
        else:
            failures.append(f"rank({node}, {ranked}): ours {ours['rank']['rank']}, "
                            f"gensim float64 {rank_64}")
    elif ours["rank"]["rank"] != rank_loaded:
        stats["near_ties_32"] += 1

loaded = f"{'text' if is_text else 'binary'}, loaded as {np.dtype(datatype).name}"
print(f"{n} nodes of {path} ({loaded}):")
print(f"  norm, closest parent and child, ancestors, descendants (5), most_similar (10), "
      f"distance and rank to other nodes")
print(f"  {stats['names']} names/ranks compared, {stats['values']} numbers compared")
print(f"  vs gensim in float64: largest relative difference {stats['max_rel_64']:.2e}; "
      f"largest deviation {stats['max_share_64']:.2f} of the allowance (1e-12 relative + "
      f"gensim's float64 rounding); near-ties {stats['near_ties_64']}")
if not is_float64:
    print(f"  vs gensim in float32: largest relative difference {stats['max_rel_32']:.2e}, "
          f"{stats['beyond_loose']} numbers beyond 1e-6; largest deviation "
          f"{stats['max_share_32']:.2f} of the allowance (1e-6 relative + gensim's float32 "
          f"rounding); near-ties {stats['near_ties_32']}")
if failures:
    print(f"FAILED: {len(failures)} mismatches")
    for failure in failures[:40]:
        print("  " + failure)
    sys.exit(1)
print("query-check: OK")
