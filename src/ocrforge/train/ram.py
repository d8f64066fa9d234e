"""Training the recurrent attention model on MNIST-style digits (centred, translated or cluttered)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch

from ocrforge.data.mnist_variants import VARIANT_SIZE, VARIANTS, load_digits, training_batch, variant_set
from ocrforge.data.readers import open_dataset
from ocrforge.models.registry import create
from ocrforge.train.config import RAMTrainConfig
from ocrforge.train.session import TrainingSession, model_args_for, start_run

VALIDATION_SHARE = 0.1  # of the training digits, held out to pick the best checkpoint
VALIDATION_SEED = 11  # places the held-out digits for the translated/cluttered variants


def split_digits(images: np.ndarray, labels: np.ndarray, seed: int) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """(train, validation): a fixed random tenth held out for checkpoint selection."""
    order = np.random.default_rng(seed).permutation(len(images))
    n_val = max(1, int(len(images) * VALIDATION_SHARE))
    val, train = order[:n_val], order[n_val:]
    return (images[train], labels[train]), (images[val], labels[val])


def digit_error(model: torch.nn.Module, images: np.ndarray, labels: np.ndarray, batch_size: int = 500) -> float:
    """Share of `images` ((N, S, S) uint8) whose class the model gets wrong, with deterministic glimpses."""
    model.eval()
    wrong = 0
    with torch.no_grad():
        for i in range(0, len(images), batch_size):
            x = torch.from_numpy(images[i : i + batch_size, None].astype(np.float32))
            wrong += int((model(x)["logits"].argmax(1).numpy() != labels[i : i + batch_size]).sum())
    return wrong / len(images)


def _batches(images: np.ndarray, labels: np.ndarray, cfg: RAMTrainConfig, step: int) -> Iterator[tuple[torch.Tensor, dict]]:
    rng = np.random.default_rng([cfg.run.seed, step])
    while True:
        x, y = training_batch(images, labels, cfg.variant, cfg.run.batch_size, rng)
        yield torch.from_numpy(x), {"labels": torch.from_numpy(y)}


def train_ram(cfg: RAMTrainConfig) -> dict:
    """Train until the run's last step; returns the last validation metrics. Always in float32."""
    if cfg.variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, not {cfg.variant!r}")
    start_run(cfg.run)
    (train_x, train_y), (val_x, val_y) = split_digits(*load_digits(open_dataset(cfg.data)), seed=cfg.run.seed)
    val_x = variant_set(val_x, cfg.variant, VALIDATION_SEED)
    model = create("ram", **model_args_for(cfg.run, "ram", {**cfg.model_args, "image_size": VARIANT_SIZE[cfg.variant]}))
    session = TrainingSession(cfg.run, "ram", model, cfg)
    session.describe(f"{len(train_x):,} training digits from {cfg.data} ({len(val_x):,} held out), variant {cfg.variant}")
    return session.run(
        _batches(train_x, train_y, cfg, session.state.step), bf16=False, desc="train ram",
        validate=lambda: {"val_error": round(digit_error(model, val_x, val_y), 4)},
        select=lambda m: -m["val_error"],
    )
