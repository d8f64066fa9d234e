"""Shipped models with half-precision weights against their float32 originals, in one run, on the same
data: accuracy as `ocrforge eval` measures it, and speed timed alternately in one process.

    git worktree add /tmp/f32 7560e55      # the last commit with float32 weights (for a newer model: its
                                           # checkpoint exported with `ocrforge export --float32`)
    python benchmarks/half_weights.py --float32 /tmp/f32/src/ocrforge/weights --cache /tmp/half-cache

Data: the real validation splits of ../shared/data/train_real (recognizers, text detector) and the two real
receipts of receipts_det (text detector; measured, never tuned on), the 10,000 MNIST test digits (RAM, in its
three variants), and synthetic sets in holdout faces rendered into --cache (plate rows, car photos with their
plates' boxes, house numbers).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from common import REPO, environment, environment_lines, write_report

SHARED = REPO.parent / "shared" / "data"
REAL_VAL = SHARED / "train_real" / "val"
MNIST_TEST = f"mnist:{SHARED / 'mnist' / 't10k-images-idx3-ubyte.gz'}"


def _eval(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "ocrforge", "eval", *args, "--json"], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _synth_sets(cache: Path) -> dict[str, str]:
    """Plate rows, car photos with their plates' boxes and house numbers in holdout faces, from seeds no
    model trained on, rendered once."""
    plates, house = cache / "plates-holdout-seed21-n500", cache / "house-holdout-seed71-n1000"
    cars = cache / "cars-holdout-seed58-n60"
    if not cars.exists():
        import cv2

        from ocrforge.data.readers.boxes import save_boxes
        from ocrforge.data.synth.plates import plate_detection_sample

        cars.mkdir(parents=True)
        for i in range(60):
            photo = plate_detection_sample(58, i, "holdout", "car")
            cv2.imwrite(str(cars / f"{i:02d}.jpg"), cv2.cvtColor(photo.image, cv2.COLOR_RGB2BGR))
            save_boxes(cars / f"{i:02d}.json", f"{i:02d}.jpg", photo.image.shape, photo.quads, photo.texts)
    if not plates.exists():
        from ocrforge.data.readers.folder import write_folder
        from ocrforge.data.synth.plates import plate_crop

        write_folder(plates, (plate_crop(21, i, "holdout") for i in range(500)))
    if not house.exists():
        subprocess.run([sys.executable, "-m", "ocrforge", "synth", "house-numbers", "--out", str(house), "--n", "1000",
                        "--seed", "71", "--fonts", "holdout"], check=True, capture_output=True)
    return {"plates": f"folder:{plates}", "house": f"folder:{house}", "cars": f"boxes:{cars}"}


# What each kind of `ocrforge eval --json` reports as its score (higher is better, but for MNIST's error rate).
RECOGNIZER, DETECTOR, MNIST, HOUSE = "word_accuracy_alnum", "hmean", "error_rate", "accuracy"


def checks(synth: dict[str, str]) -> list[tuple[str, str, list[str], str]]:
    """(model file, set name, eval arguments before --model, the score's key) for every comparison."""
    out = []
    for name in ("ic15_words", "iiit5k_words", "svt_words", "sroie_lines"):
        for model, arch in (("crnn.onnx", "recognizer"), ("attention.onnx", "recognizer")):
            out.append((model, name, [arch, "--data", f"folder:{REAL_VAL / name}"], RECOGNIZER))
    out.append(("plates.onnx", "plate rows (holdout faces)", ["recognizer", "--data", synth["plates"]], RECOGNIZER))
    for name in ("ic03_scenes", "ic13_borndigital"):
        out.append(("dbnet.onnx", name, ["detector", "--data", f"boxes:{REAL_VAL / name}"], DETECTOR))
    out.append(("dbnet.onnx", "receipts_det", ["detector", "--data", f"boxes:{SHARED / 'receipts_det' / 'images'}"], DETECTOR))
    out.append(("plate-detector.onnx", "car photos (holdout faces)", ["detector", "--data", synth["cars"]], DETECTOR))
    for model, variant in (("ram.onnx", "centred"), ("ram-translated.onnx", "translated"), ("ram-cluttered.onnx", "cluttered")):
        out.append((model, f"MNIST test ({variant})", ["digits", "--data", MNIST_TEST, "--variant", variant], MNIST))
    out.append(("house.onnx", "house numbers (holdout faces)", ["digits", "--data", synth["house"]], HOUSE))
    return out


def interleaved_seconds(float32: Path, half: Path, rounds: int = 20) -> tuple[float, float] | None:
    """Seconds for `rounds` runs of each model on one fixed batch, in alternating order in one process,
    so that load from elsewhere falls on both alike; None for a graph of several inputs (the attention
    decoder), whose speed the recognition benchmark measures in use."""
    import numpy as np
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    sessions = [ort.InferenceSession(str(path), options) for path in (float32, half)]
    inputs = sessions[0].get_inputs()
    if len(inputs) != 1:
        return None
    # Symbolic sizes: a batch of 16, then 160 pixels (a multiple of every model's stride).
    shape = [d if isinstance(d, int) else (16 if axis == 0 else 160) for axis, d in enumerate(inputs[0].shape)]
    feeds = {inputs[0].name: (np.random.default_rng(0).random(shape) * 255).astype(np.float32)}
    totals = [0.0, 0.0]
    for session in sessions:
        session.run(None, feeds)  # warm-up
    for r in range(2 * rounds):
        k = r % 2 if r % 4 < 2 else 1 - r % 2  # ABBA order
        start = time.perf_counter()
        sessions[k].run(None, feeds)
        totals[k] += time.perf_counter() - start
    return totals[0], totals[1]


def _cell(report: dict, key: str) -> float:
    """The score as a percentage, higher better (an error rate turned into accuracy)."""
    return 100 * (1 - report[key]) if key == "error_rate" else 100 * report[key]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--float32", type=Path, required=True, help="folder with the float32 ONNX files of the same names")
    parser.add_argument("--cache", type=Path, required=True, help="where the synthetic sets are rendered once")
    args = parser.parse_args()
    shipped = REPO / "src" / "ocrforge" / "weights"
    rows = ["| model | set | float32 | half weights | difference | file MB |", "|---|---|---:|---:|---:|---|"]
    raw = []
    comparisons = checks(_synth_sets(args.cache))
    for model, name, eval_args, score in comparisons:
        full, half = (_eval(*eval_args, "--model", str(folder / model)) for folder in (args.float32, shipped))
        sizes = f"{(args.float32 / model).stat().st_size / 1e6:.1f} -> {(shipped / model).stat().st_size / 1e6:.1f}"
        rows.append(f"| {model} | {name} | {_cell(full, score):.2f}% | {_cell(half, score):.2f}% | "
                    f"{_cell(half, score) - _cell(full, score):+.2f} pt | {sizes} |")
        raw.append({"model": model, "set": name, "float32": full, "half": half})
        print(rows[-1], file=sys.stderr, flush=True)
    timing = ["", "Speed: 20 runs of each on one batch (16 images, 160 px where a size is free), alternating "
              "float32 and half in one process (ABBA), 2 threads:", "",
              "| model | float32 s | half s | half / float32 |", "|---|---:|---:|---:|"]
    for model in dict.fromkeys(model for model, *_ in comparisons):
        seconds = interleaved_seconds(args.float32 / model, shipped / model)
        if seconds:
            timing.append(f"| {model} | {seconds[0]:.3f} | {seconds[1]:.3f} | {seconds[1] / seconds[0]:.2f} |")
            raw.append({"model": model, "interleaved_seconds": seconds})
    header = "\n".join(environment_lines(environment())) + "\n\n"
    write_report(REPO / "benchmarks" / "results" / "half_weights.md", header + "\n".join(rows + timing) + "\n", {"rows": raw})


if __name__ == "__main__":
    main()
