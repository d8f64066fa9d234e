"""Small text: the detector on real validation photos as they are and shrunk, with and without the
second, enlarged look at photos of few words.

Distant signs and incidental words (ICDAR 2015's Google Glass photos) are a few pixels high. Each image
of the real detection validation splits (train_real/val: ICDAR 2003 scenes, ICDAR 2013 born-digital, Street
View scenes; never trained on) and of held-out synthetic scenes (holdout faces, seed 60, as in pages.py) is
detected at its own size and shrunk to 0.5x and 0.35x, its boxes with it. `enlarged` is the default
`Detector.detect`; `as is` the same with `enlarge_sparse=False` (what it did before: a photo of under 30
words was never looked at larger than its own size). Street View scenes box only some words, so their
precision says little: read their recall.

    python benchmarks/small_text.py --cache DIR [--detector PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from common import REPO, environment, environment_lines, write_report
from tqdm import tqdm

SETS = ("ic03_scenes", "ic13_borndigital", "svt_scenes", "synth_scenes")
SCALES = (1.0, 0.5, 0.35)
MODES = {"enlarged": True, "as is": False}


def main() -> None:
    import cv2

    from ocrforge.data.readers.boxes import read_boxes
    from ocrforge.eval.detection import MatchScore, score_image
    from ocrforge.io.images import load_image
    from ocrforge.runtime.detector import Detector

    sys.path.insert(0, str(Path(__file__).parent))
    from pages import render_synth

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--detector", help="ONNX detector (default: the shipped one)")
    parser.add_argument("--cache", type=Path, required=True, help="keep the rendered synthetic scenes here and reuse them")
    parser.add_argument("--synth-n", type=int, default=60, help="held-out synthetic scenes (default 60)")
    parser.add_argument("--data-root", type=Path, default=REPO.parent / "shared" / "data" / "train_real" / "val")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "small_text.md")
    args = parser.parse_args()
    env = environment(detector=args.detector or "shipped weights/dbnet.onnx")
    detector = Detector(args.detector, threads=1)
    folders = {name: args.data_root / name for name in SETS[:-1]}
    folders["synth_scenes"] = render_synth("synth_scenes", args.synth_n, args.cache)
    rows = []
    for name, folder in folders.items():
        items = [(load_image(item.image_path), item) for item in read_boxes(folder)]
        for scale in SCALES:
            shrunk = [(pixels if scale == 1.0 else cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), item)
                      for pixels, item in items]
            for mode, enlarge in MODES.items():
                total, seconds = MatchScore(), 0.0
                for pixels, item in tqdm(shrunk, desc=f"{name} {scale}x {mode}", leave=False):
                    start = time.perf_counter()
                    found = [d.quad for d in detector.detect(pixels, enlarge_sparse=enlarge)]
                    seconds += time.perf_counter() - start
                    total.add(score_image(found, [q * scale for q in item.quads], 0.5, [q * scale for q in item.ignore]))
                rows.append({"set": name, "scale": scale, "mode": mode, "images": len(items), "precision": total.precision,
                             "recall": total.recall, "hmean": total.hmean, "seconds_per_image": seconds / len(items)})
    lines = ["# Small text: detection at the photos' own size and shrunk", "", *environment_lines(env),
             f"- Detector: {env['detector']}, one thread", f"- Command: `{env['command']}`",
             "- Cells: precision / recall / **H-mean** at IoU >= 0.5, seconds per image", "",
             "| set | n | scale | " + " | ".join(MODES) + " |", "|---|---:|---:|" + "---|" * len(MODES)]
    for k in range(0, len(rows), len(MODES)):
        group = rows[k:k + len(MODES)]
        cells = " | ".join(f"{r['precision']:.1%} / {r['recall']:.1%} / **{r['hmean']:.1%}**, {r['seconds_per_image']:.2f} s"
                           for r in group)
        lines.append(f"| {group[0]['set']} | {group[0]['images']} | {group[0]['scale']:g}x | {cells} |")
    write_report(args.out, "\n".join(lines) + "\n", {"environment": env, "rows": rows})


if __name__ == "__main__":
    main()
