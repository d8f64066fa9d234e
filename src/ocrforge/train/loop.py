"""The recognizer training loop: bf16 autocast on CPU, cosine schedule, validation, resumable checkpoints."""

from __future__ import annotations

import json
import math
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from ocrforge.data.synth.recipe import SynthRecipe, sample
from ocrforge.eval.metrics import score
from ocrforge.models.registry import create
from ocrforge.preprocess import prepare_crop
from ocrforge.text.charset import Charset
from ocrforge.text.ctc import greedy_decode, softmax
from ocrforge.train.batches import ShardPool, bucketed_batches, live_chunks, make_batch, shard_chunks

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
    order = np.argsort([c.shape[1] for c in crops])
    texts: list[str] = [""] * len(crops)
    model.eval()
    with torch.no_grad():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            batch = make_batch([crops[i] for i in idx], [""] * len(idx), charset)
            logits = model(torch.from_numpy(batch["images"]))["logits"].float().numpy()
            probs = softmax(logits)
            for row, i in enumerate(idx):
                frames = -(-int(batch["widths"][row]) // model.width_stride)
                texts[i] = greedy_decode(probs[row, :frames], charset).text
    return texts


def validation_data(size: int) -> dict[str, tuple[list[np.ndarray], list[str]]]:
    sets = {}
    for name, seed, recipe in VALIDATION_SETS:
        pairs = [sample(seed, i, recipe) for i in range(size)]
        sets[name] = ([prepare_crop(img) for img, _ in pairs], [t for _, t in pairs])
    return sets


def train(cfg: TrainConfig) -> dict:
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    cfg.out.mkdir(parents=True, exist_ok=True)
    log = (cfg.out / "train.log").open("a")
    last, best = cfg.out / "last.pt", cfg.out / "best.pt"

    model = create(cfg.arch)
    charset = Charset(model.config.charset)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: _lr_factor(s, cfg))
    step, best_score, history = 0, -1.0, []
    # What the model card needs: every command that trained these weights, with its wall time.
    lineage: list[dict] = []
    if cfg.resume and last.exists():
        state = torch.load(last, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, best_score, history = state["step"], state["best_score"], state["history"]
        lineage = state.get("lineage", [])
        print(f"resumed at step {step}", file=log, flush=True)

    elif cfg.init_from is not None:
        parent = torch.load(cfg.init_from, map_location="cpu", weights_only=False)
        model.load_state_dict(parent["model"])
        lineage = parent.get("lineage") or [{"command": "(not recorded)", "steps": parent["step"], "history": parent["history"]}]
        print(f"initialised from {cfg.init_from}", file=log, flush=True)

    rng = np.random.default_rng([cfg.seed, step])
    if cfg.shards is not None:
        pool = ShardPool(cfg.shards)
        chunks = shard_chunks(pool, cfg.chunk_size, rng)
        source = f"{len(pool):,} samples in {len(pool.shards)} shards"
    else:
        # Resuming continues the stream where it stopped instead of repeating its start.
        chunks = live_chunks(cfg.render_seed, cfg.chunk_size, cfg.render_workers, first_chunk=step * cfg.batch_size // cfg.chunk_size)
        source = f"live rendering in {cfg.render_workers} workers"
    print(f"{time.strftime('%F %T')} {cfg.arch}: {sum(p.numel() for p in model.parameters()):,} parameters, {source}, "
          f"config {json.dumps({k: str(v) for k, v in asdict(cfg).items()})}", file=log, flush=True)
    val = validation_data(cfg.val_size)
    batches = bucketed_batches(chunks, charset, cfg.batch_size, rng)

    session = {
        "command": "ocrforge " + " ".join(sys.argv[1:]), "config": {k: str(v) for k, v in asdict(cfg).items()},
        "started_at_step": step, "wall_seconds": 0.0, "source": source,
    }
    lineage.append(session)
    session_start = time.time()

    def save(path: Path) -> None:
        session["wall_seconds"] = round(time.time() - session_start)
        session["steps"] = step
        torch.save({
            "lineage": lineage,
            "arch": cfg.arch, "model_args": model.model_args(), "model": model.state_dict(),
            "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
            "step": step, "best_score": best_score, "history": history,
        }, path.with_suffix(".tmp"))
        path.with_suffix(".tmp").rename(path)

    progress = tqdm(total=cfg.steps, initial=step, desc="train", unit="step", mininterval=5, dynamic_ncols=True)
    started, seen, running = time.time(), 0, None
    while step < cfg.steps:
        model.train()
        images, targets = _to_torch(next(batches))
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=cfg.bf16):
            loss = model(images, targets)["loss"]
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        scheduler.step()
        step += 1
        seen += images.shape[0]
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        progress.update(1)
        progress.set_postfix(loss=f"{running:.3f}", lr=f"{scheduler.get_last_lr()[0]:.2e}")
        if step % cfg.val_every == 0 or step == cfg.steps:
            metrics = {"step": step, "loss": round(running, 4), "crops_per_s": round(seen / (time.time() - started), 1)}
            for name, (crops, texts) in val.items():
                s = score(predict(model, crops, charset), texts)
                metrics[f"{name}_acc"] = round(s.word_accuracy, 4)
                metrics[f"{name}_cer"] = round(s.cer, 4)
            history.append(metrics)
            print(f"{time.strftime('%F %T')} " + " ".join(f"{k}={v}" for k, v in metrics.items()), file=log, flush=True)
            started, seen = time.time(), 0
            selection = (metrics["mixed_acc"] + metrics["holdout_clean_acc"] + metrics["holdout_degraded_acc"]) / 3
            if selection > best_score:
                best_score = selection
                save(best)
            save(last)
    progress.close()
    return history[-1] if history else {}
