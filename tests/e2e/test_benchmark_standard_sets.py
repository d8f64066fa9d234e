"""benchmarks/recognition.py reads the standard scene-text sets in their published layouts (clovaai's
LMDB folders, labels.tsv folders) from a folder a user gives, and scores them case-insensitively on
letters and digits, as the published protocol does."""

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import cv2
import lmdb
from PIL import Image

from ocrforge.data.synth.recipe import CLEAN, sample

REPO = Path(__file__).resolve().parents[2]


def _png(image) -> bytes:
    out = io.BytesIO()
    Image.fromarray(image).save(out, format="PNG")
    return out.getvalue()


def test_standard_sets_found_written_and_scored(tmp_path):
    words = [sample(14, i, CLEAN) for i in range(12)]
    root = tmp_path / "evaluation"
    root.mkdir()
    env = lmdb.open(str(root / "SVT"), map_size=1 << 24)  # clovaai's layout
    with env.begin(write=True) as txn:
        txn.put(b"num-samples", str(len(words)).encode())
        for i, (image, text) in enumerate(words, start=1):
            txn.put(b"image-%09d" % i, _png(image))
            txn.put(b"label-%09d" % i, text.upper().encode())  # the published labels drop case: so does the score
    env.close()
    folder = root / "CUTE80"
    folder.mkdir()
    for i, (image, text) in enumerate(words[:5]):
        cv2.imwrite(str(folder / f"{i}.png"), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    (folder / "labels.tsv").write_text("".join(f"{i}.png\t{t}\n" for i, (_, t) in enumerate(words[:5])))

    out = tmp_path / "standard.md"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "recognition.py"), "--standard", str(root), "--sets", "none",
                           "--engines", "ocrforge", "--cache", str(tmp_path / "cache"), "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    with gzip.open(out.with_suffix(".json.gz"), "rt") as raw:
        rows = {r["set"]: r for r in json.load(raw)["results"]}
    assert set(rows) == {"SVT", "CUTE80"} and rows["SVT"]["n"] == 12 and rows["CUTE80"]["n"] == 5
    # Clean words in unseen fonts: the shipped model reads most; upper-case labels cost nothing.
    assert rows["SVT"]["word_accuracy_alnum"] >= 0.6
    assert rows["SVT"]["word_accuracy_alnum"] > rows["SVT"]["word_accuracy"]
    assert "| SVT | ocrforge | 12 |" in out.read_text()
