"""What every training run shares: AdamW with warm-up and cosine decay, the run folder's log,
resumable last/best checkpoints, and the lineage of commands that the model card reports."""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from ocrforge.train.config import RunConfig
from ocrforge.train.onnx_weights import load_parent


def start_run(run: RunConfig) -> None:
    """Threads and seed, before the model is made, so that its initial weights follow the seed."""
    torch.set_num_threads(run.threads)
    torch.manual_seed(run.seed)


def model_args_for(run: RunConfig, arch: str, requested: dict) -> dict:
    """The architecture settings to build: a resumed run keeps those of its last.pt; a run started from
    another of the same architecture (`init_from`) takes its settings with `requested` changing some
    (a wider layer, more characters); otherwise `requested`."""
    last = run.out / "last.pt"
    if run.resume and last.exists():
        return torch.load(last, map_location="cpu", weights_only=False)["model_args"]
    if run.init_from is not None:
        parent = load_parent(run.init_from)
        if parent.get("arch") == arch and "model_args" in parent:
            return {**parent["model_args"], **requested}
    return requested


def recorded_config(config: Any) -> dict[str, str]:
    """A trainer's config (its `run` spread out beside its own fields) as the strings the lineage keeps;
    tuples as the str() of a tuple of strings, which the model card reads back with ast.literal_eval."""
    values = {f.name: getattr(config, f.name) for f in fields(config) if f.name != "run"} | asdict(config.run)
    return {k: str(tuple(map(str, v)) if isinstance(v, tuple) else v) for k, v in values.items()}


@dataclass
class TrainState:
    step: int = 0
    best_score: float = -1.0
    history: list[dict] = field(default_factory=list)
    lineage: list[dict] = field(default_factory=list)  # every command that trained these weights, for the model card


