"""Write the engine's output to disk: images + labels.tsv to look at, or training shards."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
from tqdm import tqdm

from ocrforge.data.synth.recipe import CLEAN, DEGRADED, SynthRecipe, sample
from ocrforge.data.synth.shards import render_shard, save_shard
from ocrforge.text.escape import escape

PRESETS = {"mixed": SynthRecipe(), "clean": CLEAN, "degraded": DEGRADED}


def write_samples(out: Path, n: int, seed: int, preset: str = "mixed", fonts: str = "train") -> None:
    recipe = replace(PRESETS[preset], fonts=fonts)
    out.mkdir(parents=True, exist_ok=True)
    width = len(str(n - 1))
    with (out / "labels.tsv").open("w", encoding="utf-8") as labels:
        for i in tqdm(range(n), desc="render", unit="img"):
            image, text = sample(seed, i, recipe)
            name = f"{i:0{width}d}.png"
            cv2.imwrite(str(out / name), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
            labels.write(f"{name}\t{escape(text)}\n")


def write_shards(out: Path, seed: int, shards: int, shard_size: int, first: int = 0) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for k in tqdm(range(first, first + shards), desc="shards", unit="shard"):
        path = out / f"seed{seed}-{k:05d}.npz"
        if not path.exists():  # rerunning the same command completes a stream, never rewrites it
            save_shard(render_shard(seed, k * shard_size, shard_size, SynthRecipe()), path)
