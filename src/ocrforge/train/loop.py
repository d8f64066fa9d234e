"""The recognizer training loop: bf16 autocast on CPU, cosine schedule, validation, resumable checkpoints."""

from __future__ import annotations

import json
import math
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from ocrforge.data.synth.recipe import SynthRecipe, sample
from ocrforge.eval.metrics import score
from ocrforge.models.registry import create
from ocrforge.preprocess import batches_by_width, prepare_crop
from ocrforge.text.charset import Charset
from ocrforge.text.ctc import decode_batch, softmax
from ocrforge.train.batches import ShardPool, bucketed_batches, live_chunks, shard_chunks

# Fixed validation sets: (name, seed, recipe). Seeds below 100 are never used for training data.
VALIDATION_SETS = (
    ("mixed", 7, SynthRecipe()),
    ("holdout_clean", 8, SynthRecipe(fonts="holdout", line_fraction=0.0, min_strength=0.0, max_strength=0.0, clean_fraction=1.0)),
    ("holdout_degraded", 9, SynthRecipe(fonts="holdout", line_fraction=0.0, min_strength=0.5, max_strength=1.0, clean_fraction=0.0)),
)


@dataclass
class TrainConfig:
    out: Path  # run folder: checkpoints, log, metrics
    shards: Path | None = None  # folder of pre-rendered shards (ocrforge synth shards); None: render live
    render_workers: int = 2  # worker processes rendering live when there are no shards
    render_seed: int = 1000  # stream seed for live rendering; training seeds are >= 100
    arch: str = "crnn"
    steps: int = 20000
    batch_size: int = 64
    lr: float = 2e-3
    warmup: int = 300
    weight_decay: float = 1e-2
    val_every: int = 1000
    val_size: int = 500
    seed: int = 0
    threads: int = 2
    bf16: bool = True  # bfloat16 autocast: about 1.7x faster on CPUs with AMX/AVX512-BF16
    resume: bool = False
    chunk_size: int = 2048  # samples sorted by width together before being cut into batches
    init_from: Path | None = None  # start from these weights (fine-tuning), not from scratch


def _lr_factor(step: int, cfg: TrainConfig) -> float:
    if step < cfg.warmup:
        return (step + 1) / cfg.warmup
    progress = min(1.0, (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup))
    return 0.03 + 0.97 * 0.5 * (1 + math.cos(math.pi * progress))


def _to_torch(batch: dict) -> tuple[torch.Tensor, dict]:
    targets = {k: torch.from_numpy(batch[k]) for k in ("labels", "label_lengths", "widths")}
    return torch.from_numpy(batch["images"]), targets


def predict(model: torch.nn.Module, crops: list[np.ndarray], charset: Charset, batch_size: int = 64) -> list[str]:
    """Greedy transcription of prepared crops, in their order."""
    texts: list[str] = [""] * len(crops)
    model.eval()
    with torch.no_grad():
        for idx, images, widths in batches_by_width(crops, batch_size):
            probs = softmax(model(torch.from_numpy(images))["logits"].float().numpy())
            for i, decoded in zip(idx, decode_batch(probs, widths, model.width_stride, charset)):
                texts[i] = decoded.text
    return texts


def validation_data(size: int) -> dict[str, tuple[list[np.ndarray], list[str]]]:
    sets = {}
    for name, seed, recipe in VALIDATION_SETS:
        pairs = [sample(seed, i, recipe) for i in range(size)]
        sets[name] = ([prepare_crop(img) for img, _ in pairs], [t for _, t in pairs])
    return sets


@dataclass
class TrainState:
    step: int = 0
    best_score: float = -1.0
    history: list[dict] = field(default_factory=list)
    lineage: list[dict] = field(default_factory=list)  # every command that trained these weights, for the model card


def _restore(cfg: TrainConfig, model: torch.nn.Module, optimizer, scheduler, log) -> TrainState:
    last = cfg.out / "last.pt"
    if cfg.resume and last.exists():
        ckpt = torch.load(last, weights_only=False)
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        scheduler.load_state_dict(ckpt["scheduler"])
        print(f"resumed at step {ckpt['step']}", file=log, flush=True)
        return TrainState(ckpt["step"], ckpt["best_score"], ckpt["history"], ckpt.get("lineage", []))
    if cfg.init_from is not None:
        parent = torch.load(cfg.init_from, map_location="cpu", weights_only=False)
        model.load_state_dict(parent["model"])
        print(f"initialised from {cfg.init_from}", file=log, flush=True)
        # The parent's training stays in the lineage; its step count and schedule do not carry over.
        return TrainState(lineage=parent.get("lineage") or [{"command": "(not recorded)", "steps": parent["step"]}])
    return TrainState()


