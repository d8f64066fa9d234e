"""Write the engine's output to disk: crops + labels.tsv or scenes + word boxes to look at, or training shards."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
from tqdm import tqdm

from ocrforge.data.readers.boxes import save_boxes
from ocrforge.data.synth.recipe import ARCHED, CLEAN, DEGRADED, TRAINING, SynthRecipe, sample_with_face
from ocrforge.data.synth.scenes import detection_sample
from ocrforge.data.synth.shards import render_shard, save_shard
from ocrforge.text.escape import escape

PRESETS = {"mixed": SynthRecipe(), "training": TRAINING, "clean": CLEAN, "degraded": DEGRADED, "arched": ARCHED}


def write_samples(out: Path, n: int, seed: int, preset: str = "mixed", fonts: str = "train") -> None:
    """n crops as PNG with labels.tsv (name, escaped text) and faces.tsv (name, font package, font file)."""
    recipe = replace(PRESETS[preset], fonts=fonts)
    out.mkdir(parents=True, exist_ok=True)
    width = len(str(n - 1))
    with (out / "labels.tsv").open("w", encoding="utf-8") as labels, (out / "faces.tsv").open("w", encoding="utf-8") as faces:
        for i in tqdm(range(n), desc="render", unit="img"):
            image, text, face = sample_with_face(seed, i, recipe)
            name = f"{i:0{width}d}.png"
            cv2.imwrite(str(out / name), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
            labels.write(f"{name}\t{escape(text)}\n")
            faces.write(f"{name}\t{face.package}\t{Path(face.path).name}\n")


def write_shards(out: Path, seed: int, shards: int, shard_size: int, first: int = 0, kind: str = "words") -> None:
    out.mkdir(parents=True, exist_ok=True)
    for k in tqdm(range(first, first + shards), desc="shards", unit="shard"):
        path = out / f"seed{seed}-{k:05d}.npz"
        if not path.exists():  # rerunning the same command completes a stream, never rewrites it
            save_shard(render_shard(seed, k * shard_size, shard_size, kind), path)


def write_scenes(out: Path, n: int, seed: int, kind: str | None = None, fonts: str = "train") -> None:
    """Images + one JSON of word boxes per image, in the detection format of ../shared/data (see data/readers/boxes.py)."""
    out.mkdir(parents=True, exist_ok=True)
    width = len(str(n - 1))
    for i in tqdm(range(n), desc="render", unit="img"):
        item = detection_sample(seed, i, fonts, kind)
        name = f"{i:0{width}d}.png"
        cv2.imwrite(str(out / name), cv2.cvtColor(item.image, cv2.COLOR_RGB2BGR))
        save_boxes(out / f"{i:0{width}d}.json", name, item.image.shape, item.quads, item.texts)
