"""The one run config every trainer takes (recognizer, detector, RAM, DRAM), and each trainer's defaults.
Kept free of torch: the command line reads the defaults without loading it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RunDefaults:
    """What a trainer runs with unless told otherwise."""

    steps: int
    batch_size: int
    lr: float  # peak learning rate, after `warmup` steps; cosine decay to the last step
    val_every: int  # validate, and save last.pt (and best.pt), every this many steps
    warmup: int
    weight_decay: float


RECOGNIZER = RunDefaults(steps=20000, batch_size=64, lr=2e-3, val_every=1000, warmup=300, weight_decay=1e-2)
DETECTOR = RunDefaults(steps=6000, batch_size=8, lr=2e-3, val_every=500, warmup=200, weight_decay=1e-4)
RAM = RunDefaults(steps=20000, batch_size=128, lr=1e-3, val_every=1000, warmup=200, weight_decay=1e-4)
DRAM = RunDefaults(steps=20000, batch_size=64, lr=1e-3, val_every=1000, warmup=300, weight_decay=1e-4)


@dataclass(frozen=True)
class RunConfig(RunDefaults):
    """What every training run is given, whatever it trains (recognizer, detector, RAM, DRAM): a trainer's
    defaults, or the values given instead, and where it writes, runs and how long it may take."""

    out: Path  # run folder: checkpoints, log, metrics
    seed: int = 0
    threads: int = 2
    bf16: bool = True  # bfloat16 autocast, taken on GPUs and where the CPU has bf16 instructions (TrainingSession.run)
    resume: bool = False  # continue from out/last.pt
    init_from: Path | None = None  # start from these weights (fine-tuning), not from scratch
    minutes: float | None = None  # wall-clock budget: validate and save before it runs out, whatever the step
    device: str = "auto"  # "auto" (a CUDA GPU when there is one), "cpu" or "cuda"
