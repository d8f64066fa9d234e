"""Recognition metrics: word accuracy (exact and as scene-text papers score), CER, 1-NED."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein


def alnum_fold(text: str) -> str:
    """Case-insensitive, letters and digits only: how scene-text benchmarks compare words."""
    return "".join(c for c in text.lower() if c.isalnum())


@dataclass(frozen=True)
class RecognitionScores:
    n: int
    word_accuracy: float  # exact string match
    word_accuracy_alnum: float  # case-insensitive, alphanumeric only
    cer: float  # edit distance over reference characters, summed over the set
    one_minus_ned: float  # mean of 1 - normalised edit distance

    def as_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in ("n", "word_accuracy", "word_accuracy_alnum", "cer", "one_minus_ned")}


def score(predictions: list[str], references: list[str], ignore_spaces: bool = False) -> RecognitionScores:
    if len(predictions) != len(references):
        raise ValueError("predictions and references differ in length")
    if ignore_spaces:
        predictions = [p.replace(" ", "") for p in predictions]
        references = [r.replace(" ", "") for r in references]
    n = len(references)
    if n == 0:
        return RecognitionScores(0, 0.0, 0.0, 0.0, 0.0)
    exact = sum(p == r for p, r in zip(predictions, references))
    folded = sum(alnum_fold(p) == alnum_fold(r) for p, r in zip(predictions, references))
    edits = sum(Levenshtein.distance(p, r) for p, r in zip(predictions, references))
    chars = sum(len(r) for r in references)
    ned = sum(Levenshtein.normalized_distance(p, r) for p, r in zip(predictions, references))
    return RecognitionScores(n, exact / n, folded / n, edits / max(chars, 1), 1 - ned / n)
