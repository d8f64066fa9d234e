"""Checkpoint -> ONNX recognizer whose metadata carries everything the runtime needs."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from ocrforge.export.model_card import model_card
from ocrforge.models.registry import create
from ocrforge.preprocess import INPUT_HEIGHT

# How the runtime must prepare crops; written into the model so it never has to guess.
PREPROCESSING = "grayscale (ITU-R 601 luma), scale to input_height keeping aspect, 1-99 percentile contrast stretch, pad right by repeating the last column; pixels 0..255"


class _WithSoftmax(nn.Module):
    """The exported graph outputs probabilities, so the runtime needs no softmax of its own."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.model(images)["logits"], dim=-1)


def load_checkpoint(path: Path) -> tuple[nn.Module, dict]:
    state = torch.load(path, map_location="cpu", weights_only=False)
    model = create(state["arch"], **state["model_args"])
    model.load_state_dict(state["model"])
    return model.eval(), state


def export_model(model: nn.Module, arch: str, out: Path, extra_metadata: dict[str, str] | None = None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    wrapped = _WithSoftmax(model.eval())
    example = torch.rand(2, 1, INPUT_HEIGHT, 96) * 255
    with warnings.catch_warnings():
        # The LSTM batch-size warning does not apply: no initial state is passed, so any batch size works.
        warnings.filterwarnings("ignore", message=".*LSTM.*")
        # The tracer's shape checks inside nn.LSTM become constants; the parity check below covers them.
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        torch.onnx.export(
            wrapped, (example,), str(out), input_names=["images"], output_names=["probs"],
            dynamic_axes={"images": {0: "batch", 3: "width"}, "probs": {0: "batch", 1: "frames"}},
            opset_version=17, dynamo=False,
        )
    import onnx

    proto = onnx.load(str(out))
    metadata = {
        "arch": arch,
        "charset": json.dumps(model.config.charset),
        "blank_index": "0",
        "input_height": str(model.config.input_height),
        "width_stride": str(model.width_stride),
        "preprocessing": PREPROCESSING,
        "model_args": json.dumps(model.model_args()),
        **(extra_metadata or {}),
    }
    del proto.metadata_props[:]
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(proto, str(out))
    return out


def max_abs_difference(model: nn.Module, onnx_path: Path, images: np.ndarray) -> float:
    """Largest difference between PyTorch's and onnxruntime's probabilities for `images`."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    with torch.no_grad():
        expected = torch.softmax(model.eval()(torch.from_numpy(images))["logits"], dim=-1).numpy()
    got = session.run(["probs"], {"images": images})[0]
    return float(np.abs(expected - got).max())


def export_checkpoint(checkpoint: Path, out: Path) -> Path:
    model, state = load_checkpoint(checkpoint)
    path = export_model(model, state["arch"], out, {"training_step": str(state["step"])})
    probe = (np.random.default_rng(0).random((3, 1, INPUT_HEIGHT, 120)) * 255).astype(np.float32)
    diff = max_abs_difference(model, path, probe)
    if diff > 1e-3:
        raise RuntimeError(f"ONNX output differs from PyTorch by {diff:.2e}")
    card = model_card(state, path, sum(p.numel() for p in model.parameters()))
    path.with_suffix(".md").write_text(card, encoding="utf-8")
    return path
