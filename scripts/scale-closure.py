#!/usr/bin/env python3
"""Writes the transitive closure of a random hierarchy, for scripts/scale-check.

    scale-closure.py NODES TARGET_PAIRS SEED > closure.tsv

Node i > 0 has one parent, floor(i * u**a) for a uniform u (so every ancestor has a smaller id),
with the exponent a bisected so that the closure has just over TARGET_PAIRS pairs (a node's
expected depth is about ln(i)/a). The pairs are written level by level (every node with its parent, then
every node with its grandparent, ...), so the first k lines of the file cover nearly every
node: a prefix is a smaller closure-like file over the same vocabulary, which is what a
memory-versus-line-count comparison needs. Names are 30 bytes long, so the file is about 62
bytes a line. Prints the node and pair counts to stderr.
"""
import random
import sys


def main():
    nodes, target, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    uniforms = [rng.random() for _ in range(nodes)]

    def hierarchy(a):
        parent = [-1] + [int(i * uniforms[i] ** a) for i in range(1, nodes)]
        depth = [0] * nodes
        for i in range(1, nodes):
            depth[i] = depth[parent[i]] + 1
        return parent, sum(depth)

    # The closure has sum(depth) pairs, which falls as a grows: bisect for the target.
    low, high = 0.2, 5.0
    for _ in range(14):
        a = (low + high) / 2
        if hierarchy(a)[1] >= target:
            low = a
        else:
            high = a
    a = low
    parent, _ = hierarchy(a)
    names = [f"n{i:07d}.scale.check.synset.xx" for i in range(nodes)]
    out = sys.stdout
    current = parent[:]  # current[i]: i's ancestor at the level being written, or -1
    alive = list(range(1, nodes))
    pairs = 0
    while alive:
        out.write("".join(f"{names[i]}\t{names[current[i]]}\n" for i in alive))
        pairs += len(alive)
        for i in alive:
            current[i] = parent[current[i]]
        alive = [i for i in alive if current[i] >= 0]
    print(f"{nodes} nodes, {pairs} pairs (exponent {a:.3f})", file=sys.stderr)


if __name__ == "__main__":
    main()
