"""End-to-end reading metrics for whole images: page CER and WER in reading order, bag-of-words F1,
word spotting (boxes matched as in ICDAR 2015, then their texts compared).

Every score keeps counts, not ratios, so a set's score is the sum of its images' (`add`): long pages
weigh more than short ones, as if the set were one long page.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Levenshtein

from ocrforge.eval.detection import MatchScore, counted_predictions, match


def normalise_whitespace(text: str) -> str:
    """Every run of whitespace (newlines, tabs, blank lines) as one space: layout is not scored, order is."""
    return " ".join(text.split())


@dataclass
class PageTextScore:
    char_edits: int = 0
    chars: int = 0  # in the reference
    word_edits: int = 0
    words: int = 0  # in the reference

    @property
    def cer(self) -> float:
        return self.char_edits / self.chars if self.chars else float(self.char_edits > 0)

    @property
    def wer(self) -> float:
        return self.word_edits / self.words if self.words else float(self.word_edits > 0)

    def add(self, other: "PageTextScore") -> None:
        self.char_edits += other.char_edits
        self.chars += other.chars
        self.word_edits += other.word_edits
        self.words += other.words


def page_text_score(predicted: str, reference: str) -> PageTextScore:
    """Character and word edit distances between two page texts, whitespace normalised on both sides."""
    p, r = normalise_whitespace(predicted), normalise_whitespace(reference)
    # Levenshtein over lists of words: each word is one symbol, so WER counts whole-word edits.
    return PageTextScore(Levenshtein.distance(p, r), len(r), Levenshtein.distance(p.split(), r.split()), len(r.split()))


def bag_of_words(predicted: Iterable[str], reference: Iterable[str]) -> MatchScore:
    """Tokens compared as multisets, order ignored: a word read twice counts once unless it is there twice."""
    p, r = Counter(predicted), Counter(reference)
    return MatchScore(sum((p & r).values()), sum(p.values()), sum(r.values()))


def spotting_score(predicted: list[np.ndarray], predicted_texts: list[str], truth: list[np.ndarray],
                   truth_texts: list[str], same: Callable[[str, str], bool] = operator.eq,
                   threshold: float = 0.5, ignore: list[np.ndarray] = ()) -> MatchScore:
    """End-to-end word spotting: a box pair matched at IoU >= threshold counts only when `same(pred, truth)`;
    unmatched boxes on don't-care regions are not counted."""
    matches = match(predicted, truth, threshold)
    hits = sum(same(predicted_texts[i], truth_texts[j]) for i, j in matches)
    return MatchScore(hits, counted_predictions(predicted, {i for i, _ in matches}, ignore), len(truth))
