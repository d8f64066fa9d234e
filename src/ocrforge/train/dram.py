"""Training the house-number reader (DRAM) on pre-rendered synthetic house-number shards, and on real
house numbers with digit boxes (SVHN's digitStruct.mat) when a user has them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch

from ocrforge.data.readers import Sample, open_dataset
from ocrforge.data.synth.house_numbers import MAX_DIGITS, house_number, load_house_number_shard
from ocrforge.models.registry import create
from ocrforge.preprocess import cut_around_digits, house_input
from ocrforge.text.digits import END, decode_steps
from ocrforge.train.config import DRAMTrainConfig
from ocrforge.train.session import TrainingSession, model_args_for, start_run

VALIDATION_SEED = 41  # house numbers in holdout fonts, never trained on (training streams use seeds >= 100)
IGNORE = -100  # steps after the end carry no label


def sequence_targets(texts: list[str], boxes: np.ndarray, steps: int, height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Digit strings -> (B, steps) labels (digits, END, then IGNORE) and (B, steps, 2) box centres in
    [-1, 1] (zeros where there is no digit)."""
    labels = np.full((len(texts), steps), IGNORE, np.int64)
    centres = np.zeros((len(texts), steps, 2), np.float32)
    for i, text in enumerate(texts):
        if len(text) >= steps:
            raise ValueError(f"{text!r}: more digits than the model's {steps - 1}")
        labels[i, : len(text)] = [int(c) for c in text]
        labels[i, len(text)] = END
        b = boxes[i, : len(text)]
        centres[i, : len(text), 0] = (b[:, 0] + b[:, 2] / 2) / width * 2 - 1
        centres[i, : len(text), 1] = (b[:, 1] + b[:, 3] / 2) / height * 2 - 1
    return labels, centres


def load_shards(folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    paths = sorted(p for p in Path(folder).glob("house-*.npz") if not p.name.endswith(".tmp.npz"))
    if not paths:
        raise FileNotFoundError(f"no house-number shards (house-*.npz) in {folder}")
    parts = [load_house_number_shard(p) for p in paths]
    images = np.concatenate([p[0] for p in parts])
    return np.stack([house_input(im, *im.shape) for im in images]), np.concatenate([p[1] for p in parts]), np.concatenate([p[2] for p in parts])


def real_house_number(sample: Sample, height: int = 64, width: int = 128) -> tuple[np.ndarray, np.ndarray]:
    """A real photo with digit boxes -> its (height, width) cut around the digits and the (MAX_DIGITS, 4)
    digit boxes in it, NaN past the last digit, as the synthetic shards hold them."""
    if not sample.boxes:
        raise ValueError(f"{sample.source}: no digit boxes; house-number training needs them (svhn_full gives them)")
    if len(sample.text) > MAX_DIGITS:
        raise ValueError(f"{sample.source}: {sample.text!r} has more than {MAX_DIGITS} digits")
    cut, moved = cut_around_digits(sample.image, np.asarray(sample.boxes), height, width)
    boxes = np.full((MAX_DIGITS, 4), np.nan, np.float32)
    boxes[: len(moved)] = moved
    return cut, boxes


def load_real(spec: str, height: int, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(images, texts, boxes) of a set of real house numbers, laid out like the synthetic shards."""
    samples = [s for s in open_dataset(spec) if 0 < len(s.text) <= MAX_DIGITS]
    if not samples:
        raise ValueError(f"--real {spec!r}: no house numbers of 1-{MAX_DIGITS} digits")
    cuts = [real_house_number(s, height, width) for s in samples]
    images = np.stack([house_input(c, height, width) for c, _ in cuts])
    return images, np.array([s.text for s in samples], dtype=f"<U{MAX_DIGITS}"), np.stack([b for _, b in cuts])


def _batches(data: tuple[np.ndarray, np.ndarray, np.ndarray], cfg: DRAMTrainConfig, model_steps: int, session: TrainingSession) -> Iterator[tuple[torch.Tensor, dict]]:
    images, texts, boxes = data
    rng = np.random.default_rng([cfg.run.seed, session.state.step])
    height, width = images.shape[1:]
    while True:
        picks = rng.integers(0, len(images), size=cfg.run.batch_size)
        x = images[picks].astype(np.float32)
        flip = rng.random(cfg.run.batch_size) < 0.15  # polarity the renderer's colours may not cover
        x[flip] = 255.0 - x[flip]
        labels, centres = sequence_targets(list(texts[picks]), boxes[picks], model_steps, height, width)
        fade = max(0.0, 1.0 - session.state.step / max(1.0, cfg.box_guidance * cfg.run.steps))
        yield torch.from_numpy(x[:, None]), {"labels": torch.from_numpy(labels), "centres": torch.from_numpy(centres), "box_weight": fade}


def house_accuracy(model: torch.nn.Module, images: np.ndarray, texts: list[str], batch_size: int = 250) -> float:
    """Share of whole numbers read exactly, with deterministic glimpses."""
    model.eval()
    right = 0
    with torch.no_grad():
        for i in range(0, len(images), batch_size):
            probs = torch.softmax(model(torch.from_numpy(images[i : i + batch_size, None].astype(np.float32)))["logits"], 2)
            right += sum(decode_steps(p)[0] == t for p, t in zip(probs.numpy(), texts[i : i + batch_size]))
    return right / len(images)


def train_dram(cfg: DRAMTrainConfig) -> dict:
    """Train until the run's last step; returns the last validation metrics. Always in float32."""
    start_run(cfg.run)
    model = create("dram", **model_args_for(cfg.run, "dram", cfg.model_args))
    data = load_shards(cfg.shards)
    source = f"{len(data[0]):,} synthetic house numbers from {cfg.shards}"
    if cfg.real:
        real = load_real(cfg.real, model.config.height, model.config.width)
        data = tuple(np.concatenate([a, b]) for a, b in zip(data, real))
        source += f" and {len(real[0]):,} real ones from {cfg.real}"
    val = [house_number(VALIDATION_SEED, i, "holdout") for i in range(cfg.val_size)]
    val_images = np.stack([house_input(v.image, model.config.height, model.config.width) for v in val])
    val_texts = [v.digits for v in val]
    session = TrainingSession(cfg.run, "dram", model, cfg)
    session.describe(source)
    return session.run(
        _batches(data, cfg, model.config.steps, session), bf16=False, desc="train dram",
        validate=lambda: {"val_accuracy": round(house_accuracy(model, val_images, val_texts), 4)},
        select=lambda m: m["val_accuracy"],
    )
