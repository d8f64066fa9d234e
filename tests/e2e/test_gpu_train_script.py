"""scripts/gpu_train.sh, the one command for the lent GPU machine, end to end on the CPU (the same code
path with DEVICE=cpu): a font bundle and packed real crops built by the repo's scripts, a one-minute
budget, and a kept state that loads, resumes and exports; and the handwriting recognizer's run, started
from an exported model."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from ocrforge.data.readers.folder import write_folder
from ocrforge.data.synth.recipe import CLEAN, sample

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=900, cwd=REPO, env={**os.environ, **(env or {})})
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-3000:])
    return done


def _tiny_state(tmp_path: Path) -> Path:
    """A small CRNN's state, kept as the repo keeps its own."""
    tiny = tmp_path / "tiny"
    _run(sys.executable, "-m", "ocrforge", "train", "recognizer", "--out", str(tiny), "--steps", "2", "--val-every", "2",
         "--val-size", "4", "--batch-size", "4", "--render-workers", "1", "--chunk-size", "16",
         "--model-args", '{"channels": [8, 8, 16, 16, 16], "lstm_hidden": 16}')
    _run(sys.executable, "-m", "ocrforge", "export", str(tiny / "last.pt"), "--out", str(tmp_path / "state.pt"))
    return tmp_path / "state.pt"


@pytest.mark.slow
def test_gpu_command_on_the_cpu_with_a_one_minute_budget(tmp_path):
    bundle = tmp_path / "gpu"
    _run(sys.executable, "scripts/build_font_bundle.py", "--out", str(bundle / "fonts"), "--packages", "1", "--per-package", "1")
    write_folder(tmp_path / "scenes", (sample(17, i, CLEAN) for i in range(16)))
    write_folder(tmp_path / "receipts", ((img, text.upper()) for img, text in (sample(18, i, CLEAN) for i in range(16))))
    _run(sys.executable, "scripts/pack_real_crops.py", "--out", str(bundle / "real"), "--set", f"scenes=folder:{tmp_path / 'scenes'}",
         "--caseless", f"receipts=folder:{tmp_path / 'receipts'}", "--jpeg", "75")  # as build_gpu_bundle.sh packs them
    _run(sys.executable, "scripts/pack_real_crops.py", "--out", str(bundle / "val"), "--set", f"scenes=folder:{tmp_path / 'scenes'}")
    assert (bundle / "real" / "receipts" / "caseless").exists() and not (bundle / "real" / "scenes" / "caseless").exists()
    assert len(list((bundle / "real" / "scenes").glob("*.jpg"))) == 16

    state = _tiny_state(tmp_path)
    out = tmp_path / "out"
    env = {"OUT": str(out), "GPU_BUNDLE": str(bundle), "STATE": str(state), "DEVICE": "cpu",
           "BATCH": "8", "WORKERS": "1", "STEPS": "100000"}
    _run("bash", "scripts/gpu_train.sh", "0.5", "--val-size", "8", "--val-every", "4", "--chunk-size", "32", env=env)

    log = (out / "train.log").read_text()
    assert "training on cpu" in log and "resumed at step 2 (warm restart" in log and "minute budget is spent" in log
    assert "scenes 16, receipts 16 (caseless)" in log
    kept = torch.load(out / "crnn-last.pt", weights_only=False)
    assert kept["step"] > 2 and "optimizer" not in kept
    assert "scenes_alnum" in (out / "validation.md").read_text()
    _run(sys.executable, "-m", "ocrforge", "export", str(out / "crnn-last.pt"), "--out", str(tmp_path / "m.onnx"))
    assert (tmp_path / "m.onnx").stat().st_size > 0


@pytest.mark.slow
def test_gpu_command_trains_handwritten_lines_from_an_exported_model(tmp_path):
    bundle = tmp_path / "gpu-handwriting"
    _run(sys.executable, "scripts/build_font_bundle.py", "--out", str(bundle / "fonts"), "--packages", "1", "--per-package", "1")
    write_folder(tmp_path / "lines", (sample(19, i, CLEAN) for i in range(12)))
    _run(sys.executable, "scripts/pack_real_crops.py", "--out", str(bundle / "real"), "--charset", "latin", "--jpeg", "75",
         "--handwritten", f"hands=folder:{tmp_path / 'lines'}")  # as build_gpu_bundle.sh packs them (SETS=handwriting)
    _run(sys.executable, "scripts/pack_real_crops.py", "--out", str(bundle / "val"), "--set", f"hands=folder:{tmp_path / 'lines'}")
    assert (bundle / "real" / "hands" / "handwritten").exists()
    model = tmp_path / "model.onnx"
    _run(sys.executable, "-m", "ocrforge", "export", str(_tiny_state(tmp_path)), "--out", str(model))

    out = tmp_path / "out"
    env = {"OUT": str(out), "GPU_BUNDLE": str(bundle), "STATE": str(model), "DEVICE": "cpu", "BATCH": "8", "WORKERS": "1"}
    _run("bash", "scripts/gpu_train.sh", "0.3", "--validation", "lines", "--real-share", "0.8", "--val-size", "8",
         "--val-every", "4", "--chunk-size", "32", env=env)

    log = (out / "train.log").read_text()
    assert f"initialised from {model} (crnn)" in log and "80% real: hands 12 (handwritten)" in log
    kept = torch.load(out / "crnn-last.pt", weights_only=False)
    assert kept["step"] > 0 and kept["model_args"]["lstm_hidden"] == 16  # the exported model's settings
    assert "hands_cer" in (out / "validation.md").read_text()
