"""A recognizer's weights read back from its ONNX file, so that training can start from a shipped model
(`train recognizer --init-from handwriting`, fine-tuning it for a collection): the export keeps every
weight under the name of the layer that holds it (export/onnx.py, `keep_layers`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from ocrforge.models.registry import create

WRAPPER = "model."  # the exported graph wraps the recognizer (with its softmax) as `model`
READABLE_ARCHS = ("crnn",)  # exported as one graph; the Attention-OCR's two graphs share its weights


def checkpoint_from_onnx(path: Path) -> dict:
    """What `torch.load` gives of a training checkpoint (arch, model_args, model, step, lineage), from the
    ONNX recognizer at `path`; its weights as stored (half precision for the shipped models)."""
    import onnx
    from onnx import numpy_helper

    try:
        proto = onnx.load(str(path))
    except Exception as err:  # protobuf's DecodeError and friends: a file that is not ONNX
        raise ValueError(f"{path}: cannot read it as ONNX ({err})") from None
    meta = {p.key: p.value for p in proto.metadata_props}
    if meta.get("task") != "recognizer" or meta.get("arch") not in READABLE_ARCHS:
        raise ValueError(f"{path}: training starts from an ocrforge {' or '.join(READABLE_ARCHS)} recognizer, "
                         f"not {meta.get('arch', 'this file')}")
    arrays = {init.name: numpy_helper.to_array(init) for init in proto.graph.initializer}
    # A weight stored in half precision sits behind a Cast back to float32, whose output bears the weight's name.
    arrays |= {node.output[0]: arrays[node.input[0]] for node in proto.graph.node if node.op_type == "Cast" and node.input[0] in arrays}
    stored = {name: torch.from_numpy(array.astype(np.float32)) for name, array in arrays.items()}
    # Equal tensors are stored once (export/onnx.py, _merged_weights): each other name points to the one stored.
    stored |= {name: stored[same] for name, same in json.loads(meta.get("weight_aliases", "{}")).items() if same in stored}
    weights = {name.removeprefix(WRAPPER): tensor for name, tensor in stored.items() if name.startswith(WRAPPER)}
    args = json.loads(meta["model_args"])
    wanted = [k for k in create(meta["arch"], **args).state_dict() if not k.endswith("num_batches_tracked")]
    missing = [k for k in wanted if k not in weights]
    if missing:
        raise ValueError(f"{path}: {len(missing)} of its {len(wanted)} weights are not stored by layer (batch norms "
                         "folded, as exports before 2026-12-07 were); start from its training state (.pt) instead")
    step = int(meta.get("training_step", 0))
    lineage = json.loads(meta.get("lineage", "[]")) or [{"command": f"(exported as {path.name})", "steps": step}]
    return {"arch": meta["arch"], "model_args": args, "model": {k: weights[k] for k in wanted}, "step": step, "lineage": lineage}


def load_parent(path: Path) -> dict:
    """The checkpoint a run starts from (`--init-from`): a training state (.pt) or an exported recognizer (.onnx)."""
    if Path(path).suffix == ".onnx":
        return checkpoint_from_onnx(Path(path))
    return torch.load(path, map_location="cpu", weights_only=False)
