"""Checkpoint -> ONNX recognizer or detector whose metadata carries everything the runtime needs."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn as nn

from ocrforge.export.half_weights import halve_file
from ocrforge.export.model_card import model_card
from ocrforge.models.registry import create, task_of
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


def _export(module: nn.Module, example: torch.Tensor | tuple, out: Path, output: str | list[str], input_axes: dict,
            output_axes: dict, metadata: dict[str, str], input_names: list[str] | None = None,
            keep_layers: bool = False) -> Path:
    """`module` traced to ONNX at `out` with `metadata`. One input and output by default; several when
    `example` is a tuple and names are lists, their dynamic axes then keyed by name. `keep_layers`: every
    weight stays as the layer named it holds it (batch norms not folded into the convolutions before them,
    which onnxruntime does when it loads the model, at the same speed), so that training can start from
    the file (train/onnx_weights.py)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # The exporter puts a module back in the mode it found it in: a fresh wrapper is in training mode,
    # which would leave the model's batch norms updating their statistics on the next forward pass.
    module.eval()
    inputs = input_names or ["images"]
    outputs = output if isinstance(output, list) else [output]
    axes = {**input_axes, **output_axes} if input_names else {"images": input_axes, outputs[0]: output_axes}
    with warnings.catch_warnings():
        # The LSTM batch-size warning does not apply: no initial state is passed, so any batch size works.
        warnings.filterwarnings("ignore", message=".*LSTM.*")
        # The tracer's shape checks inside nn.LSTM become constants; the parity check covers them.
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        torch.onnx.export(module, example if isinstance(example, tuple) else (example,), str(out), input_names=inputs,
                          output_names=outputs, dynamic_axes=axes, opset_version=17, dynamo=False,
                          do_constant_folding=not keep_layers)
    import onnx

    proto = onnx.load(str(out))
    if keep_layers:
        metadata = metadata | {"weight_aliases": json.dumps(_merged_weights(module, proto))}
    del proto.metadata_props[:]
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(proto, str(out))
    return out


def _merged_weights(module: nn.Module, proto) -> dict[str, str]:
    """The exporter stores equal tensors once (a batch norm still at its initial values, say): for every
    weight of `module` not stored under its own name, the name of the equal one that holds its values."""
    from onnx import numpy_helper

    stored = {init.name: numpy_helper.to_array(init) for init in proto.graph.initializer}
    aliases = {}
    for name, tensor in module.state_dict().items():
        if name in stored or not tensor.is_floating_point():
            continue
        values = tensor.detach().cpu().numpy()
        same = next((other for other, array in stored.items() if array.shape == values.shape and np.array_equal(array, values)), None)
        if same is not None:  # else the reader names the weight missing
            aliases[name] = same
    return aliases


def export_model(model: nn.Module, arch: str, out: Path, extra_metadata: dict[str, str] | None = None) -> Path:
    """A recognizer as ONNX: images (B, 1, input_height, W) -> probs (B, W / stride, classes)."""
    metadata = {
        "arch": arch,
        "task": "recognizer",
        "charset": json.dumps(model.config.charset),
        "blank_index": "0",
        "input_height": str(model.config.input_height),
        "width_stride": str(model.width_stride),
        "preprocessing": PREPROCESSING,
        "model_args": json.dumps(model.model_args()),
        **(extra_metadata or {}),
    }
    example = torch.rand(2, 1, model.config.input_height, 96) * 255
    return _export(_WithSoftmax(model.eval()), example, out, "probs", {0: "batch", 3: "width"}, {0: "batch", 1: "frames"}, metadata,
                   keep_layers=True)


class _AttentionEncoder(nn.Module):
    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, images: torch.Tensor, mask: torch.Tensor):
        return self.model.encode(images, mask)


class _AttentionStep(nn.Module):
    """One decoder step with probabilities out, so the runtime needs no softmax of its own."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.step = model.step

    def forward(self, previous, hidden, memory, keys, mask):
        logits, hidden, weights = self.step(previous, hidden, memory, keys, mask)
        return torch.softmax(logits, dim=1), hidden, weights


def decoder_path(encoder_path: Path) -> Path:
    """Where an attention recognizer's decoder-step graph lies: beside its encoder, `NAME.decoder.onnx`."""
    return encoder_path.with_name(encoder_path.stem + ".decoder.onnx")


