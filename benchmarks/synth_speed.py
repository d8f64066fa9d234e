"""How fast the synthetic engine renders, in one process and streamed through worker processes.

    python benchmarks/synth_speed.py --n 2000 --workers 2

Prints images/s for: render only (RGB crops), render + prepare (model-ready 32-px crops),
and the training stream (DataLoader workers, chunks as training consumes them).
"""

from __future__ import annotations

import argparse
import os
import time

from ocrforge.data.synth.recipe import SynthRecipe, sample
from ocrforge.preprocess import prepare_crop
from ocrforge.train.batches import live_chunks

SEED = 77  # any seed: speed does not depend on it


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:.0f} images/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    recipe = SynthRecipe()
    sample(SEED, 0, recipe)  # load the fonts' coverage once, outside the timing

    start = time.perf_counter()
    for i in range(args.n):
        sample(SEED, i, recipe)
    print(f"render, 1 process: {rate(args.n, time.perf_counter() - start)}")

    start = time.perf_counter()
    for i in range(args.n):
        prepare_crop(sample(SEED, i, recipe)[0])
    print(f"render + prepare, 1 process: {rate(args.n, time.perf_counter() - start)}")

    chunk = 250
    stream = live_chunks(SEED, chunk, args.workers)
    next(stream)  # worker start-up is paid once per training run
    start = time.perf_counter()
    for _ in range(args.n // chunk):
        next(stream)
    print(f"training stream, {args.workers} workers: {rate(args.n // chunk * chunk, time.perf_counter() - start)}")


if __name__ == "__main__":
    main()
