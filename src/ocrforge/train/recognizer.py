"""The recognizer training loop: bf16 autocast where the CPU has it, cosine schedule, validation, resumable checkpoints."""

from __future__ import annotations

import numpy as np
import torch

from ocrforge.data.synth.recipe import SynthRecipe, sample
from ocrforge.eval.metrics import score
from ocrforge.models.registry import create
from ocrforge.preprocess import batches_by_width, prepare_crop
from ocrforge.text.charset import Charset
from ocrforge.text.ctc import decode_batch, softmax
from ocrforge.train.batches import ShardPool, at_height, bucketed_batches, live_chunks, shard_chunks
from ocrforge.train.config import RecognizerTrainConfig
from ocrforge.train.real import RealMix, load_real
from ocrforge.train.session import TrainingSession, model_args_for, start_run

# Fixed validation sets: (name, seed, recipe). Seeds below 100 are never used for training data.
VALIDATION_SETS = (
    ("mixed", 7, SynthRecipe()),
    ("holdout_clean", 8, SynthRecipe(fonts="holdout", line_fraction=0.0, min_strength=0.0, max_strength=0.0, clean_fraction=1.0)),
    ("holdout_degraded", 9, SynthRecipe(fonts="holdout", line_fraction=0.0, min_strength=0.5, max_strength=1.0, clean_fraction=0.0)),
)
# The plate recognizer is validated on plate rows: faces it trains on, and faces it never sees.
PLATE_VALIDATION_SETS = (("plates", 20, "train"), ("plates_holdout", 21, "holdout"))
def _to_torch(batch: dict) -> tuple[torch.Tensor, dict]:
    targets = {k: torch.from_numpy(batch[k]) for k in ("labels", "label_lengths", "widths", "caseless")}
    return torch.from_numpy(batch["images"]), targets


def predict(model: torch.nn.Module, crops: list[np.ndarray], charset: Charset, batch_size: int = 64) -> list[str]:
    """Greedy transcription of prepared crops, in their order."""
    texts: list[str] = [""] * len(crops)
    model.eval()
    device = next(model.parameters()).device
    with torch.no_grad():
        for idx, images, widths in batches_by_width(crops, batch_size):
            out = model(torch.from_numpy(images).to(device), widths=torch.from_numpy(widths).to(device))
            if "tokens" in out:  # an attention decoder: tokens up to <eos>
                readings = [model.tokenizer.decode(row) for row in out["tokens"].cpu().numpy()]
            else:  # CTC frames
                probs = softmax(out["logits"].float().cpu().numpy())
                readings = [d.text for d in decode_batch(probs, widths, model.width_stride, charset)]
            for i, text in zip(idx, readings):
                texts[i] = text
    return texts


def validation_data(size: int, kind: str = "words", height: int = 32) -> dict[str, tuple[list[np.ndarray], list[str]]]:
    """The fixed validation sets for `kind` ("words" or "plates"), `size` samples each, prepared at `height`;
    none for "lines" (handwriting), which the real validation sets alone judge."""
    if kind == "lines":
        return {}
    if kind == "plates":
        from ocrforge.data.synth.plates import plate_crop

        makers = {name: (lambda i, seed=seed, split=split: plate_crop(seed, i, split)) for name, seed, split in PLATE_VALIDATION_SETS}
    elif kind == "words":
        makers = {name: (lambda i, seed=seed, recipe=recipe: sample(seed, i, recipe)) for name, seed, recipe in VALIDATION_SETS}
    else:
        raise ValueError(f"validation must be 'words', 'plates' or 'lines', not {kind!r}")
    sets = {}
    for name, make in makers.items():
        pairs = [make(i) for i in range(size)]
        sets[name] = ([prepare_crop(img, height) for img, _ in pairs], [t for _, t in pairs])
    return sets


def real_validation_data(specs: tuple[str, ...], size: int, charset: Charset,
                         height: int = 32) -> dict[str, tuple[list[np.ndarray], list[str]]]:
    """The first `size` crops of each real set (KIND:PATH), under its folder's name, prepared at `height`."""
    sources = [load_real(spec, charset, limit=size) for spec in specs]
    return {s.name: ([prepare_crop(img, height) for img in s.images], s.texts) for s in sources}


