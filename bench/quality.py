"""Embedding quality: the README's results table, every row trained and evaluated in one run.

Each row is one `poincare-embed train` command (printed as run, so it can be copied), timed
on the wall clock, then `poincare-embed eval --json` on every node: reconstruction on the
training relations, or link prediction on a 10% split made by `poincare-embed split`.
Prints a Markdown table and writes it, with the date and machine, to --output. The vectors
and the split stay in bench/out/quality/ for `query`, `plot` or `bench/eval`.

Run through `bench/quality` (which builds the release binary and the noun closure). Long: the
noun rows train for minutes each. `--only mammals` runs the mammal rows alone (about a minute).
"""

import argparse
import datetime
import json
import os
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build", "release", "poincare-embed")
MAMMALS = "data/mammal_closure.tsv"

BEST = "--preset best"

# (data, dimension, task, training options). The options are documented in
# `poincare-embed train --help`; the numbers these reach are in README.md.
ROWS = [
    ("mammals", 2, "reconstruction", BEST),
    ("mammals", 5, "reconstruction", BEST),
    ("mammals", 10, "reconstruction", BEST),
    ("nouns", 2, "reconstruction", BEST),
    ("nouns", 5, "reconstruction", BEST),
    ("nouns", 10, "reconstruction", BEST),
    ("nouns", 50, "reconstruction", BEST),
    ("nouns", 10, "link prediction", BEST),
    ("hpo", 10, "reconstruction", BEST),
    ("hpo", 10, "reconstruction", ""),
]


def run(command):
    """Runs a command list; exits with its stderr when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {shlex.join(command)}\n{result.stderr}")
    return result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nouns", required=True, help="WordNet noun closure TSV")
    parser.add_argument("--hpo", help="Human Phenotype Ontology closure TSV (bench/hpo makes it)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", choices=["mammals", "nouns", "hpo"])
    parser.add_argument("--output", default=os.path.join(ROOT, "bench", "QUALITY.md"))
    arguments = parser.parse_args()

    lines = [
        "| data | dim | task | MAP paper | rank paper | MAP gensim | rank gensim | train time "
        "| command |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    work = os.path.join(ROOT, "bench", "out", "quality")
    os.makedirs(work, exist_ok=True)
    split_prefix = os.path.join(work, "nouns")
    for data, dimension, task, options in ROWS:
        if arguments.only and data != arguments.only:
            continue
        if data == "hpo" and not arguments.hpo:
            continue
        relations = {"mammals": MAMMALS, "nouns": arguments.nouns, "hpo": arguments.hpo}[data]
        shown = {"mammals": MAMMALS, "nouns": "nouns.tsv", "hpo": "hpo.tsv"}[data]
        if task == "link prediction":
            if not os.path.exists(split_prefix + ".train.tsv"):
                run([BINARY, "split", relations, "--test-fraction", "0.1", "--seed", "0",
                     "-o", split_prefix])
            relations, shown = split_prefix + ".train.tsv", "nouns.train.tsv"
        recipe = "best" if options else "gensim"
        vectors = os.path.join(work, f"{data}-{dimension}-{task[0]}-{recipe}.txt")
        train = ([BINARY, "train", relations, "--dimension", str(dimension)]
                 + shlex.split(options)
                 + ["--threads", str(arguments.threads), "-q", "-o", vectors])
        shown_command = shlex.join(
            ["poincare-embed", "train", shown, "--dimension", str(dimension)]
            + shlex.split(options))
        print(f"{data} dim {dimension} {task}: {shown_command}", file=sys.stderr)
        started = time.perf_counter()
        run(train)
        seconds = time.perf_counter() - started
        if task == "link prediction":
            report = run([BINARY, "eval", vectors, "--train", relations, "--test",
                          split_prefix + ".test.tsv", "--json"])
        else:
            report = run([BINARY, "eval", vectors, relations, "--json"])
        protocols = json.loads(report)["protocols"]
        paper, gensim = protocols["paper"], protocols["gensim"]
        row = (f"| {data} | {dimension} | {task} | {paper['map']:.3f} "
               f"| {paper['mean_rank']:.2f} | {gensim['map']:.3f} "
               f"| {gensim['mean_rank']:.2f} | {seconds:.1f} s | `{shown_command}` |")
        print(row, file=sys.stderr)
        lines.append(row)

    header = (
        f"Measured {datetime.date.today().isoformat()} by `bench/quality` on {os.cpu_count()} "
        f"cores, {arguments.threads} training threads; MAP and mean rank on every node by "
        "`poincare-embed eval` (link prediction: nouns.train.tsv and nouns.test.tsv from "
        "`poincare-embed split nouns.tsv --test-fraction 0.1 --seed 0 -o nouns`).")
    table = header + "\n\n" + "\n".join(lines) + "\n"
    print(table)
    with open(arguments.output, "w") as output:
        output.write("# Embedding quality\n\n" + table)


if __name__ == "__main__":
    main()
