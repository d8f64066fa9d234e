"""A model card written beside each exported model, from what its checkpoint recorded."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from ocrforge.data.synth.recipe import SynthRecipe
from ocrforge.train.loop import VALIDATION_SETS


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.2f} h"


def model_card(state: dict, onnx_path: Path, parameters: int) -> str:
    lineage = state.get("lineage", [])
    lines = [
        f"# {onnx_path.name}",
        "",
        f"- Architecture: `{state['arch']}`, {parameters:,} parameters, ONNX file {onnx_path.stat().st_size / 1e6:.1f} MB.",
        f"- Model arguments: `{ {k: v for k, v in state['model_args'].items() if k != 'charset'} }`",
        "- Input: grayscale crop scaled to 32 px high (width follows the aspect ratio), 1-99 percentile contrast stretch; "
        "output: per-frame probabilities over the CTC blank + 95 printable ASCII characters.",
        f"- Total training: {sum(s.get('steps', 0) - s.get('started_at_step', 0) for s in lineage):,} optimisation steps, "
        f"{_hours(sum(s.get('wall_seconds', 0) for s in lineage))} wall time on a 2-core CPU.",
        "",
        "## How it was trained",
        "",
    ]
    for i, session in enumerate(lineage, 1):
        lines += [
            f"{i}. `{session.get('command', '(not recorded)')}`",
            f"   - steps {session.get('started_at_step', 0)} to {session.get('steps', '?')}, "
            f"{_hours(session.get('wall_seconds', 0))}; data: {session.get('source', 'pre-rendered shards')}",
        ]
    lines += [
        "",
        "## Data recipe",
        "",
        "Synthetic only (`ocrforge.data.synth`), training stream seeds >= 1000, train font split; recipe "
        f"`{asdict(SynthRecipe())}`. Validation sets: "
        + "; ".join(f"{name} (seed {seed}, fonts {recipe.fonts})" for name, seed, recipe in VALIDATION_SETS)
        + ". No real image was trained on.",
        "",
        "## Validation during training (last 5 evaluations)",
        "",
    ]
    history = state.get("history", [])[-5:]
    if history:
        keys = list(history[-1])
        lines += ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
        lines += ["| " + " | ".join(str(h.get(k, "")) for k in keys) + " |" for h in history]
    lines += ["", "Benchmarks against Tesseract and RapidOCR: see the README and `benchmarks/results/`.", ""]
    return "\n".join(lines)
