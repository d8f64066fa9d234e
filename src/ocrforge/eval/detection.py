"""Detection scoring as in ICDAR 2015: one-to-one matches at IoU >= 0.5, precision, recall, H-mean;
predictions that lie mostly inside a "don't care" region count neither way."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from shapely.geometry import Polygon


@dataclass
class MatchScore:
    """Counts of predictions matched to the truth, one to one: boxes (detection, word spotting) or
    words (bag of words). Sums over images with `add`; H-mean is the F1 of precision and recall."""

    matched: int = 0
    predicted: int = 0
    ground_truth: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.ground_truth if self.ground_truth else 0.0

    @property
    def hmean(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "MatchScore") -> None:
        self.matched += other.matched
        self.predicted += other.predicted
        self.ground_truth += other.ground_truth


def _polygon(quad: np.ndarray) -> Polygon:
    polygon = Polygon(np.asarray(quad, float).reshape(-1, 2))
    return polygon if polygon.is_valid else polygon.buffer(0)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    pa, pb = _polygon(a), _polygon(b)
    union = pa.union(pb).area
    return pa.intersection(pb).area / union if union > 0 else 0.0


def match(predicted: list[np.ndarray], truth: list[np.ndarray], threshold: float = 0.5) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (predicted index, truth index), best IoU first, all at IoU >= threshold."""
    pairs = []
    if predicted and truth:
        # Only pairs whose bounding boxes overlap can reach the threshold; pages have hundreds of words.
        pb = np.array([[*np.min(q, axis=0), *np.max(q, axis=0)] for q in predicted])
        tb = np.array([[*np.min(q, axis=0), *np.max(q, axis=0)] for q in truth])
        overlap = ((pb[:, None, 0] < tb[None, :, 2]) & (tb[None, :, 0] < pb[:, None, 2])
                   & (pb[:, None, 1] < tb[None, :, 3]) & (tb[None, :, 1] < pb[:, None, 3]))
        for i, j in zip(*np.nonzero(overlap)):
            value = iou(predicted[i], truth[j])
            if value >= threshold:
                pairs.append((value, int(i), int(j)))
    used_p, used_t, matches = set(), set(), []
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_p and j not in used_t:
            used_p.add(i)
            used_t.add(j)
            matches.append((i, j))
    return matches


DONT_CARE_COVER = 0.5  # ICDAR 2015: a prediction this much inside a don't-care region is not counted


def score_image(predicted: list[np.ndarray], truth: list[np.ndarray], threshold: float = 0.5,
                ignore: list[np.ndarray] = ()) -> MatchScore:
    matches = match(predicted, truth, threshold)
    return MatchScore(len(matches), counted_predictions(predicted, {i for i, _ in matches}, ignore), len(truth))


def counted_predictions(predicted: list[np.ndarray], matched: set[int], ignore: list[np.ndarray] = ()) -> int:
    """How many predicted boxes count against precision: all but the unmatched ones lying on a
    don't-care region (no credit, no blame)."""
    counted = len(predicted)
    if ignore:
        regions = [_polygon(q) for q in ignore]
        for i, quad in enumerate(predicted):
            if i in matched:
                continue
            polygon = _polygon(quad)
            if polygon.area > 0 and any(polygon.intersection(r).area / polygon.area >= DONT_CARE_COVER for r in regions):
                counted -= 1
    return counted
