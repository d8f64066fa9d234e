"""What reading an image returns: words in lines in blocks, each with its box and confidence.

Every box is four [x, y] points in the original image's pixels, clockwise from the top-left.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def box_list(quad: np.ndarray) -> list[list[float]]:
    return [[round(float(x), 1), round(float(y), 1)] for x, y in np.asarray(quad).reshape(4, 2)]


@dataclass
class Word:
    text: str
    confidence: float  # 0..1: the recognizer's string confidence
    box: np.ndarray  # (4, 2) float32
    detection_score: float = 1.0  # the detector's mean text probability inside the box

    def to_dict(self) -> dict:
        return {"text": self.text, "confidence": round(self.confidence, 4), "box": box_list(self.box)}


@dataclass
class Line:
    words: list[Word]
    box: np.ndarray  # (4, 2): the rotated rectangle around its words

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def confidence(self) -> float:
        return float(np.mean([w.confidence for w in self.words])) if self.words else 0.0

    def to_dict(self) -> dict:
        return {"text": self.text, "confidence": round(self.confidence, 4), "box": box_list(self.box),
                "words": [w.to_dict() for w in self.words]}


@dataclass
class Block:
    lines: list[Line]
    box: np.ndarray  # (4, 2)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass
class Page:
    path: str | None  # where the image came from, when it came from a file
    width: int
    height: int
    blocks: list[Block] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [line for block in self.blocks for line in block.lines]

    @property
    def words(self) -> list[Word]:
        return [word for line in self.lines for word in line.words]

    @property
    def text(self) -> str:
        """The page's text in reading order: lines joined by newlines, blocks by a blank line."""
        return "\n\n".join(block.text for block in self.blocks)

    @property
    def confidence(self) -> float:
        words = self.words
        return float(np.mean([w.confidence for w in words])) if words else 0.0

    def to_dict(self) -> dict:
        return {"path": self.path, "width": self.width, "height": self.height, "text": self.text,
                "confidence": round(self.confidence, 4), "lines": [line.to_dict() for line in self.lines]}
