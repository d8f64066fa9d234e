"""`ocrforge train recognizer` runs, checkpoints, resumes and exports (a few steps, not real training)."""

import subprocess
import sys

import onnxruntime as ort
import pytest
import torch


def _ocrforge(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocrforge", *args], capture_output=True, text=True, timeout=600)


@pytest.mark.slow
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


def _write_folder_set(folder, seed: int, n: int, upper: bool = False) -> None:
    import cv2

    from ocrforge.data.synth.recipe import CLEAN, sample

    folder.mkdir(parents=True)
    rows = []
    for i in range(n):
        image, text = sample(seed, i, CLEAN)
        cv2.imwrite(str(folder / f"{i}.png"), image)
        rows.append(f"{i}.png\t{text.upper() if upper else text}\n")
    (folder / "labels.tsv").write_text("".join(rows))


@pytest.mark.slow
def test_real_sets_mixed_in_validated_apart_and_a_time_budget_kept(tmp_path):
    _write_folder_set(tmp_path / "scenes", 15, 12)
    _write_folder_set(tmp_path / "receipts", 16, 12, upper=True)
    run = tmp_path / "run"
    done = _ocrforge("train", "recognizer", "--out", str(run), "--batch-size", "8", "--val-size", "8", "--render-workers", "1",
                     "--chunk-size", "32", "--steps", "1000", "--val-every", "2", "--minutes", "0.5",
                     "--real", f"folder:{tmp_path / 'scenes'}", "--real-caseless", f"folder:{tmp_path / 'receipts'}",
                     "--real-share", "0.5", "--real-val", f"folder:{tmp_path / 'scenes'}")
    assert done.returncode == 0, done.stderr[-2000:]
    log = (run / "train.log").read_text()
    assert "50% real: scenes 12, receipts 12 (caseless)" in log
    state = torch.load(run / "last.pt", weights_only=False)
    assert 2 <= state["step"] < 1000 and "minute budget is spent" in log  # stopped by the clock, not the step count
    last = state["history"][-1]
    assert last["step"] == state["step"]  # validated and saved where it stopped
    assert {"scenes_acc", "scenes_alnum", "scenes_cer", "holdout_clean_acc"} <= set(last)


@pytest.mark.slow
def test_kept_state_is_small_and_resumes_as_a_warm_restart(tmp_path):
    run = tmp_path / "run"
    common = ["train", "recognizer", "--out", str(run), "--batch-size", "8", "--val-size", "8", "--render-workers", "1",
              "--chunk-size", "32", "--val-every", "2"]
    assert _ocrforge(*common, "--steps", "2").returncode == 0
    kept = tmp_path / "state" / "crnn-last.pt"
    done = _ocrforge("export", str(run / "last.pt"), "--out", str(kept))
    assert done.returncode == 0, done.stderr[-2000:]
    full, small = (torch.load(p, weights_only=False) for p in (run / "last.pt", kept))
    assert "optimizer" not in small and small["step"] == 2 and small["lineage"] == full["lineage"]
    assert all(v.dtype == torch.float16 for v in small["model"].values() if v.is_floating_point())
    assert kept.stat().st_size < 0.3 * (run / "last.pt").stat().st_size

    resumed_run = tmp_path / "resumed"
    resumed_run.mkdir()
    (resumed_run / "last.pt").write_bytes(kept.read_bytes())
    resumed = _ocrforge(*[a if a != str(run) else str(resumed_run) for a in common], "--steps", "4", "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "resumed at step 2 (warm restart" in (resumed_run / "train.log").read_text()
    assert torch.load(resumed_run / "last.pt", weights_only=False)["step"] == 4
