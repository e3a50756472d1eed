#!/usr/bin/env python3
"""Plausible hierarchical Poincaré vectors for a closure, without training (for benchmarks).

usage: python scripts/hierarchical_vectors.py <closure.tsv> <out.txt> [--dim 10] [--seed 0]
           [--noise 0.3]

Each node's parent is its ancestor with the longest chain of ancestors; roots sit near the origin; a child
points near its parent's direction (angular noise `noise`/sqrt(depth)) and is closer to the
boundary: 1 − ‖x‖ shrinks by 0.6 per level. Written as gensim's word2vec text. Larger `noise`
makes a worse embedding (more candidates per node, a harder case for the evaluator).
"""
import argparse
from collections import defaultdict

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("closure")
    parser.add_argument("out")
    parser.add_argument("--dim", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--noise", type=float, default=0.3)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    ancestors = defaultdict(set)
    nodes = {}
    with open(args.closure) as f:
        for line in f:
            child, parent = line.rstrip("\n").split("\t")[:2]
            nodes.setdefault(child, None)
            nodes.setdefault(parent, None)
            if child != parent:
                ancestors[child].add(parent)
    depth = {}

    def level(node):  # longest ancestor chain; a parent's level is always below its child's
        if node not in depth:
            depth[node] = 1 + max((level(a) for a in ancestors[node]), default=-1)
        return depth[node]

    for node in nodes:
        level(node)
    vectors = {}
    for node in sorted(nodes, key=lambda n: (depth[n], n)):
        if not ancestors[node]:
            direction = rng.standard_normal(args.dim)
            vectors[node] = 0.05 * direction / np.linalg.norm(direction)
            continue
        parent = max(ancestors[node], key=lambda a: (depth[a], a))
        base = vectors[parent]
        norm = np.linalg.norm(base)
        direction = base / norm + args.noise / np.sqrt(depth[node] + 1) * rng.standard_normal(args.dim)
        direction /= np.linalg.norm(direction)
        new_norm = min(1 - (1 - norm) * 0.6, 1 - 1e-5)
        vectors[node] = new_norm * direction
    with open(args.out, "w") as f:
        f.write("%d %d\n" % (len(vectors), args.dim))
        for node in sorted(vectors, key=lambda n: (depth[n], n)):
            f.write(node + " " + " ".join(repr(float(v)) for v in vectors[node]) + "\n")


if __name__ == "__main__":
    main()
