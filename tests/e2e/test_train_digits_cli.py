"""`ocrforge train ram` and `ocrforge train house-numbers` run, export, and the exports read (a few steps, not real training)."""

from __future__ import annotations

import gzip
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

TINY_RAM = '{"hidden": 32, "glimpses": 2}'
TINY_DRAM = '{"hidden": 32}'


def _ocrforge(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocrforge", *args], capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_train_ram_then_export_reads_a_digit(tmp_path):
    rng = np.random.default_rng(0)
    rows = [",".join(map(str, [*rng.integers(0, 256, 784), i % 10])) for i in range(40)]
    data = tmp_path / "digits.csv.gz"
    data.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode()))
    run = tmp_path / "ram"
    trained = _ocrforge("train", "ram", "--data", f"mnist_csv:{data}", "--variant", "translated", "--out", str(run),
                        "--steps", "3", "--val-every", "3", "--batch-size", "8", "--model-args", TINY_RAM)
    assert trained.returncode == 0, trained.stderr[-2000:]
    state = torch.load(run / "last.pt", weights_only=False)
    assert state["step"] == 3 and state["model_args"]["image_size"] == 60  # the variant sets the input size
    exported = _ocrforge("export", str(run / "last.pt"), "--out", str(tmp_path / "ram.onnx"))
    assert exported.returncode == 0, exported.stderr[-2000:]
    Image.fromarray(np.pad(np.full((20, 8), 255, np.uint8), 20)).save(tmp_path / "one.png")
    read = _ocrforge("digits", "--model", str(tmp_path / "ram.onnx"), "--json", str(tmp_path / "one.png"))
    assert read.returncode == 0, read.stderr[-2000:]
    assert '"digits"' in read.stdout and "translated" in (tmp_path / "ram.md").read_text()


@pytest.mark.slow
def test_train_house_numbers_with_real_svhn_numbers_then_export_reads(tmp_path, write_digit_struct):
    shards = tmp_path / "shards"
    made = _ocrforge("synth", "house-numbers", "--out", str(shards), "--shards", "1", "--shard-size", "16", "--seed", "300")
    assert made.returncode == 0, made.stderr[-2000:]
    # SVHN has a few numbers longer than the model's 5 digits: those are left out of training.
    svhn = tmp_path / "svhn"
    svhn.mkdir()
    for name in ("1.png", "2.png", "3.png"):
        Image.fromarray(np.full((80, 120, 3), 180, np.uint8)).save(svhn / name)
    write_digit_struct(svhn / "digitStruct.mat", [
        ("1.png", [(30, 20, 15, 30, 1), (50, 20, 15, 30, 10)]),
        ("2.png", [(40, 25, 20, 35, 7)]),
        ("3.png", [(x, 20, 10, 30, 4) for x in range(5, 100, 16)]),
    ])
    run = tmp_path / "dram"
    trained = _ocrforge("train", "house-numbers", "--shards", str(shards), "--real", f"svhn_full:{svhn / 'digitStruct.mat'}",
                        "--out", str(run), "--steps", "3", "--val-every", "3", "--val-size", "8", "--batch-size", "8",
                        "--model-args", TINY_DRAM)
    assert trained.returncode == 0, trained.stderr[-2000:]
    assert "16 synthetic house numbers" in (run / "train.log").read_text()
    assert "and 2 real ones from svhn_full:" in (run / "train.log").read_text()
    exported = _ocrforge("export", str(run / "last.pt"), "--out", str(tmp_path / "house.onnx"))
    assert exported.returncode == 0, exported.stderr[-2000:]
    read = _ocrforge("digits", "--model", str(tmp_path / "house.onnx"), str(svhn / "1.png"))
    assert read.returncode == 0, read.stderr[-2000:]
    assert read.stdout.startswith(str(svhn / "1.png") + "\t")
