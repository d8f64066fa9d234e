"""`ocrforge eval detector`: find the words of a detection set's images and score them against its boxes."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tqdm import tqdm

from ocrforge.data.readers import open_detection_set
from ocrforge.eval.detection import MatchScore, score_image
from ocrforge.io.images import ImageError, load_image
from ocrforge.runtime.detector import Detector

WORST_SHOWN = 5


def _line(score: MatchScore) -> str:
    return (f"P {score.precision:.2%}  R {score.recall:.2%}  H-mean {score.hmean:.2%}  "
            f"({score.matched} matched of {score.predicted} found, {score.ground_truth} true)")


def evaluate_detector(spec: str, model: Path | None, limit: int | None, iou: float, max_side: int, as_json: bool) -> int:
    try:
        images = list(open_detection_set(spec, limit))
        detector = Detector(model)
    except (ValueError, FileNotFoundError) as err:
        print(f"ocrforge eval detector: {err}", file=sys.stderr)
        return 2
    if not images:
        print(f"ocrforge eval detector: {spec}: no images", file=sys.stderr)
        return 2
    total, per_image, failed, seconds = MatchScore(), [], 0, 0.0
    for item in tqdm(images, desc="detect", unit="image", disable=as_json):
        try:
            pixels = load_image(item.image_path)
        except ImageError as err:
            print(f"ocrforge eval detector: {err}", file=sys.stderr)
            failed += 1
            continue
        start = time.perf_counter()
        found = [d.quad for d in detector.detect(pixels, max_side)]
        seconds += time.perf_counter() - start
        score = score_image(found, item.quads, iou, item.ignore)
        total.add(score)
        per_image.append((str(item.image_path), score))
    scored = len(per_image)
    worst = sorted(per_image, key=lambda pair: pair[1].hmean)[:WORST_SHOWN]
    if as_json:
        print(json.dumps({
            "data": spec, "model": str(detector.model_path), "iou": iou, "images": scored, "failed": failed,
            "precision": round(total.precision, 4), "recall": round(total.recall, 4), "hmean": round(total.hmean, 4),
            "matched": total.matched, "predicted": total.predicted, "ground_truth": total.ground_truth,
            "seconds_per_image": round(seconds / max(scored, 1), 4),
            "worst": [{"path": p, "hmean": round(s.hmean, 4), "matched": s.matched, "predicted": s.predicted,
                       "ground_truth": s.ground_truth} for p, s in worst],
        }))
    else:
        print(f"{spec}: {scored} images, {seconds / max(scored, 1):.2f} s/image, IoU >= {iou:g}")
        print(f"  {_line(total)}")
        print("  weakest images:")
        for path, score in worst:
            print(f"    {score.hmean:7.2%}  {path}  ({score.matched}/{score.predicted} found, {score.ground_truth} true)")
    return 1 if failed else 0
