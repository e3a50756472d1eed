"""Reference points for `link eval` on held-out pairs (bench/link): what placements that know
part of the answer would score, ranked exactly as `link eval` ranks (1 + the nodes strictly
closer by Poincaré distance, the key's other nodes left out).

    python bench/link-bounds.py --embedding nouns.txt --closure nouns.tsv \
        --test pairs.test.tsv [--json out.json]

Rows (none is a method: each reads the test pair's node):
- parent point: the point of the node's deepest ancestor in the closure (its parent). The best
  a method can hope for when it finds the right parent but not the node itself.
- parent direction, deeper: the parent's direction at the node's radius + 2 (a prediction
  "beyond" the node along the right branch).
- 1/(ancestors + 1): the reciprocal rank a placement gets when every ancestor of the node
  ranks ahead of it, which they do unless the placement is within about
  2·exp(−(ρ(node) + ρ(ancestor))/2) radians of the node's direction.
"""
import argparse
import json
from collections import Counter

import numpy as np


def read_vectors(path):
    with open(path, encoding="utf-8") as lines:
        count, dimension = map(int, lines.readline().split())
        names, rows = [], np.empty((count, dimension))
        for row, line in enumerate(lines):
            fields = line.split()
            names.append(fields[0])
            rows[row] = [float(x) for x in fields[1:]]
    return names, rows


def read_pairs(path):
    with open(path, encoding="utf-8") as lines:
        return [tuple(line.rstrip("\n").split("\t")) for line in lines if line.strip()]


def ranks(points, targets, rows):
    """1 + the rows strictly closer to each point than its target (monotone distance key)."""
    gaps = 1 / np.maximum(1 - (rows * rows).sum(1), 1e-18)
    result = np.empty(len(targets), dtype=np.int64)
    for start in range(0, len(targets), 128):
        block = points[start : start + 128]
        keys = ((block[:, None, :] - rows[None, :, :]) ** 2).sum(-1) * gaps[None, :]
        own = keys[np.arange(len(block)), targets[start : start + 128]]
        result[start : start + 128] = (keys < own[:, None]).sum(1) + 1
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ["embedding", "closure", "test"]:
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--json")
    arguments = parser.parse_args()
    names, rows = read_vectors(arguments.embedding)
    index = {name: row for row, name in enumerate(names)}
    radii = 2 * np.arctanh(np.minimum(np.linalg.norm(rows, axis=1), 1 - 1e-16))
    ancestors = {}
    with open(arguments.closure, encoding="utf-8") as lines:
        for line in lines:
            child, ancestor = line.rstrip("\n").split("\t")
            ancestors.setdefault(index[child], []).append(index[ancestor])
    test = [(key, index[node]) for key, node in read_pairs(arguments.test) if node in index]
    if max(Counter(key for key, _ in test).values()) > 1:
        raise SystemExit("link-bounds: keys with several nodes (--senses all) are not supported")
    targets = np.array([node for _, node in test])
    parents = np.array([max(ancestors.get(t, [t]), key=lambda a: radii[a]) for t in targets])
    directions = rows[parents] / np.maximum(np.linalg.norm(rows[parents], axis=1), 1e-300)[:, None]
    deeper = directions * np.tanh((radii[targets] + 2) / 2)[:, None]
    report = {"pair_count": len(test), "rows": []}
    for label, points in [("parent point", rows[parents]), ("parent direction, deeper", deeper)]:
        found = ranks(points, targets, rows)
        report["rows"].append({"label": label, "mrr": float((1 / found).mean()),
                               "hits_at_1": float((found == 1).mean()),
                               "hits_at_10": float((found <= 10).mean()),
                               "mean_rank": float(found.mean())})
    report["mean_inverse_ancestors_plus_one"] = float(
        np.mean([1 / (len(ancestors.get(t, [])) + 1) for t in targets]))
    if arguments.json:
        with open(arguments.json, "w") as out:
            json.dump(report, out)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