def export_attention(model: nn.Module, arch: str, out: Path, extra_metadata: dict[str, str] | None = None) -> Path:
    """An attention recognizer as two ONNX graphs, the loop left to the runtime:
    `out`: images (B, 1, 32, W), mask (B, W/4) -> memory, keys, hidden; and `decoder_path(out)`:
    previous (B,), hidden, memory, keys, mask -> probs (B, V), hidden, attention (B, T)."""
    config = model.config
    metadata = {
        "arch": arch, "task": "recognizer", "decoder": "attention", "decoder_file": decoder_path(out).name,
        "charset": json.dumps(config.charset), "input_height": str(config.input_height),
        "width_stride": str(model.width_stride), "max_length": str(config.max_length),
        "preprocessing": PREPROCESSING, "model_args": json.dumps(model.model_args()), **(extra_metadata or {}),
    }
    model = model.eval()
    images = torch.rand(2, 1, INPUT_HEIGHT, 96) * 255
    mask = torch.ones(2, 96 // model.width_stride)
    _export(_AttentionEncoder(model), (images, mask), out, ["memory", "keys", "hidden"],
            {"images": {0: "batch", 3: "width"}, "mask": {0: "batch", 1: "columns"}},
            {"memory": {0: "batch", 1: "columns"}, "keys": {0: "batch", 1: "columns"}, "hidden": {0: "batch"}},
            metadata, input_names=["images", "mask"])
    with torch.no_grad():
        memory, keys, hidden = model.encode(images, mask)
    previous = torch.full((2,), 1, dtype=torch.long)
    _export(_AttentionStep(model), (previous, hidden, memory, keys, mask), decoder_path(out), ["probs", "hidden_out", "attention"],
            {"previous": {0: "batch"}, "hidden": {0: "batch"}, "memory": {0: "batch", 1: "columns"},
             "keys": {0: "batch", 1: "columns"}, "mask": {0: "batch", 1: "columns"}},
            {"probs": {0: "batch"}, "hidden_out": {0: "batch"}, "attention": {0: "batch", 1: "columns"}},
            metadata, input_names=["previous", "hidden", "memory", "keys", "mask"])
    return out


class _ProbabilityMap(nn.Module):
    """The detector's inference graph: the probability map only; the threshold branch is for training."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.model(images)["prob"]


def export_detector(model: nn.Module, arch: str, out: Path, extra_metadata: dict[str, str] | None = None) -> Path:
    """A detector as ONNX: images (B, 3, H, W) RGB 0..255, H and W multiples of 32 -> prob (B, 1, H/2, W/2)."""
    metadata = {
        "arch": arch,
        "task": "detector",
        "output_stride": str(model.output_stride),
        "size_multiple": str(model.size_multiple),
        "preprocessing": "RGB, pixels 0..255, height and width scaled to multiples of size_multiple",
        "model_args": json.dumps(model.model_args()),
        **(extra_metadata or {}),
    }
    example = torch.rand(1, 3, 128, 160) * 255
    return _export(_ProbabilityMap(model.eval()), example, out, "prob", {0: "batch", 2: "height", 3: "width"},
                   {0: "batch", 2: "map_height", 3: "map_width"}, metadata)


class _DigitGraph(nn.Module):
    """The recurrent attention model's inference graph: every glimpse unrolled, locations from the
    policy's mean, so one run gives the class probabilities and the glimpse path."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.model(images, sample=False)
        return torch.softmax(out["logits"], dim=-1), out["locations"]


def export_digits(model: nn.Module, arch: str, out: Path, extra_metadata: dict[str, str] | None = None) -> Path:
    """A digit model as ONNX: images (B, 1, H, W) 0..255 -> probs (B, classes) for RAM or (B, steps,
    classes) for DRAM, and locations (B, glimpses, 2) in [-1, 1] (x, y)."""
    config = model.config
    height, width = _digit_input_size(model)
    metadata = {
        "arch": arch, "task": "digits", "height": str(height), "width": str(width),
        "patch": str(config.patch), "scales": str(config.scales),
        "preprocessing": ("grayscale, white digit on black, pixels 0..255" if arch == "ram" else
                          "grayscale scaled to fit (aspect kept, border repeated), 1-99 percentile contrast stretch, 0..255"),
        "model_args": json.dumps(model.model_args()), **(extra_metadata or {}),
    }
    example = torch.rand(2, 1, height, width) * 255
    return _export(_DigitGraph(model.eval()), example, out, ["probs", "locations"], {"images": {0: "batch"}},
                   {"probs": {0: "batch"}, "locations": {0: "batch"}}, metadata, input_names=["images"])


def _digit_input_size(model: nn.Module) -> tuple[int, int]:
    config = model.config
    return (config.image_size, config.image_size) if hasattr(config, "image_size") else (config.height, config.width)


def max_abs_difference(model: nn.Module, onnx_path: Path, images: np.ndarray) -> float:
    """Largest difference between PyTorch's and onnxruntime's outputs for `images`."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    with torch.no_grad():
        out = model.eval()(torch.from_numpy(images))
        expected = out["prob"].numpy() if "prob" in out else torch.softmax(out["logits"], dim=-1).numpy()
    got = session.run(None, {"images": images})[0]
    return float(np.abs(expected - got).max())


def attention_difference(model: nn.Module, encoder_path: Path, images: np.ndarray, steps: int = 5) -> float:
    """Largest difference between PyTorch's and onnxruntime's decoder probabilities over the first
    `steps` greedy steps (the same tokens fed to both)."""
    import onnxruntime as ort

    encoder = ort.InferenceSession(str(encoder_path), providers=["CPUExecutionProvider"])
    decoder = ort.InferenceSession(str(decoder_path(encoder_path)), providers=["CPUExecutionProvider"])
    mask = np.ones((images.shape[0], images.shape[3] // model.width_stride), np.float32)
    memory, keys, hidden = encoder.run(None, {"images": images, "mask": mask})
    previous = np.full(images.shape[0], 1, np.int64)
    worst = 0.0
    with torch.no_grad():
        t_memory, t_keys, t_hidden = model.eval().encode(torch.from_numpy(images), torch.from_numpy(mask))
        for _ in range(steps):
            probs, hidden, _ = decoder.run(None, {"previous": previous, "hidden": hidden, "memory": memory, "keys": keys, "mask": mask})
            logits, t_hidden, _ = model.step(torch.from_numpy(previous), t_hidden, t_memory, t_keys, torch.from_numpy(mask))
            worst = max(worst, float(np.abs(torch.softmax(logits, 1).numpy() - probs).max()))
            previous = probs.argmax(1).astype(np.int64)
    return worst


def _smooth_probe(rng: np.random.Generator, n: int, height: int, width: int) -> np.ndarray:
    """(n, 1, height, width) smooth random images in 0..255 for the digit models' parity check: on pixel
    noise a last-bit difference in a glimpse's location samples quite other pixels, and the recurrent
    path carries that on, so noise measures the probe, not the export."""
    coarse = rng.random((n, max(2, height // 8), max(2, width // 8))).astype(np.float32) * 255
    return np.stack([cv2.resize(c, (width, height), interpolation=cv2.INTER_LINEAR) for c in coarse])[:, None]


def export_checkpoint(checkpoint: Path, out: Path, half: bool = True) -> Path:
    """The checkpoint as ONNX at `out` (and its model card beside it), checked against PyTorch; `half`
    stores the weights in half precision (see half_weights.py). The shipped text detector is exported
    without it (`--float32`, weights/dbnet.md says why)."""
    model, state = load_checkpoint(checkpoint)
    # The lineage travels with the model, so that one trained from the file tells its whole history.
    extra = {"training_step": str(state["step"]), "lineage": json.dumps(state.get("lineage", []), default=str)}
    rng = np.random.default_rng(0)
    task = task_of(state["arch"])
    if task == "digits":
        path = export_digits(model, state["arch"], out, extra)
        probe = _smooth_probe(rng, 3, *_digit_input_size(model))
    elif task == "detector":
        path = export_detector(model, state["arch"], out, extra)
        probe = (rng.random((1, 3, 96, 160)) * 255).astype(np.float32)
    elif hasattr(model, "step"):
        path = export_attention(model, state["arch"], out, extra)
        probe = (rng.random((3, 1, INPUT_HEIGHT, 120)) * 255).astype(np.float32)
    else:
        path = export_model(model, state["arch"], out, extra)
        probe = (rng.random((3, 1, model.config.input_height, 120)) * 255).astype(np.float32)
    diff = attention_difference(model, path, probe) if hasattr(model, "step") else max_abs_difference(model, path, probe)
    if diff > 1e-3:
        raise RuntimeError(f"ONNX output differs from PyTorch by {diff:.2e}")
    if half:  # after the parity check: it checks the export, not the rounding of weights
        for graph in (path, decoder_path(path)) if hasattr(model, "step") else (path,):
            halve_file(graph)
    card = model_card(state, path, sum(p.numel() for p in model.parameters()), task, half)
    path.with_suffix(".md").write_text(card, encoding="utf-8")
    return path
