#!/usr/bin/env python3
"""Training as a whole: our trainer against gensim's on the mammal closure (issue 5.5).

Usage: training-check.py <poincare-embed binary> <work folder> [--epochs E] [--dimension D]

With gensim's defaults (size 50, alpha 0.1, negative 10, burn_in 10 at 0.01,
regularization_coeff 1.0, batch 10) and E training epochs (default 50, our default; gensim's
train() has none), for seeds 0, 1 and 2:
- gensim: `PoincareModel(PoincareRelations('data/mammal_closure.tsv'), size=D, seed=s)
  .train(epochs=E, print_every=654)`, its logged loss captured (logging INFO), kv saved as text;
- ours: `poincare-embed train ... --threads 1 --seed s` (our own random streams), and
  `--rng numpy` (gensim's random stream replayed).
Compared:
1. quality: gensim's own ReconstructionEvaluation (mean rank, MAP) on both vector files (each
   loaded with datatype=float64), per seed; the means over the seeds must agree within 0.02 MAP;
2. loss curves: gensim logs every 654 batches (one line per epoch: the mean of the epoch's first
   654 of 655 batch losses); our progress lines give each epoch's mean batch loss. Both are the
   same quantity (the batch's summed softmax loss, without regularization); the first burn-in,
   first and last training epochs must agree within 10%, per seed, and the full curves are
   printed as their largest ratio;
3. the replay: `--rng numpy` vectors equal gensim's to 1e-9 at these defaults too.
Exit status 1 on any failure.
"""
import logging
import re
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from gensim.models.poincare import (PoincareKeyedVectors, PoincareModel, PoincareRelations,
                                    ReconstructionEvaluation)

MAP_TOLERANCE = 0.02
LOSS_FACTOR = 1.10
REPLAY_TOLERANCE = 1e-9
SEEDS = (0, 1, 2)


