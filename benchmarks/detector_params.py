"""Box-extraction settings of the shipped detector against detection H-mean, on synthetic validation images.

The detector's probability map is computed once per image; each (bin_thresh, box_thresh, unclip_ratio)
is then scored on the same maps. The images are the detector's validation sets (holdout fonts, seeds
17-19, or 56-57 for the plate detector; never trained on), never a real evaluation set or a benchmark's
images, so the chosen settings are not tuned to them.

    python benchmarks/detector_params.py [--detector PATH] [--validation text|plates] [--max-side 1280]
"""

from __future__ import annotations

import argparse
import itertools

from tqdm import tqdm

from ocrforge.detect.boxes import BoxParams, boxes_from_prob
from ocrforge.detect.inputs import to_original
from ocrforge.detect.sizes import DEFAULT_MAX_SIDE
from ocrforge.eval.detection import MatchScore, score_image
from ocrforge.runtime.detector import Detector
from ocrforge.train.detector import validation_images

GRID = {"bin_thresh": (0.2, 0.3, 0.4), "box_thresh": (0.4, 0.5, 0.6), "unclip_ratio": (1.0, 1.1, 1.2, 1.3, 1.45, 1.6, 1.75)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--detector", help="ONNX detector (default: the shipped one)")
    parser.add_argument("--validation", choices=["text", "plates"], default="text", help="plates: the plate detector's sets")
    parser.add_argument("--max-side", type=int, default=DEFAULT_MAX_SIDE)
    args = parser.parse_args()
    detector = Detector(args.detector)
    images = [(kind, item) for kind, items in validation_images(validation=args.validation).items() for item in items]
    maps = [(kind, item, *detector.probability_map(item.image, args.max_side)) for kind, item in tqdm(images, desc="maps")]
    rows = []
    for values in itertools.product(*GRID.values()):
        params = BoxParams(**dict(zip(GRID, values)))
        scores: dict[str, MatchScore] = {}
        for kind, item, prob, scale in maps:
            quads, _ = boxes_from_prob(prob, params)
            scores.setdefault(kind, MatchScore()).add(score_image(to_original(quads, detector.output_stride, scale), item.quads))
        mean = sum(s.hmean for s in scores.values()) / len(scores)
        rows.append((mean, values, {k: round(s.hmean, 3) for k, s in scores.items()}))
    print(" | ".join(GRID) + " | mean H-mean | per kind")
    for mean, values, per_kind in sorted(rows, reverse=True)[:10]:
        print(" | ".join(map(str, values)) + f" | {mean:.4f} | {per_kind}")
    print(f"defaults {BoxParams()}: " + next(f"{m:.4f} {k}" for m, v, k in rows
                                              if v == (BoxParams().bin_thresh, BoxParams().box_thresh, BoxParams().unclip_ratio)))


if __name__ == "__main__":
    main()