def cpu_has_fast_bf16() -> bool:
    """Whether bfloat16 autocast pays here: CPUs with bf16 instructions (AVX512-BF16, AMX) run it
    about 1.7x faster than float32; elsewhere it is emulated and a step takes ~10x longer (measured on
    an AVX2-only EPYC: 5-15 s against 1.1 s a CRNN step)."""
    try:
        flags = Path("/proc/cpuinfo").read_text().split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_device(name: str) -> torch.device:
    """"auto" (a CUDA GPU when there is one, else the CPU), "cpu" or "cuda"; asking for "cuda" where
    there is none is an error, not a silent fall-back to hours on the CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda: no CUDA GPU is visible to torch here")
    if name not in ("cpu", "cuda"):
        raise ValueError(f"--device must be auto, cpu or cuda, not {name!r}")
    return torch.device(name)


def use_bf16(requested: bool, device: torch.device) -> bool:
    """bf16 autocast where it pays: every CUDA GPU torch trains on, CPUs with bf16 instructions."""
    return requested and (device.type == "cuda" or cpu_has_fast_bf16())


def cosine_factor(step: int, warmup: int, steps: int) -> float:
    """Learning-rate multiplier: linear warm-up, then cosine decay to 3%."""
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, steps - warmup))
    return 0.03 + 0.97 * 0.5 * (1 + math.cos(math.pi * progress))


def grown(fresh: torch.Tensor, parent: torch.Tensor, blocks: tuple[int, ...] | None = None) -> torch.Tensor:
    """A layer widened by appending channels, from its parent: the parent's values fill the leading
    block and the old units' inputs from new channels start at zero, so the wider network first
    computes what the parent did; the new units keep their fresh initialisation and learn from there
    (Net2WiderNet, Chen et al. 2016, keeps the function too, but by copying units and splitting their weights).

    `blocks`: how many equal blocks each dimension is made of (an LSTM's four gates along its rows, the two
    directions of the layer below along its inputs), each grown alike; one block per dimension by default."""
    blocks = blocks or (1,) * fresh.dim()
    if (fresh.dim() != parent.dim() or len(blocks) != fresh.dim()
            or any(f < p or f % n or p % n for f, p, n in zip(fresh.shape, parent.shape, blocks))):
        raise ValueError(f"cannot grow a {tuple(parent.shape)} tensor into {tuple(fresh.shape)}")
    # Per dimension, the positions the parent's units keep: the lead of every block.
    kept = [torch.cat([torch.arange(b * f // n, b * f // n + p // n) for b in range(n)])
            for f, p, n in zip(fresh.shape, parent.shape, blocks)]
    out = fresh.detach().clone()
    if out.dim() >= 2:
        added_inputs = torch.ones(out.shape[1], dtype=torch.bool)
        added_inputs[kept[1]] = False
        out[kept[0][:, None], added_inputs.nonzero().flatten()] = 0
    out[torch.meshgrid(*kept, indexing="ij")] = parent
    return out


class TrainingSession:
    """One invocation of a training command: `run` says where and how long; `config` is the trainer's
    whole config, recorded in the lineage."""

    def __init__(self, run: RunConfig, arch: str, model: torch.nn.Module, config: Any) -> None:
        run.out.mkdir(parents=True, exist_ok=True)
        self.run_config = run
        self.device = resolve_device(run.device)
        self.out, self.arch, self.model, self.steps = run.out, arch, model.to(self.device), run.steps
        self.log_file = (run.out / "train.log").open("a")
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=run.lr, weight_decay=run.weight_decay)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, lambda s: cosine_factor(s, run.warmup, run.steps))
        self.state = self._restore(run.resume, run.init_from)
        self.config = recorded_config(config)
        self.record_entry = {"command": "ocrforge " + " ".join(sys.argv[1:]), "config": self.config,
                             "started_at_step": self.state.step, "wall_seconds": 0}
        self.state.lineage.append(self.record_entry)
        self.started = time.time()

    def describe(self, source: str) -> None:
        """Record where the training samples come from (for the model card) and log it with the model's size and config."""
        self.record_entry["source"] = source
        size = sum(p.numel() for p in self.model.parameters())
        self.log(f"{self.arch}: {size:,} parameters, {source}, config {json.dumps(self.config)}")

    def log(self, message: str) -> None:
        print(f"{time.strftime('%F %T')} {message}", file=self.log_file, flush=True)

    def _restore(self, resume: bool, init_from: Path | None) -> TrainState:
        last = self.out / "last.pt"
        if resume and last.exists():
            ckpt = torch.load(last, map_location="cpu", weights_only=False)  # saved on a GPU, resumed anywhere
            self.model.load_state_dict(ckpt["model"])  # half-precision weights (a kept state) are cast back
            self.scheduler.load_state_dict(ckpt["scheduler"])
            if "optimizer" in ckpt:
                self.optimizer.load_state_dict(ckpt["optimizer"])
                self.log(f"resumed at step {ckpt['step']}")
            else:  # a state kept without its optimiser moments (see keep_state): Adam's moments start afresh
                self.log(f"resumed at step {ckpt['step']} (warm restart: no optimiser state kept)")
            return TrainState(ckpt["step"], ckpt["best_score"], ckpt["history"], ckpt.get("lineage", []))
        if init_from is not None:
            parent = load_parent(init_from)
            own = self.model.state_dict()
            # Every tensor whose name and shape match: all of them from the same architecture, the
            # shared encoder from another (a CRNN starting an Attention-OCR).
            shared = {k: v for k, v in parent["model"].items() if k in own and own[k].shape == v.shape}
            # Layers the model lets grow (getattr: most models have none) start as the parent's narrower ones.
            grow = getattr(self.model, "growable", ())
            blocks = getattr(self.model, "growth_blocks", lambda name: None)
            widened = {k: grown(own[k], v, blocks(k)) for k, v in parent["model"].items()
                       if k in own and own[k].shape != v.shape and k.startswith(grow)}
            if not shared and not widened:
                raise ValueError(f"{init_from}: no weights fit a {self.arch} model")
            self.model.load_state_dict(shared | widened, strict=False)
            self.log(f"initialised from {init_from} ({parent.get('arch', '?')}): {len(shared) + len(widened)} of {len(own)} tensors"
                     + (f", {len(widened)} of them widened" if widened else ""))
            # The parent's training stays in the lineage; its step count and schedule do not carry over.
            return TrainState(lineage=parent.get("lineage") or [{"command": "(not recorded)", "steps": parent["step"]}])
        return TrainState()

    def optimise(self, loss: torch.Tensor) -> None:
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 5.0)
        self.optimizer.step()
        self.scheduler.step()
        self.state.step += 1

    @property
    def lr(self) -> float:
        return self.scheduler.get_last_lr()[0]

    def save(self, path: Path) -> None:
        self.record_entry["wall_seconds"] = round(time.time() - self.started)
        self.record_entry["steps"] = self.state.step
        torch.save({
            "arch": self.arch, "model_args": self.model.model_args(), "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(), "scheduler": self.scheduler.state_dict(), **asdict(self.state),
        }, path.with_suffix(".tmp"))
        path.with_suffix(".tmp").rename(path)  # a crash mid-write never leaves a broken checkpoint

    def _measure(self, validate: Callable[[], dict[str, float]], loss: float | None, seen: int, since: float) -> dict:
        return {"step": self.state.step, "loss": None if loss is None else round(loss, 4),
                "crops_per_s": round(seen / max(time.time() - since, 1e-9), 1), **validate()}

    def checkpoint(self, metrics: dict, select: Callable[[dict], float]) -> None:
        """Log a validation, keep it in the history, save last.pt and, when `select` scores it above
        every earlier one, best.pt."""
        selection = select(metrics)
        self.state.history.append(metrics)
        self.log(" ".join(f"{k}={v}" for k, v in metrics.items()))
        if selection > self.state.best_score:
            self.state.best_score = selection
            self.save(self.out / "best.pt")
        self.save(self.out / "last.pt")

    def run(self, batches: Iterator[tuple[torch.Tensor, dict]], *, bf16: bool,
            validate: Callable[[], dict[str, float]], select: Callable[[dict], float], desc: str) -> dict:
        """Optimise on (images, targets) batches until the run's last step, with a validation every
        `val_every` steps and at the end (`select` scores it for best.pt); returns the last validation.
        `bf16` asks for bfloat16 autocast, taken on GPUs and on CPUs that run it natively.
        The run's `minutes` bound the wall time: it ends early, leaving time for the last validation (as
        long as the slowest one so far) and its checkpoints."""
        state, val_every, minutes = self.state, self.run_config.val_every, self.run_config.minutes
        deadline = None if minutes is None else time.time() + 60 * minutes
        validation_seconds = 0.0
        requested, bf16 = bf16, use_bf16(bf16, self.device)
        if requested and not bf16:
            self.log("training in float32: this CPU has no bf16 instructions, so bf16 autocast would be emulated")
        self.record_entry["device"] = str(self.device) + (f" ({torch.cuda.get_device_name(self.device)})" if self.device.type == "cuda" else "")
        self.log(f"training on {self.record_entry['device']}")
        progress = tqdm(total=self.steps, initial=state.step, desc=desc, unit="step", mininterval=5, dynamic_ncols=True)
        started, seen, running = time.time(), 0, None
        while state.step < self.steps:
            if deadline is not None and time.time() + validation_seconds >= deadline:
                self.log(f"stopping at step {state.step}: the {minutes} minute budget is spent")
                if not state.history or state.history[-1]["step"] != state.step:
                    self.checkpoint(self._measure(validate, running, seen, started), select)
                break
            self.model.train()
            images, targets = next(batches)
            images = images.to(self.device, non_blocking=True)
            targets = {k: v.to(self.device, non_blocking=True) if torch.is_tensor(v) else v for k, v in targets.items()}
            with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=bf16):
                loss = self.model(images, targets)["loss"]
            self.optimise(loss)
            seen += images.shape[0]
            running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
            progress.update(1)
            progress.set_postfix(loss=f"{running:.3f}", lr=f"{self.lr:.2e}")
            if state.step % val_every == 0 or state.step == self.steps:
                before = time.time()
                self.checkpoint(self._measure(validate, running, seen, started), select)
                validation_seconds = max(validation_seconds, time.time() - before)
                started, seen = time.time(), 0
        progress.close()
        return state.history[-1] if state.history else {}


def keep_state(checkpoint: Path, out: Path) -> Path:
    """A checkpoint made small enough to commit: the weights in half precision, without the optimiser's
    moments (two more copies of the weights in float32). `--resume` from it continues the step count,
    schedule, history and lineage with fresh moments (a warm restart); `--init-from` takes it as is."""
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    state.pop("optimizer", None)
    state["model"] = {k: v.half() if v.is_floating_point() else v for k, v in state["model"].items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, out.with_suffix(".tmp"))
    out.with_suffix(".tmp").rename(out)
    return out
