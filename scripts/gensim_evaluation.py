#!/usr/bin/env python3
"""gensim's own ReconstructionEvaluation / LinkPredictionEvaluation on a vectors file, as JSON:
the reference `poincare-embed eval --protocol gensim` is checked against (bench/eval).

usage: python scripts/gensim_evaluation.py <vectors> <relations> [--max-n N]
       python scripts/gensim_evaluation.py <vectors> --train <train.tsv> --test <test.tsv> [--max-n N]

Prints one JSON object: mean_rank and map as Python reprs (exact), seconds (evaluate() alone,
not loading), items_evaluated (the nodes gensim ranked, counted with its own loop logic), max_n,
and the gensim and numpy versions. Vectors are read with gensim's load_word2vec_format (binary
for a .bin name) as float64, the file's own values; gensim's default is float32 (--float32),
whose rounding (about 1e-7 relative) reorders nearly equal distances on large graphs.
"""
import argparse
import json
import time

import numpy as np
from gensim.models.poincare import (LinkPredictionEvaluation, PoincareKeyedVectors,
                                    ReconstructionEvaluation)
import gensim


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("vectors")
    parser.add_argument("relations", nargs="?")
    parser.add_argument("--train")
    parser.add_argument("--test")
    parser.add_argument("--max-n", type=int)
    parser.add_argument("--float32", action="store_true",
                        help="load as gensim does by default (float32), not the file's float64")
    args = parser.parse_args()
    binary = args.vectors.endswith(".bin")
    datatype = np.float32 if args.float32 else np.float64
    kv = PoincareKeyedVectors.load_word2vec_format(args.vectors, binary=binary, datatype=datatype)
    if args.relations:
        evaluation = ReconstructionEvaluation(args.relations, kv)
        has_positives = lambda item: item in evaluation.relations
    else:
        evaluation = LinkPredictionEvaluation(args.train, args.test, kv)
        has_positives = lambda item: item in evaluation.relations["unknown"]
    # Count the items gensim's loop evaluates (same counter logic as evaluate_mean_rank_and_map).
    evaluated = 0
    for i, item in enumerate(evaluation.items, start=1):
        if not has_positives(item):
            continue
        evaluated += 1
        if args.max_n is not None and i > args.max_n:
            break
    started = time.perf_counter()
    result = evaluation.evaluate(max_n=args.max_n)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "mean_rank": repr(float(result["mean_rank"])),
        "map": repr(float(result["MAP"])),
        "seconds": seconds,
        "items_evaluated": evaluated,
        "max_n": args.max_n,
        "dtype": "float32" if args.float32 else "float64",
        "gensim": gensim.__version__,
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
