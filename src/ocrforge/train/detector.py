"""The text detector's training loop: DB loss on random crops of pre-rendered images (and of real
photos and scans, when given), validated by H-mean at IoU 0.5 on whole held-out images: synthetic ones
in fonts never trained on, and the real validation splits given."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ocrforge.data.synth.plates import plate_detection_sample
from ocrforge.data.synth.scenes import TextImage, detection_sample
from ocrforge.detect.boxes import boxes_from_prob
from ocrforge.detect.inputs import resize_for_detection, to_original
from ocrforge.eval.detection import MatchScore, score_image
from ocrforge.models.registry import create
from ocrforge.train.config import DetectorTrainConfig
from ocrforge.train.detection_batches import detection_batches
from ocrforge.train.real_detection import load_real_scenes, read_scene
from ocrforge.train.session import TrainingSession, start_run

# (kind, seed, count): whole images for validation, holdout fonts; seeds below 100 are never trained on.
VALIDATION_SETS = (("scene", 17, 24), ("photo", 18, 8), ("page", 19, 4))
PLATE_VALIDATION_SETS = (("crop", 56, 60), ("car", 57, 20))  # for the plate detector: plates' rows only
VALIDATION_MAX_SIDE = 960


def detect_quads(model: torch.nn.Module, image: np.ndarray, max_side: int = VALIDATION_MAX_SIDE) -> list[np.ndarray]:
    """Word quads for one RGB image with the PyTorch model (validation; the runtime uses ONNX)."""
    resized, scale = resize_for_detection(image, max_side)
    pixels = torch.from_numpy(resized.transpose(2, 0, 1)[None].astype(np.float32)).to(next(model.parameters()).device)
    with torch.no_grad():
        prob = model(pixels)["prob"][0, 0].float().cpu().numpy()
    quads, _ = boxes_from_prob(prob)
    return to_original(quads, model.output_stride, scale)


def validation_images(limit: int | None = None, validation: str = "text") -> dict[str, list[TextImage]]:
    """The synthetic validation images of each kind ("text" or "plates" sets; none for "lines"), at most
    `limit` of each."""
    if validation == "lines":
        return {}
    if validation == "plates":
        return {kind: [plate_detection_sample(seed, i, "holdout", kind) for i in range(min(n, limit or n))]
                for kind, seed, n in PLATE_VALIDATION_SETS}
    if validation != "text":
        raise ValueError(f"validation must be 'text', 'plates' or 'lines', not {validation!r}")
    return {kind: [detection_sample(seed, i, fonts="holdout", kind=kind) for i in range(min(n, limit or n))]
            for kind, seed, n in VALIDATION_SETS}


def real_validation_images(folders: tuple[Path, ...], limit: int | None = None, lines: bool = False) -> dict[str, list[TextImage]]:
    """The images of each real validation folder (at most `limit` of each), named after the folder;
    with `lines`, their text lines are the boxes."""
    sets = {}
    for folder in folders:
        scenes = load_real_scenes(folder, lines)
        sets[scenes.name] = [read_scene(item) for item in scenes.items[:limit]]
    return sets


def _validate(model: torch.nn.Module, val: dict[str, list[TextImage]]) -> dict[str, float]:
    model.eval()
    metrics = {}
    for kind, items in val.items():
        total = MatchScore()
        for item in items:
            total.add(score_image(detect_quads(model, item.image), item.quads, ignore=item.ignore))
        metrics[f"{kind}_hmean"] = round(total.hmean, 4)
        metrics[f"{kind}_recall"] = round(total.recall, 4)
    return metrics


def train_detector(cfg: DetectorTrainConfig) -> dict:
    lines = cfg.validation == "lines"
    if lines and not (cfg.real and cfg.real_val):
        raise ValueError("a line detector (--validation lines) learns from real pages: give --real and --real-val folders")
    real_share = cfg.real_share if cfg.real else 0.0
    if cfg.shards is None and real_share < 1:
        raise ValueError("give --shards, or --real with --real-share 1 to train on real images alone")
    real = [load_real_scenes(folder, lines) for folder in cfg.real]
    start_run(cfg.run)
    model = create(cfg.arch)
    session = TrainingSession(cfg.run, cfg.arch, model, cfg)
    sources = [f"{len(list(cfg.shards.glob('*.npz')))} detection shards in {cfg.shards}"] if real_share < 1 else []
    if real:
        sources.append(f"{real_share:.0%} of crops real" + (" (their text lines)" if lines else "") + ": "
                       + ", ".join(f"{scenes.name} ({len(scenes)} images)" for scenes in real))
    session.describe("; ".join(sources))
    val = validation_images(cfg.val_images, cfg.validation) | real_validation_images(cfg.real_val, cfg.val_images, lines)
    batches = ((batch["images"], batch) for batch in detection_batches(
        cfg.shards, cfg.crop_size, model.output_stride, cfg.run.batch_size, cfg.run.seed + session.state.step,
        cfg.loader_workers, real, real_share))
    return session.run(
        batches, bf16=cfg.run.bf16, desc="train detector",
        validate=lambda: _validate(model, val),
        select=lambda m: float(np.mean([v for k, v in m.items() if k.endswith("_hmean")])),
    )
