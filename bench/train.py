"""Training speed and quality: poincare-embed at 1 and 2 threads next to gensim's PoincareModel,
on the same relation files, in the same run.

For every dataset and dimension it trains each implementation for the same number of epochs
(no burn-in, gensim's other defaults), and reports:
- relations per second: the relations of the timed epochs over their seconds. Ours: the best
  per-epoch rate our progress lines print (best of --runs runs); gensim: len(relations) * epochs
  over the seconds `train()` took (one run: it is slow);
- peak memory (maximum resident set size, GNU `/usr/bin/time -v`), of the whole process;
- the CPU seconds of each of its threads (from /proc; the run with the best rate for ours), to
  tell threads that ran at once from threads that took turns on one core;
- reconstruction MAP and mean rank after those epochs, paper protocol and gensim's, computed on
  every node by `poincare-embed eval` (the same evaluator for all, so the numbers compare);
- ratios to gensim and to our one thread;
- how many cores were busy on average during the benchmark (its own work included): on a
  shared machine, two threads cannot show their speed when other work holds a core.
Prints a Markdown table and writes it, with the date and machine, to --output.

Run through `bench/train` (which builds the release binary and the Python venv).
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build", "release", "poincare-embed")

GENSIM_TRAIN = r"""
import sys, time
from gensim.models.poincare import PoincareModel, PoincareRelations
path, dim, epochs, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
model = PoincareModel(PoincareRelations(path), size=dim, burn_in=0, seed=0)
started = time.perf_counter()
model.train(epochs=epochs)
seconds = time.perf_counter() - started
model.kv.save_word2vec_format(out)
print(len(model.all_relations) * epochs / seconds)
"""


def peak_megabytes(report):
    """Maximum resident set size in MB from a `/usr/bin/time -v` report."""
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    return int(match.group(1)) / 1024 if match else float("nan")


def thread_seconds(pid, seen):
    """Adds the CPU seconds of every thread of `pid`'s children (from /proc) to `seen`."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
    except OSError:
        return
    for child in children:
        try:
            threads = os.listdir(f"/proc/{child}/task")
        except OSError:
            continue
        for thread in threads:
            try:
                fields = open(f"/proc/{child}/task/{thread}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            seen[thread] = (int(fields[11]) + int(fields[12])) / tick


def timed(command):
    """Runs `command` under `/usr/bin/time -v`; returns (stdout, stderr, peak MB, CPU seconds of
    each thread that used more than 0.05 s, largest first, sampled from /proc every 50 ms)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report, \
            tempfile.TemporaryFile("w+") as output, tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(
            ["/usr/bin/time", "-v", "-o", report.name] + command, stdout=output, stderr=errors,
            text=True)
        seen = {}
        while process.poll() is None:
            thread_seconds(process.pid, seen)
            time.sleep(0.05)
        output.seek(0)
        errors.seek(0)
        stdout, stderr = output.read(), errors.read()
        if process.returncode != 0:
            sys.exit(f"failed ({process.returncode}): {' '.join(command)}\n{stderr}")
        cpu = sorted((seconds for seconds in seen.values() if seconds > 0.05), reverse=True)
        return stdout, stderr, peak_megabytes(report.read()), cpu


def evaluate(vectors, relations):
    """(paper MAP, paper mean rank, gensim MAP, gensim mean rank) on every node."""
    output = subprocess.run(
        [BINARY, "eval", vectors, relations, "--json"], capture_output=True, text=True,
        check=True).stdout
    protocols = json.loads(output)["protocols"]
    return (protocols["paper"]["map"], protocols["paper"]["mean_rank"],
            protocols["gensim"]["map"], protocols["gensim"]["mean_rank"])


def busy_ticks():
    """Clock ticks every core spent busy so far (/proc/stat), to tell how loaded the machine was."""
    values = [int(value) for value in open("/proc/stat").readline().split()[1:]]
    return sum(values[:8]) - values[3] - values[4]


def ours(relations, dimension, epochs, threads, runs, work):
    best_rate, peak, best_cpu = 0.0, 0.0, []
    vectors = os.path.join(work, f"ours-{dimension}-{threads}.txt")
    for _ in range(runs):
        _, errors, megabytes, cpu = timed([
            BINARY, "train", relations, "-o", vectors, "--dimension", str(dimension),
            "--epochs", str(epochs), "--burn-in", "0", "--threads", str(threads)])
        rates = [float(value) * {"k": 1e3, "M": 1e6, "": 1}[unit] for value, unit in
                 re.findall(r"^epoch \d+/\d+ .*?([\d.]+)([kM]?) rel/s", errors, re.M)]
        if max(rates) > best_rate:
            best_rate, best_cpu = max(rates), cpu
        peak = max(peak, megabytes)
    return best_rate, peak, evaluate(vectors, relations), best_cpu


def gensim(python, relations, dimension, epochs, work):
    vectors = os.path.join(work, f"gensim-{dimension}.txt")
    output, _, megabytes, cpu = timed(
        [python, "-c", GENSIM_TRAIN, relations, str(dimension), str(epochs), vectors])
    return float(output.strip().splitlines()[-1]), megabytes, evaluate(vectors, relations), cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", required=True, help="Python with gensim")
    parser.add_argument("--nouns", required=True, help="WordNet noun closure TSV")
    parser.add_argument("--dimensions", default="10,50")
    parser.add_argument("--runs", type=int, default=3, help="runs of ours (best kept)")
    parser.add_argument("--mammal-epochs", type=int, default=20)
    parser.add_argument("--noun-epochs", type=int, default=2)
    parser.add_argument("--output", default=os.path.join(ROOT, "bench", "RESULTS.md"))
    arguments = parser.parse_args()

    datasets = [
        ("mammals", os.path.join(ROOT, "data", "mammal_closure.tsv"), arguments.mammal_epochs),
        ("nouns", arguments.nouns, arguments.noun_epochs),
    ]
    load_before = open("/proc/loadavg").read().split()[:3]
    busy_before, started = busy_ticks(), time.monotonic()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for name, relations, epochs in datasets:
            for dimension in [int(value) for value in arguments.dimensions.split(",")]:
                print(f"{name}, dimension {dimension}, {epochs} epochs ...", file=sys.stderr)
                reference = gensim(arguments.python, relations, dimension, epochs, work)
                one = ours(relations, dimension, epochs, 1, arguments.runs, work)
                two = ours(relations, dimension, epochs, 2, arguments.runs, work)
                for label, result in [
                    ("gensim 4.4.0", reference),
                    ("poincare-embed, 1 thread", one),
                    ("poincare-embed, 2 threads", two),
                ]:
                    rate, megabytes, (paper_map, paper_rank, gensim_map, gensim_rank), cpu = result
                    rows.append((name, dimension, epochs, label, rate, rate / reference[0],
                                 rate / one[0], cpu, megabytes, paper_map, paper_rank,
                                 gensim_map, gensim_rank))
    load_after = open("/proc/loadavg").read().split()[:3]
    busy_cores = (busy_ticks() - busy_before) / os.sysconf("SC_CLK_TCK") / (
        time.monotonic() - started)

    lines = [
        f"Measured {datetime.date.today().isoformat()} by `bench/train` on {os.cpu_count()} "
        f"cores (load average {' '.join(load_before)} before, {' '.join(load_after)} after; "
        f"{busy_cores:.2f} cores busy on average, this benchmark included). "
        "Epochs without burn-in, gensim's other defaults; relations/s is the best epoch of "
        f"{arguments.runs} runs for ours, one run of `train()` for gensim; MAP and mean rank "
        "on every node by `poincare-embed eval` after those epochs.",
        "",
        "| data | dim | epochs | implementation | relations/s | vs gensim | vs 1 thread "
        "| CPU s per thread | peak MB | MAP paper | rank paper | MAP gensim | rank gensim |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        (name, dimension, epochs, label, rate, ratio, threads_ratio, cpu, megabytes, pm, pr, gm,
         gr) = row
        lines.append(
            f"| {name} | {dimension} | {epochs} | {label} | {rate:,.0f} | {ratio:.1f}x "
            f"| {'' if label.startswith('gensim') else f'{threads_ratio:.2f}x'} "
            f"| {' + '.join(f'{seconds:.2f}' for seconds in cpu)} | {megabytes:.0f} | {pm:.3f} | {pr:.2f} | {gm:.3f} "
            f"| {gr:.2f} |")
    table = "\n".join(lines) + "\n"
    print(table)
    with open(arguments.output, "w") as output:
        output.write("# Training benchmark\n\n" + table)


if __name__ == "__main__":
    main()
