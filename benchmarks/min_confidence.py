"""The reading pipeline's default `min_confidence` against word spotting on real validation images.

Words the recognizer reads less surely than `min_confidence` are dropped from what `read` returns: on
real photos and pages most of them are not words at all (foliage, a photo's texture, a logo read as
"#S"), but some are real words read badly. Each image of the validation splits of the real detector
training images (train_real/val: ICDAR 2003 scenes, ICDAR 2013 born-digital, SROIE receipts; never
trained on, never a benchmark's images) is read once with nothing dropped; every threshold is then
scored on the same words: spotting H-mean (box at IoU >= 0.5 and text equal ignoring case), don't-care
regions counting neither way.

    python benchmarks/min_confidence.py [--detector PATH]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from tqdm import tqdm

from common import REPO, environment, environment_lines, write_report

SETS = ("ic03_scenes", "ic13_borndigital", "sroie_receipts")
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def main() -> None:
    from ocrforge.data.readers.boxes import read_boxes
    from ocrforge.eval.detection import MatchScore
    from ocrforge.eval.pages import spotting_score
    from ocrforge.pipeline.ocr import OCR

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--detector", help="ONNX detector (default: the shipped one)")
    parser.add_argument("--data-root", type=Path, default=REPO.parent / "shared" / "data" / "train_real" / "val")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "min_confidence.md")
    args = parser.parse_args()
    env = environment(detector=args.detector or "shipped weights/dbnet.onnx")
    ocr = OCR(args.detector)
    read = {name: [(item, ocr.read(item.image_path).words) for item in tqdm(list(read_boxes(args.data_root / name)), desc=name)]
            for name in SETS}
    same = lambda a, b: a.casefold() == b.casefold()  # noqa: E731 (SROIE labels carry no case)
    rows = []
    for threshold in THRESHOLDS:
        row = {"min_confidence": threshold}
        for name, images in read.items():
            total = MatchScore()
            for item, words in images:
                kept = [w for w in words if w.confidence >= threshold]
                total.add(spotting_score([w.box for w in kept], [w.text for w in kept], item.quads, item.texts, same,
                                         ignore=item.ignore))
            row[name] = total.hmean
        row["mean"] = float(np.mean([row[name] for name in SETS]))
        rows.append(row)
    best = max(rows, key=lambda r: r["mean"])
    lines = ["# `min_confidence` against word spotting on the real validation splits", "", *environment_lines(env),
             f"- Detector: {env['detector']}; recognizer: shipped weights/crnn.onnx", f"- Command: `{env['command']}`", "",
             "| min_confidence | " + " | ".join(SETS) + " | mean |", "|---:|" + "---:|" * (len(SETS) + 1)]
    for row in rows:
        cells = " | ".join(f"{row[name]:.1%}" for name in (*SETS, "mean"))
        lines.append(f"| {row['min_confidence']:.1f}{' (best)' if row is best else ''} | {cells} |")
    write_report(args.out, "\n".join(lines) + "\n", {"environment": env, "rows": rows})


if __name__ == "__main__":
    main()
