#!/usr/bin/env python3
"""gensim's own ReconstructionEvaluation / LinkPredictionEvaluation on a vectors file, as JSON:
the reference `poincare-embed eval --protocol gensim` is checked against (bench/eval).

usage: python scripts/gensim_evaluation.py <vectors> <relations> [--max-n N]
       python scripts/gensim_evaluation.py <vectors> --train <train.tsv> --test <test.tsv> [--max-n N]

Prints one JSON object: mean_rank and map as Python reprs (exact), seconds (evaluate() alone,
not loading), items_evaluated (the nodes gensim ranked, counted with its own loop logic), max_n,
and the gensim and numpy versions. Vectors are read with gensim's load_word2vec_format (binary
for a .bin name).
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
    args = parser.parse_args()
    binary = args.vectors.endswith(".bin")
    kv = PoincareKeyedVectors.load_word2vec_format(args.vectors, binary=binary)
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
        "gensim": gensim.__version__,
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
