#!/usr/bin/env python3
"""Transitive reduction of a closure: the direct child<TAB>parent edges it was closed from.

Usage: scripts/direct-edges.py <closure.tsv> > <edges.tsv>

An edge (c, p) is direct when no other ancestor of c has p as an ancestor. Made for pictures
(`poincare-embed plot --relations`), where a whole closure draws too many arcs. Output sorted.
"""
import sys
from collections import defaultdict

ancestors = defaultdict(set)
with open(sys.argv[1], encoding="utf-8") as closure:
    for line in closure:
        child, parent = line.rstrip("\r\n").split("\t")
        ancestors[child].add(parent)
for child in sorted(ancestors):
    for parent in sorted(ancestors[child]):
        if not any(parent in ancestors[other] for other in ancestors[child] if other != parent):
            print(f"{child}\t{parent}")