def option(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


binary = sys.argv[1]
folder = Path(sys.argv[2])
epochs = option("--epochs", 50)
dimension = option("--dimension", 50)
root = Path(__file__).resolve().parents[2]
relations = root / "data/mammal_closure.tsv"


class Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def gensim_run(seed):
    """One gensim run in its own process: returns (seconds, logged epoch losses)."""
    handler = Lines()
    logger = logging.getLogger("gensim.models.poincare")
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    started = time.time()
    model = PoincareModel(PoincareRelations(str(relations)), size=dimension, seed=seed)
    model.train(epochs=epochs, print_every=654)
    seconds = time.time() - started
    model.kv.save_word2vec_format(str(folder / f"gensim-{seed}.txt"))
    losses = [float(m.group(1)) for line in handler.lines
              if (m := re.search(r"training on epoch \d+, examples #\d+-#\d+, loss: ([\d.]+)",
                                 line))]
    return seconds, losses


def our_run(seed, *options):
    name = f"ours{'-numpy' if options else ''}-{seed}.txt"
    started = time.time()
    done = subprocess.run(
        [binary, "train", str(relations), "-o", str(folder / name), "--dimension", str(dimension),
         "--epochs", str(epochs), "--threads", "1", "--seed", str(seed), *options],
        capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"poincare-embed train failed: {done.stderr}")
    # Epoch-end progress lines: "burn-in 3/10  100%  … loss 30.41  ETA 0:07".
    losses = [float(m.group(1)) for line in done.stderr.splitlines()
              if (m := re.search(r"(?:burn-in|epoch) \d+/\d+\s+100%.*loss ([\d.]+)", line))]
    return time.time() - started, losses, folder / name


def reconstruction(path):
    vectors = PoincareKeyedVectors.load_word2vec_format(str(path), datatype=np.float64)
    result = ReconstructionEvaluation(str(relations), vectors).evaluate()
    return result["mean_rank"], result["MAP"]


folder.mkdir(parents=True, exist_ok=True)
print(f"mammal closure, gensim's defaults (dimension {dimension}, burn-in 10, {epochs} epochs), "
      f"seeds {', '.join(map(str, SEEDS))}; gensim runs two at a time")
with ProcessPoolExecutor(max_workers=2) as pool:
    gensim_runs = pool.map(gensim_run, SEEDS)
    ours = {seed: our_run(seed) for seed in SEEDS}
    replays = {seed: our_run(seed, "--rng", "numpy") for seed in SEEDS}
    gensim_runs = dict(zip(SEEDS, gensim_runs))

failures = []
maps = {"gensim": [], "ours": []}
for seed in SEEDS:
    gensim_seconds, gensim_losses = gensim_runs[seed]
    our_seconds, our_losses, our_path = ours[seed]
    gensim_rank, gensim_map = reconstruction(folder / f"gensim-{seed}.txt")
    our_rank, our_map = reconstruction(our_path)
    maps["gensim"].append(gensim_map)
    maps["ours"].append(our_map)
    print(f"  seed {seed}: reconstruction (gensim's ReconstructionEvaluation) gensim mean rank "
          f"{gensim_rank:.2f} MAP {gensim_map:.4f}; ours mean rank {our_rank:.2f} MAP "
          f"{our_map:.4f}; {gensim_seconds:.0f} s gensim, {our_seconds:.1f} s ours")
    expected = 10 + epochs
    if len(gensim_losses) != expected or len(our_losses) != expected:
        failures.append(f"seed {seed}: {len(gensim_losses)} gensim and {len(our_losses)} of our "
                        f"loss lines, expected {expected}")
        continue
    ratios = [o / g for o, g in zip(our_losses, gensim_losses)]
    points = {"first burn-in epoch": 0, "first epoch": 10, "last epoch": expected - 1}
    shown = ", ".join(f"{what} {gensim_losses[i]:.2f} vs {our_losses[i]:.2f}"
                      for what, i in points.items())
    print(f"    logged loss, gensim vs ours: {shown}; ratio over all {expected} epochs "
          f"{min(ratios):.3f}..{max(ratios):.3f}")
    for what, i in points.items():
        if not 1 / LOSS_FACTOR <= ratios[i] <= LOSS_FACTOR:
            failures.append(f"seed {seed}: loss of the {what} differs by more than "
                            f"{LOSS_FACTOR - 1:.0%}")
    _, _, replay_path = replays[seed]
    gensim_vectors = PoincareKeyedVectors.load_word2vec_format(
        str(folder / f"gensim-{seed}.txt"), datatype=np.float64)
    replay_vectors = PoincareKeyedVectors.load_word2vec_format(str(replay_path),
                                                               datatype=np.float64)
    same_keys = gensim_vectors.index_to_key == replay_vectors.index_to_key
    deviation = float(np.abs(gensim_vectors.vectors - replay_vectors.vectors).max()) \
        if same_keys else float("inf")
    print(f"    --rng numpy replay: max |ours - gensim| {deviation:.1e} "
          f"(tolerance {REPLAY_TOLERANCE:.0e}), {replays[seed][0]:.1f} s")
    if deviation > REPLAY_TOLERANCE:
        failures.append(f"seed {seed}: replay deviates by {deviation:.1e}")

gensim_mean, our_mean = np.mean(maps["gensim"]), np.mean(maps["ours"])
spread = max(np.ptp(maps["gensim"]), np.ptp(maps["ours"]))
print(f"training-check: mean MAP over {len(SEEDS)} seeds gensim {gensim_mean:.4f}, ours "
      f"{our_mean:.4f}: difference {abs(gensim_mean - our_mean):.4f} (tolerance "
      f"{MAP_TOLERANCE}); largest spread between seeds {spread:.4f}")
if abs(gensim_mean - our_mean) > MAP_TOLERANCE:
    failures.append(f"mean MAP differs by {abs(gensim_mean - our_mean):.4f}")
if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("training-check: OK")
