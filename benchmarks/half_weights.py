"""Shipped models with half-precision weights against their float32 originals, in one run, on the same
data: accuracy and speed of each, as `ocrforge eval` measures them.

    git worktree add /tmp/f32 <commit before the weights were halved>
    python benchmarks/half_weights.py --float32 /tmp/f32/src/ocrforge/weights --cache /tmp/half-cache

Data: the real validation splits of ../shared/data/train_real (recognizers, text detector), the real car
photos of plates_real_dev (plate detector), the 10,000 MNIST test digits (RAM, in its three variants), and
synthetic sets in holdout faces rendered into --cache (plate rows, house numbers).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from common import REPO, environment, environment_lines, write_report

SHARED = REPO.parent / "shared" / "data"
REAL_VAL = SHARED / "train_real" / "val"
MNIST_TEST = f"mnist:{SHARED / 'mnist' / 't10k-images-idx3-ubyte.gz'}"


def _eval(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "ocrforge", "eval", *args, "--json"], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _synth_sets(cache: Path) -> dict[str, str]:
    """Plate rows and house numbers in holdout faces from seeds no model trained on, rendered once."""
    plates, house = cache / "plates-holdout-seed21-n500", cache / "house-holdout-seed71-n1000"
    if not plates.exists():
        import cv2

        from ocrforge.data.synth.plates import plate_crop
        from ocrforge.text.escape import escape

        plates.mkdir(parents=True)
        rows = []
        for i in range(500):
            image, text = plate_crop(21, i, "holdout")
            cv2.imwrite(str(plates / f"{i:03d}.png"), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
            rows.append(f"{i:03d}.png\t{escape(text)}\n")
        (plates / "labels.tsv").write_text("".join(rows), encoding="utf-8")
    if not house.exists():
        subprocess.run([sys.executable, "-m", "ocrforge", "synth", "house-numbers", "--out", str(house), "--n", "1000",
                        "--seed", "71", "--fonts", "holdout"], check=True, capture_output=True)
    return {"plates": f"folder:{plates}", "house": f"folder:{house}"}


# What each kind of `ocrforge eval --json` reports as its score (higher is better) and its speed.
RECOGNIZER = ("word_accuracy_alnum", "crops_per_s")
DETECTOR = ("hmean", "seconds_per_image")
MNIST = ("error_rate", "images_per_s")
HOUSE = ("accuracy", "images_per_s")


def checks(synth: dict[str, str]) -> list[tuple[str, str, list[str], tuple[str, str]]]:
    """(model file, set name, eval arguments before --model, (score, speed) keys) for every comparison."""
    out = []
    for name in ("ic15_words", "iiit5k_words", "svt_words", "sroie_lines"):
        for model, arch in (("crnn.onnx", "recognizer"), ("attention.onnx", "recognizer")):
            out.append((model, name, [arch, "--data", f"folder:{REAL_VAL / name}"], RECOGNIZER))
    out.append(("plates.onnx", "plate rows (holdout faces)", ["recognizer", "--data", synth["plates"]], RECOGNIZER))
    for name in ("ic03_scenes", "ic13_borndigital", "sroie_receipts"):
        out.append(("dbnet.onnx", name, ["detector", "--data", f"boxes:{REAL_VAL / name}"], DETECTOR))
    out.append(("plate-detector.onnx", "plates_real_dev", ["detector", "--data", f"boxes:{SHARED / 'plates_real_dev' / 'images'}"], DETECTOR))
    for model, variant in (("ram.onnx", "centred"), ("ram-translated.onnx", "translated"), ("ram-cluttered.onnx", "cluttered")):
        out.append((model, f"MNIST test ({variant})", ["digits", "--data", MNIST_TEST, "--variant", variant], MNIST))
    out.append(("house.onnx", "house numbers (holdout faces)", ["digits", "--data", synth["house"]], HOUSE))
    return out


def _cell(report: dict, key: str) -> float:
    """The score as a percentage, higher better (an error rate turned into accuracy)."""
    return 100 * (1 - report[key]) if key == "error_rate" else 100 * report[key]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--float32", type=Path, required=True, help="folder with the float32 ONNX files of the same names")
    parser.add_argument("--cache", type=Path, required=True, help="where the synthetic sets are rendered once")
    args = parser.parse_args()
    shipped = REPO / "src" / "ocrforge" / "weights"
    rows = ["| model | set | float32 | half weights | difference | float32 speed | half speed | file MB |",
            "|---|---|---:|---:|---:|---:|---:|---|"]
    raw = []
    for model, name, eval_args, (score, speed) in checks(_synth_sets(args.cache)):
        full, half = (_eval(*eval_args, "--model", str(folder / model)) for folder in (args.float32, shipped))
        unit = "s/image" if speed.startswith("seconds") else "/s"
        sizes = f"{(args.float32 / model).stat().st_size / 1e6:.1f} -> {(shipped / model).stat().st_size / 1e6:.1f}"
        rows.append(f"| {model} | {name} | {_cell(full, score):.2f}% | {_cell(half, score):.2f}% | "
                    f"{_cell(half, score) - _cell(full, score):+.2f} pt | {full[speed]:g} {unit} | {half[speed]:g} {unit} | {sizes} |")
        raw.append({"model": model, "set": name, "float32": full, "half": half})
        print(rows[-1], file=sys.stderr, flush=True)
    header = "\n".join(environment_lines(environment())) + "\n\n"
    write_report(REPO / "benchmarks" / "results" / "half_weights.md", header + "\n".join(rows) + "\n", {"rows": raw})


if __name__ == "__main__":
    main()
