"""The reading pipeline's default `min_confidence` against word spotting on real validation images.

Words the recognizer reads less surely than `min_confidence` are dropped from what `read` returns: on
real photos and pages most of them are not words at all (foliage, a photo's texture, a logo read as
"#S"), but some are real words read badly. Each image of the validation splits of the real detector
training images (train_real/val: ICDAR 2003 scenes, ICDAR 2013 born-digital, SROIE receipts; never
trained on, never a benchmark's images) is read once with nothing dropped; every threshold is then
scored on the same words: spotting H-mean (box at IoU >= 0.5 and text equal ignoring case), and the
same with partial credit (a matched pair counts 1 - its normalised edit distance, so a word read one
letter wrong still mostly helps a page's text, as it does its CER); don't-care regions count neither way.
The best, 0.7, was measured and not adopted: on whole pages and page photos the words it
drops are mostly right, and their CER rose (see the detector's model card); `OCR.read` keeps every word.

    python benchmarks/min_confidence.py [--detector PATH]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from common import REPO, environment, environment_lines, write_report
from tqdm import tqdm

SETS = ("ic03_scenes", "ic13_borndigital", "sroie_receipts")
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def main() -> None:
    from rapidfuzz.distance.Levenshtein import normalized_distance

    from ocrforge.data.readers.boxes import read_boxes
    from ocrforge.eval.detection import MatchScore, counted_predictions, match
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
            exact, partial = MatchScore(), [0.0, 0, 0]  # partial: credit, predicted, truth
            for item, words in images:
                kept = [w for w in words if w.confidence >= threshold]
                quads, texts = [w.box for w in kept], [w.text for w in kept]
                exact.add(spotting_score(quads, texts, item.quads, item.texts, same, ignore=item.ignore))
                matches = match(quads, item.quads)
                partial[0] += sum(1 - normalized_distance(texts[i].casefold(), item.texts[j].casefold()) for i, j in matches)
                partial[1] += counted_predictions(quads, {i for i, _ in matches}, item.ignore)
                partial[2] += len(item.quads)
            precision, recall = partial[0] / max(partial[1], 1), partial[0] / max(partial[2], 1)
            row[name] = exact.hmean
            row[f"{name}_partial"] = 2 * precision * recall / max(precision + recall, 1e-9)
        row["mean"] = float(np.mean([row[name] for name in SETS]))
        row["mean_partial"] = float(np.mean([row[f"{name}_partial"] for name in SETS]))
        rows.append(row)
    best = max(rows, key=lambda r: r["mean_partial"])
    lines = ["# `min_confidence` against word spotting on the real validation splits", "", *environment_lines(env),
             f"- Detector: {env['detector']}; recognizer: shipped weights/crnn.onnx", f"- Command: `{env['command']}`",
             "- Cells: spotting H-mean exact / with partial credit", "",
             "| min_confidence | " + " | ".join(SETS) + " | mean |", "|---:|" + "---:|" * (len(SETS) + 1)]
    for row in rows:
        cells = " | ".join(f"{row[name]:.1%} / {row[name + '_partial']:.1%}" for name in (*SETS, "mean"))
        lines.append(f"| {row['min_confidence']:.1f}{' (best)' if row is best else ''} | {cells} |")
    write_report(args.out, "\n".join(lines) + "\n", {"environment": env, "rows": rows})


if __name__ == "__main__":
    main()