def _training_chunks(cfg: TrainConfig, step: int, rng: np.random.Generator):
    """Chunks of (crop, text) samples, and a description of where they come from."""
    if cfg.shards is not None:
        pool = ShardPool(cfg.shards)
        return shard_chunks(pool, cfg.chunk_size, rng), f"{len(pool):,} samples in {len(pool.shards)} shards"
    # Resuming continues the stream where it stopped instead of repeating its start.
    first_chunk = step * cfg.batch_size // cfg.chunk_size
    chunks = live_chunks(cfg.render_seed, cfg.chunk_size, cfg.render_workers, first_chunk)
    return chunks, f"live rendering in {cfg.render_workers} workers"


def _validate(model: torch.nn.Module, val: dict, charset: Charset) -> dict[str, float]:
    metrics = {}
    for name, (crops, texts) in val.items():
        s = score(predict(model, crops, charset), texts)
        metrics[f"{name}_acc"] = round(s.word_accuracy, 4)
        metrics[f"{name}_cer"] = round(s.cer, 4)
    return metrics


def train(cfg: TrainConfig) -> dict:
    """Train until cfg.steps; returns the last validation metrics."""
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    cfg.out.mkdir(parents=True, exist_ok=True)
    log = (cfg.out / "train.log").open("a")

    model = create(cfg.arch)
    charset = Charset(model.config.charset)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: _lr_factor(s, cfg))
    state = _restore(cfg, model, optimizer, scheduler, log)
    rng = np.random.default_rng([cfg.seed, state.step])
    chunks, source = _training_chunks(cfg, state.step, rng)
    config = {k: str(v) for k, v in asdict(cfg).items()}
    print(f"{time.strftime('%F %T')} {cfg.arch}: {sum(p.numel() for p in model.parameters()):,} parameters, {source}, "
          f"config {json.dumps(config)}", file=log, flush=True)
    val = validation_data(cfg.val_size)
    batches = bucketed_batches(chunks, charset, cfg.batch_size, rng)
    session = {"command": "ocrforge " + " ".join(sys.argv[1:]), "config": config, "started_at_step": state.step,
               "wall_seconds": 0, "source": source}
    state.lineage.append(session)
    session_start = time.time()

    def save(path: Path) -> None:
        session["wall_seconds"] = round(time.time() - session_start)
        session["steps"] = state.step
        torch.save({
            "arch": cfg.arch, "model_args": model.model_args(), "model": model.state_dict(),
            "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(), **asdict(state),
        }, path.with_suffix(".tmp"))
        path.with_suffix(".tmp").rename(path)  # a crash mid-write never leaves a broken checkpoint

    progress = tqdm(total=cfg.steps, initial=state.step, desc="train", unit="step", mininterval=5, dynamic_ncols=True)
    started, seen, running = time.time(), 0, None
    while state.step < cfg.steps:
        model.train()
        images, targets = _to_torch(next(batches))
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=cfg.bf16):
            loss = model(images, targets)["loss"]
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        scheduler.step()
        state.step += 1
        seen += images.shape[0]
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        progress.update(1)
        progress.set_postfix(loss=f"{running:.3f}", lr=f"{scheduler.get_last_lr()[0]:.2e}")
        if state.step % cfg.val_every == 0 or state.step == cfg.steps:
            metrics = {"step": state.step, "loss": round(running, 4), "crops_per_s": round(seen / (time.time() - started), 1),
                       **_validate(model, val, charset)}
            state.history.append(metrics)
            print(f"{time.strftime('%F %T')} " + " ".join(f"{k}={v}" for k, v in metrics.items()), file=log, flush=True)
            started, seen = time.time(), 0
            # Checkpoint selection weighs the three validation sets equally.
            selection = (metrics["mixed_acc"] + metrics["holdout_clean_acc"] + metrics["holdout_degraded_acc"]) / 3
            if selection > state.best_score:
                state.best_score = selection
                save(cfg.out / "best.pt")
            save(cfg.out / "last.pt")
    progress.close()
    return state.history[-1] if state.history else {}
