#!/usr/bin/env python3
"""Train gensim's PoincareModel and save word2vec text vectors (realistic inputs for eval).

usage: train_gensim.py <relations.tsv> <out.vec> [--dim 10] [--epochs 50] [--seed 0] [--workers 1]
"""
import argparse
import time

from gensim.models.poincare import PoincareModel, PoincareRelations


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("relations")
    parser.add_argument("out")
    parser.add_argument("--dim", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    model = PoincareModel(PoincareRelations(args.relations), size=args.dim, seed=args.seed)
    model.train(epochs=args.epochs)
    model.kv.save_word2vec_format(args.out)
    print("trained %d epochs at dim %d in %.1f s" % (args.epochs, args.dim,
                                                     time.perf_counter() - started))


if __name__ == "__main__":
    main()
