"""Evaluate a recognizer on a labelled set: accuracy, CER, 1-NED, accuracy by length, confusions, speed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from rapidfuzz.distance import Levenshtein

from ocrforge.eval.metrics import RecognitionScores, alnum_fold, score


@dataclass
class RecognitionReport:
    scores: RecognitionScores
    lexicon_accuracy: float | None  # with the set's lexicons: prediction snapped to the nearest entry
    by_length: dict[int, tuple[int, float]]  # reference length -> (n, exact accuracy)
    confusions: list[tuple[str, str, int]]  # (reference char, predicted char, count), "" for insert/delete
    crops_per_s: float
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (source, reference, prediction)

    def as_dict(self) -> dict:
        return {
            **self.scores.as_dict(), "lexicon_accuracy": self.lexicon_accuracy,
            "by_length": {str(k): {"n": n, "accuracy": a} for k, (n, a) in sorted(self.by_length.items())},
            "confusions": [{"reference": r, "predicted": p, "count": c} for r, p, c in self.confusions],
            "crops_per_s": self.crops_per_s,
        }


def char_confusions(predictions: Iterable[str], references: Iterable[str], top: int = 15) -> list[tuple[str, str, int]]:
    counts: Counter[tuple[str, str]] = Counter()
    for pred, ref in zip(predictions, references):
        for op in Levenshtein.editops(ref, pred):
            src = ref[op.src_pos] if op.tag != "insert" else ""
            dst = pred[op.dest_pos] if op.tag != "delete" else ""
            counts[(src, dst)] += 1
    return [(r, p, c) for (r, p), c in counts.most_common(top)]


def snap_to_lexicon(prediction: str, lexicon: tuple[str, ...]) -> str:
    """The lexicon entry closest to the prediction (scene-text papers' "with lexicon" protocol)."""
    if not lexicon:
        return prediction
    return min(lexicon, key=lambda word: Levenshtein.distance(alnum_fold(prediction), alnum_fold(word)))


def report(
    predictions: list[str], references: list[str], seconds: float, sources: list[str],
    lexicons: list[tuple[str, ...]] | None = None, ignore_spaces: bool = False,
) -> RecognitionReport:
    scores = score(predictions, references, ignore_spaces)
    lexicon_accuracy = None
    if lexicons and any(lexicons):
        snapped = [snap_to_lexicon(p, lex) for p, lex in zip(predictions, lexicons)]
        lexicon_accuracy = sum(alnum_fold(s) == alnum_fold(r) for s, r in zip(snapped, references)) / len(references)
    by_length: dict[int, list[int]] = {}
    for pred, ref in zip(predictions, references):
        bucket = by_length.setdefault(len(ref), [0, 0])
        bucket[0] += 1
        bucket[1] += pred == ref
    errors = [(s, r, p) for s, r, p in zip(sources, references, predictions) if r != p]
    return RecognitionReport(
        scores, lexicon_accuracy, {k: (n, ok / n) for k, (n, ok) in by_length.items()},
        char_confusions(predictions, references), len(references) / max(seconds, 1e-9), errors,
    )
