"""`ocrforge train detector` learns on rendered shards, checkpoints, resumes and exports (a few steps only)."""

import subprocess
import sys

import onnxruntime as ort
import pytest
import torch


def _ocrforge(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocrforge", *args], capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_detector_loss_falls_on_a_fixed_batch(tmp_path):
    from ocrforge.data.synth.detection_shards import write_detection_shards
    from ocrforge.models.registry import create
    from ocrforge.train.detection_batches import detection_batches

    write_detection_shards(tmp_path / "shards", seed=300, shards=1, shard_size=4)
    torch.manual_seed(0)
    model = create("dbnet")
    batch = next(detection_batches(tmp_path / "shards", 128, model.output_stride, 4, seed=0, workers=0))
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)
    losses = []
    for _ in range(15):
        loss = model(batch["images"], batch)["loss"]
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]


@pytest.mark.slow
def test_train_resume_export(tmp_path):
    shards = tmp_path / "shards"
    made = _ocrforge("synth", "detection-shards", "--out", str(shards), "--seed", "301", "--shards", "1", "--shard-size", "3")
    assert made.returncode == 0, made.stderr[-2000:]
    run = tmp_path / "run"
    common = ["train", "detector", "--shards", str(shards), "--out", str(run), "--batch-size", "2", "--crop-size", "128",
              "--val-every", "2", "--val-images", "1", "--loader-workers", "0"]
    first = _ocrforge(*common, "--steps", "2")
    assert first.returncode == 0, first.stderr[-2000:]
    resumed = _ocrforge(*common, "--steps", "4", "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    state = torch.load(run / "last.pt", weights_only=False)
    assert state["step"] == 4 and [h["step"] for h in state["history"]] == [2, 4]
    assert {"scene_hmean", "photo_hmean", "page_hmean"} <= set(state["history"][-1])

    exported = _ocrforge("export", str(run / "last.pt"), "--out", str(tmp_path / "det.onnx"))
    assert exported.returncode == 0, exported.stderr[-2000:]
    meta = ort.InferenceSession(str(tmp_path / "det.onnx")).get_modelmeta().custom_metadata_map
    assert meta["task"] == "detector" and meta["output_stride"] == "2"
    assert "scenes 50%" in (tmp_path / "det.md").read_text()


@pytest.mark.slow
def test_plate_detector_trains_on_plate_rows_and_says_so_in_its_card(tmp_path):
    shards = tmp_path / "shards"
    made = _ocrforge("synth", "detection-shards", "--kind", "plates", "--out", str(shards), "--seed", "3601",
                     "--shards", "1", "--shard-size", "3")
    assert made.returncode == 0, made.stderr[-2000:]
    run = tmp_path / "run"
    trained = _ocrforge("train", "detector", "--shards", str(shards), "--out", str(run), "--batch-size", "2", "--crop-size", "128",
                        "--steps", "2", "--val-every", "2", "--val-images", "1", "--loader-workers", "0", "--validation", "plates")
    assert trained.returncode == 0, trained.stderr[-2000:]
    assert {"crop_hmean", "car_hmean"} <= set(torch.load(run / "last.pt", weights_only=False)["history"][-1])
    exported = _ocrforge("export", str(run / "last.pt"), "--out", str(tmp_path / "plate-det.onnx"))
    assert exported.returncode == 0, exported.stderr[-2000:]
    assert "each row of a plate's number boxed" in (tmp_path / "plate-det.md").read_text()


@pytest.mark.slow
def test_real_images_mix_into_training_and_validation_and_the_card_names_them(tmp_path):
    from ocrforge.data.synth.writer import write_scenes

    shards = tmp_path / "shards"
    made = _ocrforge("synth", "detection-shards", "--out", str(shards), "--seed", "302", "--shards", "1", "--shard-size", "2")
    assert made.returncode == 0, made.stderr[-2000:]
    write_scenes(tmp_path / "street", 2, seed=11)  # detection JSON beside each image, as the real sets have
    run = tmp_path / "run"
    common = ["train", "detector", "--shards", str(shards), "--out", str(run), "--batch-size", "2", "--crop-size", "128",
              "--steps", "2", "--val-every", "2", "--val-images", "1", "--loader-workers", "0"]
    trained = _ocrforge(*common, "--real", str(tmp_path / "street"), "--real-val", str(tmp_path / "street"))
    assert trained.returncode == 0, trained.stderr[-2000:]
    assert "street_hmean" in torch.load(run / "last.pt", weights_only=False)["history"][-1]
    exported = _ocrforge("export", str(run / "last.pt"), "--out", str(tmp_path / "det.onnx"))
    assert exported.returncode == 0, exported.stderr[-2000:]
    card = (tmp_path / "det.md").read_text()
    assert "Mixed in (50% of the crops)" in card and f"`{tmp_path / 'street'}` (real)" in card

    (tmp_path / "empty").mkdir()
    refused = _ocrforge(*common, "--real", str(tmp_path / "empty"))
    assert refused.returncode == 2 and "no detection JSON files" in refused.stderr and "Traceback" not in refused.stderr


@pytest.mark.slow
def test_a_line_detector_trains_on_real_pages_alone_and_its_card_says_so(tmp_path):
    from pathlib import Path

    pages = Path(__file__).resolve().parents[1] / "data" / "handwriting_pages"
    run = tmp_path / "run"
    common = ["train", "detector", "--out", str(run), "--batch-size", "2", "--crop-size", "128", "--steps", "2",
              "--val-every", "2", "--loader-workers", "0"]
    trained = _ocrforge(*common, "--validation", "lines", "--real", str(pages), "--real-val", str(pages), "--real-share", "1")
    assert trained.returncode == 0, trained.stderr[-2000:]
    assert set(torch.load(run / "last.pt", weights_only=False)["history"][-1]) >= {"handwriting_pages_hmean"}
    exported = _ocrforge("export", str(run / "last.pt"), "--out", str(tmp_path / "lines.onnx"))
    assert exported.returncode == 0, exported.stderr[-2000:]
    card = (tmp_path / "lines.md").read_text()
    assert "text-line quadrilaterals" in card and "real handwritten pages alone" in card

    no_pages = _ocrforge(*common, "--validation", "lines", "--real-share", "1")
    assert no_pages.returncode == 2 and "give --real and --real-val" in no_pages.stderr
    no_shards = _ocrforge(*common, "--real", str(pages), "--real-share", "0.5")
    assert no_shards.returncode == 2 and "give --shards" in no_shards.stderr and "Traceback" not in no_shards.stderr
