"""Tags found in read text: numbers, dates, prices, plates, e-mails, URLs, and the salient keywords."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ocrforge.results import Word

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
PATTERNS: dict[str, re.Pattern] = {
    "email": re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    "url": re.compile(r"\b(?:https?://[^\s]+|www\.[\w-]+(?:\.[\w-]+)+[^\s]*)", re.IGNORECASE),
    "date": re.compile(
        r"\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
        rf"|\d{{1,2}}\s+{_MONTHS}\s+\d{{2,4}}|{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}})\b",
        re.IGNORECASE,
    ),
    "price": re.compile(r"(?:[$€£¥]\s?\d[\d,]*(?:\.\d{2})?|\b\d[\d,]*[.,]\d{2}\s?(?:EUR|USD|GBP|€)(?!\w))"),
    # Plate-like: capitals and digits in the groupings plates use (AB12 CDE, B-MW 1234, 7ABC123);
    # `_plausible_plate` then drops words such as ROOM 101.
    "plate": re.compile(r"\b[A-Z0-9]{1,4}(?:[ -][A-Z0-9]{1,4}){1,2}\b|\b[A-Z0-9]{5,8}\b"),
    # Numbers, with phone-style groups kept together: 42, 3.5, 1,200, (714) 879-3574, 703-777-5833.
    "number": re.compile(r"(?<![\w.,])(?:\(\d{2,}\)\s?)?\d+(?:[.,]\d+)*(?:-\d{2,})*(?![\w])"),
}

# Words too common to say what an image is about.
STOPWORDS = frozenset(
    "the and for with that this from your you are was were have has had not but all any can will our their "
    "they them then than there here what when where which who whom why how into onto over under about after "
    "before more most some such only also just very each other been being its it's his her she him".split()
)
KEYWORDS_PER_ENTRY = 8


@dataclass(frozen=True)
class Tag:
    kind: str  # one of PATTERNS, or "keyword"
    value: str


def _plausible_plate(value: str) -> bool:
    groups = re.split(r"[ -]", value)
    characters = "".join(groups)
    has_both = any(c.isdigit() for c in characters) and any(c.isalpha() for c in characters)
    return has_both and 5 <= len(characters) <= 8 and not any(g.isalpha() and len(g) > 3 for g in groups)


def pattern_tags(text: str) -> list[Tag]:
    """Every pattern match in `text`, each (kind, value) once, in the order they appear."""
    found: dict[tuple[str, str], int] = {}
    claimed: list[tuple[int, int]] = []  # an e-mail's digits are not also a number, a date not also a plate
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in claimed):
                continue
            if kind == "plate" and not _plausible_plate(match.group()):
                continue
            if kind == "number" and sum(c.isdigit() for c in match.group()) < 2:
                continue  # single digits (list numbers, page numbers) say nothing
            claimed.append(span)
            found.setdefault((kind, match.group().strip()), span[0])
    return [Tag(kind, value) for (kind, value), _ in sorted(found.items(), key=lambda item: item[1])]


def keyword_tags(words: list[Word], limit: int = KEYWORDS_PER_ENTRY, min_confidence: float = 0.6) -> list[Tag]:
    """The words that stand out: large in the image (titles, signs, headlines), confidently read,
    alphabetic and not a stop word; lower-cased, biggest first."""
    heights = [float(np.linalg.norm(w.box[3] - w.box[0])) for w in words]
    median = float(np.median(heights)) if heights else 1.0
    scored: dict[str, float] = {}
    for word, height in zip(words, heights):
        token = re.sub(r"[^\w'-]", "", word.text).strip("'-").lower()
        if len(token) < 3 or not token.isalpha() or token in STOPWORDS or word.confidence < min_confidence:
            continue
        score = height / max(median, 1e-6) * word.confidence
        scored[token] = max(score, scored.get(token, 0.0))
    best = sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [Tag("keyword", token) for token, _ in best]


def tags_for(text: str, words: list[Word]) -> list[Tag]:
    return pattern_tags(text) + keyword_tags(words)