def _training_chunks(cfg: RecognizerTrainConfig, step: int, rng: np.random.Generator):
    """Chunks of (crop, text) samples, and a description of where they come from."""
    if cfg.shards is not None:
        pool = ShardPool(cfg.shards)
        return shard_chunks(pool, cfg.chunk_size, rng), f"{len(pool):,} samples in {len(pool.shards)} shards"
    # Resuming continues the stream where it stopped instead of repeating its start.
    first_chunk = step * cfg.run.batch_size // cfg.chunk_size
    chunks = live_chunks(cfg.render_seed, cfg.chunk_size, cfg.render_workers, first_chunk)
    return chunks, f"live rendering in {cfg.render_workers} workers"


def _with_real(cfg: RecognizerTrainConfig, chunks, source: str, charset: Charset, rng: np.random.Generator, height: int):
    """The synthetic chunks with cfg.real_share of each replaced by real crops, when real sets are given."""
    specs = ([(spec, False, False) for spec in cfg.real] + [(spec, True, False) for spec in cfg.real_caseless]
             + [(spec, False, True) for spec in cfg.real_handwritten])
    if not specs:
        return chunks, source
    mix = RealMix([load_real(spec, charset, caseless, handwritten=hand) for spec, caseless, hand in specs], cfg.real_share, height)
    sets = ", ".join(f"{s.name} {len(s):,}{' (caseless)' if s.caseless else ''}{' (handwritten)' if s.handwritten else ''}"
                     for s in mix.sources)
    return mix.mixed(chunks, rng), f"{source}; {cfg.real_share:.0%} real: {sets}"


def _validate(model: torch.nn.Module, val: dict, charset: Charset, real_names: set[str]) -> dict[str, float]:
    """Exact accuracy and CER of every set; for real sets also the scene-text protocol's case-insensitive
    alphanumeric accuracy (`_alnum`), which is what checkpoint selection weighs for them."""
    metrics = {}
    for name, (crops, texts) in val.items():
        s = score(predict(model, crops, charset), texts)
        metrics[f"{name}_acc"] = round(s.word_accuracy, 4)
        if name in real_names:
            metrics[f"{name}_alnum"] = round(s.word_accuracy_alnum, 4)
        metrics[f"{name}_cer"] = round(s.cer, 4)
    return metrics


def selection_score(metrics: dict, val: dict, real_names: set[str], kind: str) -> float:
    """The mean over validation sets, each weighed equally: for "lines" one minus the character error rate (a
    whole handwritten line is rarely read exactly), else alphanumeric accuracy for real sets, exact for synthetic."""
    if kind == "lines":
        return float(np.mean([1 - metrics[f"{name}_cer"] for name in val]))
    return float(np.mean([metrics[f"{name}_alnum" if name in real_names else f"{name}_acc"] for name in val]))


def train_recognizer(cfg: RecognizerTrainConfig) -> dict:
    """Train until the run's last step; returns the last validation metrics."""
    start_run(cfg.run)
    model = create(cfg.arch, **model_args_for(cfg.run, cfg.arch, cfg.model_args))
    charset = Charset(model.config.charset)
    session = TrainingSession(cfg.run, cfg.arch, model, cfg)
    rng = np.random.default_rng([cfg.run.seed, session.state.step])
    height = model.config.input_height
    synthetic, source = _training_chunks(cfg, session.state.step, rng)
    chunks, source = _with_real(cfg, at_height(synthetic, height), source, charset, rng, height)
    session.describe(source)
    if cfg.validation == "lines" and not cfg.real_val:
        raise ValueError("--validation lines is judged by real validation sets alone: give at least one --real-val")
    real_val = real_validation_data(cfg.real_val, cfg.val_size, charset, height)
    val, real_names = validation_data(cfg.val_size, cfg.validation, height) | real_val, set(real_val)
    batches = (_to_torch(batch) for batch in bucketed_batches(chunks, charset, cfg.run.batch_size, rng))
    return session.run(
        batches, bf16=cfg.run.bf16, desc="train",
        validate=lambda: _validate(model, val, charset, real_names),
        select=lambda m: selection_score(m, val, real_names, cfg.validation),
    )
