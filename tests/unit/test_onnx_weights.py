"""Training started from an exported recognizer (`--init-from MODEL.onnx`, or a shipped one by name): the
file's weights come back by layer, its settings and lineage with them, and the model reads as the file does."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch

from ocrforge.commands.train import _starting_weights
from ocrforge.export.onnx import _export, _WithSoftmax, export_checkpoint
from ocrforge.models.registry import create
from ocrforge.runtime.onnx import shipped_model
from ocrforge.train.config import RecognizerTrainConfig, RunConfig
from ocrforge.train.onnx_weights import checkpoint_from_onnx
from ocrforge.train.session import TrainingSession, model_args_for

ARGS = {"channels": [8, 16, 24, 32, 40], "lstm_hidden": 16, "charset": "abcdefgh "}


def _trained_looking_checkpoint(path: Path) -> Path:
    """A small CRNN with batch-norm statistics of its own (as training leaves them), saved as a run saves it."""
    torch.manual_seed(0)
    model = create("crnn", **ARGS).train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.rand(4, 1, 32, 64) * 255)
    parent_lineage = [{"command": "ocrforge train recognizer --out runs/first", "steps": 40}]
    torch.save({"arch": "crnn", "model_args": model.model_args(), "model": model.state_dict(), "step": 40,
                "best_score": 0.5, "history": [], "lineage": parent_lineage}, path)
    return path


def _run(tmp_path: Path, init_from: Path) -> RunConfig:
    return RunConfig(out=tmp_path / "run", steps=5, batch_size=4, lr=1e-3, val_every=5, warmup=1, weight_decay=0.0,
                     init_from=init_from, device="cpu")


def test_training_starts_from_an_exported_crnn_with_its_settings_and_reads_as_the_file_does(tmp_path):
    onnx_path = export_checkpoint(_trained_looking_checkpoint(tmp_path / "parent.pt"), tmp_path / "parent.onnx")
    run = _run(tmp_path, onnx_path)
    args = model_args_for(run, "crnn", {})  # no --model-args: the file's own settings
    assert tuple(args["channels"]) == tuple(ARGS["channels"]) and args["charset"] == ARGS["charset"]
    model = create("crnn", **args)
    session = TrainingSession(run, "crnn", model, RecognizerTrainConfig(run=run))

    images = (np.random.default_rng(1).random((3, 1, 32, 80)) * 255).astype(np.float32)
    from_file = ort.InferenceSession(str(onnx_path)).run(["probs"], {"images": images})[0]
    with torch.no_grad():
        from_torch = torch.softmax(model.eval()(torch.from_numpy(images))["logits"], -1).numpy()
    assert np.abs(from_file - from_torch).max() < 1e-4
    assert session.state.lineage[0]["command"] == "ocrforge train recognizer --out runs/first"  # the history goes on
    assert session.state.step == 0  # a new schedule, as from any parent


def test_equal_tensors_the_exporter_stores_once_come_back_under_every_name(tmp_path):
    # A fresh CRNN with two stages as wide: their batch norms hold the same initial values.
    model = create("crnn", channels=[8, 8, 16, 16, 16], lstm_hidden=16).eval()
    torch.save({"arch": "crnn", "model_args": model.model_args(), "model": model.state_dict(), "step": 0}, tmp_path / "fresh.pt")
    path = export_checkpoint(tmp_path / "fresh.pt", tmp_path / "fresh.onnx")
    stored = {init.name for init in onnx.load(str(path)).graph.initializer}
    assert "model.features.2.1.weight" not in stored and "model.features.2.1.weight__half" not in stored  # stored once
    parent = checkpoint_from_onnx(path)
    # As stored: in half precision, which rounds the random convolutions a little.
    assert all(torch.allclose(parent["model"][k], v.float(), rtol=1e-3, atol=1e-4) for k, v in model.state_dict().items() if k in parent["model"])
    assert len(parent["model"]) == len([k for k in model.state_dict() if not k.endswith("num_batches_tracked")])


def test_settings_asked_for_change_the_files_and_grow_its_layers(tmp_path):
    onnx_path = export_checkpoint(_trained_looking_checkpoint(tmp_path / "parent.pt"), tmp_path / "parent.onnx")
    run = _run(tmp_path, onnx_path)
    args = model_args_for(run, "crnn", {"lstm_hidden": 24})
    assert args["lstm_hidden"] == 24 and args["charset"] == ARGS["charset"]
    TrainingSession(run, "crnn", create("crnn", **args), RecognizerTrainConfig(run=run))
    assert "17 of them widened" in (tmp_path / "run" / "train.log").read_text()


def test_a_recognizer_exported_with_its_batch_norms_folded_is_refused_naming_the_file(tmp_path):
    kept = export_checkpoint(_trained_looking_checkpoint(tmp_path / "parent.pt"), tmp_path / "kept.onnx")
    metadata = {p.key: p.value for p in onnx.load(str(kept)).metadata_props}
    model = create("crnn", **ARGS).eval()
    folded = _export(_WithSoftmax(model), torch.rand(2, 1, 32, 96) * 255, tmp_path / "folded.onnx", "probs",
                     {0: "batch", 3: "width"}, {0: "batch", 1: "frames"}, metadata, keep_layers=False)
    with pytest.raises(ValueError, match=r"folded\.onnx: .*not stored by layer"):
        checkpoint_from_onnx(folded)


def test_a_file_that_is_not_a_crnn_is_refused_naming_it(tmp_path):
    with pytest.raises(ValueError, match="dbnet.onnx: training starts from an ocrforge crnn recognizer, not dbnet"):
        checkpoint_from_onnx(shipped_model("dbnet.onnx"))
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="junk.onnx: cannot read it as ONNX"):
        checkpoint_from_onnx(junk)


def test_the_shipped_handwriting_recognizer_is_a_starting_point_by_name():
    path = _starting_weights("handwriting")
    assert path == shipped_model("handwriting.onnx")
    parent = checkpoint_from_onnx(path)
    meta = {p.key: p.value for p in onnx.load(str(path)).metadata_props}
    assert parent["model_args"] == json.loads(meta["model_args"]) and len(parent["lineage"]) >= 13
    assert _starting_weights("runs/x/best.pt") == Path("runs/x/best.pt")  # anything else is a path
