#!/usr/bin/env python3
"""`poincare-embed eval --protocol gensim` against gensim's own evaluation classes (issue 5.3).

Usage: eval-check.py <poincare-embed binary> <work folder>

The work folder holds ours.txt and gensim.txt from files-check.py (mammal vectors, dimension
10). gensim loads each vectors file with datatype=float64 (exactly the values our tool reads;
a float32 load would make gensim rank by float32 distances) and runs ReconstructionEvaluation
or LinkPredictionEvaluation on it; our tool runs `eval <vectors> <relations> --json --protocol
gensim` (link prediction: `--train`, `--test`). Per case, compared:
- mean rank: ours equals gensim's `evaluate()['mean_rank']` exactly, and our rank_sum and edge
  count equal the sum and number of the ranks gensim's own per-node method returns;
- MAP: within 1e-12 of gensim's `evaluate()['MAP']`; node counts equal.
Cases: the mammal closure in full; the same with a self-loop on every node and repeated lines
(the layout of gensim's wordnet_mammal_hypernyms.tsv); gensim's test fixture
poincare_hypernyms_large.tsv (self-loops) with vectors trained on it; link prediction on a 10%
split of the mammal closure; gensim's own poincare_vectors.bin (float32) on the mammal closure.
Exit status 1 on any failure.
"""
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
from gensim.models.poincare import (LinkPredictionEvaluation, PoincareKeyedVectors,
                                    ReconstructionEvaluation)
from gensim.test.utils import datapath

MAP_TOLERANCE = 1e-12
binary = sys.argv[1]
folder = Path(sys.argv[2])
root = Path(__file__).resolve().parents[2]
mammals = root / "data/mammal_closure.tsv"


def ours(*arguments):
    done = subprocess.run([binary, "eval", *map(str, arguments), "--json", "--protocol",
                           "gensim"], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"poincare-embed eval failed ({done.returncode}): {done.stderr}")
    return json.loads(done.stdout)["protocols"]["gensim"]


def gensim_ranks(evaluation, link_prediction):
    """gensim's evaluate() and, from gensim's own per-node method in the same loop, the ranks."""
    ranks, precisions = [], []
    for item in evaluation.items:
        key = evaluation.embedding.index_to_key[item]
        if link_prediction:
            if item not in evaluation.relations["unknown"]:
                continue
            found, precision = evaluation.get_unknown_relation_ranks_and_avg_prec(
                evaluation.embedding.distances(key),
                list(evaluation.relations["unknown"][item]),
                list(evaluation.relations["known"][item]))
        else:
            if item not in evaluation.relations:
                continue
            found, precision = evaluation.get_positive_relation_ranks_and_avg_prec(
                evaluation.embedding.distances(key), list(evaluation.relations[item]))
        ranks += found
        precisions.append(precision)
    result = evaluation.evaluate()
    assert result["mean_rank"] == np.mean(ranks) and result["MAP"] == np.mean(precisions)
    return result, ranks, precisions


def load(path):
    return PoincareKeyedVectors.load_word2vec_format(str(path), binary=path.suffix == ".bin",
                                                     datatype=np.float64)


# Relation files.
lines = mammals.read_text().splitlines()
nodes = list(dict.fromkeys(node for line in lines for node in line.split("\t")))
layout = folder / "mammal-loops-duplicates.tsv"
layout.write_text("\n".join(lines + [f"{node}\t{node}" for node in nodes] + lines[:500]) + "\n")
shuffled = random.Random(0).sample(lines, len(lines))
split = len(lines) // 10
(folder / "mammal-test.tsv").write_text("\n".join(shuffled[:split]) + "\n")
(folder / "mammal-train.tsv").write_text("\n".join(shuffled[split:]) + "\n")
fixture = Path(datapath("poincare_hypernyms_large.tsv"))
subprocess.run([binary, "train", str(fixture), "-o", str(folder / "fixture.txt"), "--dimension",
                "5", "--negatives", "3", "--epochs", "20", "--threads", "1", "-q"], check=True)

cases = []
for vectors in ("ours.txt", "gensim.txt"):
    path = folder / vectors
    cases.append((f"{vectors}, mammal closure", path, mammals, None))
    cases.append((f"{vectors}, with self-loops and repeated lines", path, layout, None))
    cases.append((f"{vectors}, link prediction (10% test)", path, folder / "mammal-train.tsv",
                  folder / "mammal-test.tsv"))
cases.append(("fixture.txt, poincare_hypernyms_large.tsv", folder / "fixture.txt", fixture, None))
cases.append(("gensim's poincare_vectors.bin (float32), mammal closure",
              Path(datapath("poincare_vectors.bin")), mammals, None))

failures = []
worst = 0.0
for name, vectors, relations, test in cases:
    if test is None:
        evaluation = ReconstructionEvaluation(str(relations), load(vectors))
        mine = ours(vectors, relations)
    else:
        evaluation = LinkPredictionEvaluation(str(relations), str(test), load(vectors))
        mine = ours(vectors, "--train", relations, "--test", test)
    result, ranks, precisions = gensim_ranks(evaluation, test is not None)
    map_deviation = abs(mine["map"] - result["MAP"])
    worst = max(worst, map_deviation)
    problems = []
    if mine["mean_rank"] != result["mean_rank"]:
        problems.append(f"mean rank {mine['mean_rank']!r} vs {result['mean_rank']!r}")
    if mine["rank_sum"] != sum(ranks) or mine["edges"] != len(ranks):
        problems.append(f"rank sum {mine['rank_sum']}/{mine['edges']} vs "
                        f"{sum(ranks)}/{len(ranks)}")
    if mine["nodes"] != len(precisions):
        problems.append(f"nodes {mine['nodes']} vs {len(precisions)}")
    if map_deviation > MAP_TOLERANCE:
        problems.append(f"MAP {mine['map']!r} vs {result['MAP']!r}")
    print(f"  {'ok  ' if not problems else 'FAIL'} {name}: mean rank {result['mean_rank']:.6f} "
          f"({len(ranks)} edges, {len(precisions)} nodes), ours equal: "
          f"{mine['mean_rank'] == result['mean_rank']}; MAP {result['MAP']:.6f}, |ours - "
          f"gensim| {map_deviation:.1e}" + (f"; {'; '.join(problems)}" if problems else ""))
    if problems:
        failures.append(name)
print(f"eval-check: {len(cases)} cases, mean rank exactly equal to gensim's, MAP within "
      f"{worst:.1e} (tolerance {MAP_TOLERANCE:.0e})" if not failures else "eval-check:")
if failures:
    print(f"FAILED: {', '.join(failures)}")
    sys.exit(1)
print("eval-check: OK")
