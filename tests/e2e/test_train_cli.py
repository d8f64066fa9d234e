"""`ocrforge train recognizer` runs, checkpoints, resumes and exports (a few steps, not real training)."""

import subprocess
import sys

import onnxruntime as ort
import torch


def _ocrforge(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocrforge", *args], capture_output=True, text=True, timeout=600)


def test_train_resume_export(tmp_path):
    run = tmp_path / "run"
    common = ["train", "recognizer", "--out", str(run), "--batch-size", "8", "--val-size", "8", "--render-workers", "1",
              "--chunk-size", "32"]
    first = _ocrforge(*common, "--steps", "4", "--val-every", "2")
    assert first.returncode == 0, first.stderr[-2000:]
    state = torch.load(run / "last.pt", weights_only=False)
    assert state["step"] == 4 and [h["step"] for h in state["history"]] == [2, 4]

    resumed = _ocrforge(*common, "--steps", "6", "--val-every", "2", "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert torch.load(run / "last.pt", weights_only=False)["step"] == 6
    log = (run / "train.log").read_text()
    assert "resumed at step 4" in log and "step=6" in log

    exported = _ocrforge("export", str(run / "last.pt"), "--out", str(tmp_path / "m.onnx"))
    assert exported.returncode == 0, exported.stderr[-2000:]
    meta = ort.InferenceSession(str(tmp_path / "m.onnx")).get_modelmeta().custom_metadata_map
    assert meta["arch"] == "crnn"
    card = (tmp_path / "m.md").read_text()
    # Both training commands, the first and the resumed one, are in the card with their step ranges.
    assert "--steps 4" in card and "--steps 6 --val-every 2 --resume" in card
    assert "steps 0 to 4" in card and "steps 4 to 6" in card
