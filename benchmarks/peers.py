"""The peer engines the benchmarks run beside ocrforge, each written once: Tesseract 5 through its command
line (it has no Python binding: one process per image) and RapidOCR from PyPI (its default models and
settings, loaded once per worker and reused for every image). A benchmark chooses the options (page
segmentation mode, whitelist, detection or not) and what it keeps of the output.

Imported as `peers` by the scripts in this folder (see common.py for why that works).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from common import timed, word

if TYPE_CHECKING:
    import numpy as np

# ---------------------------------------------------------------- Tesseract


def require_tesseract() -> None:
    """An engine row of n/a naming the reason, rather than a failure on the first image."""
    if shutil.which("tesseract") is None:
        raise RuntimeError("tesseract is not on PATH")


def tesseract(path: Path, psm: int, options: Sequence[str] = (), *, one_thread: bool = True, check: bool = True) -> str:
    """What `tesseract PATH stdout --psm PSM -l eng OPTIONS...` prints. OPTIONS: `-c name=value` pairs, or
    an output config such as `tsv`. one_thread: OMP_THREAD_LIMIT=1, for callers that run one process per
    core (parallelism comes from their pool, not OpenMP); otherwise one page may use every core.
    check: a failed run raises, naming the image; otherwise whatever it printed is its reading."""
    done = subprocess.run(["tesseract", str(path), "stdout", "--psm", str(psm), "-l", "eng", *options],
                          capture_output=True, text=True,
                          env={**os.environ, "OMP_THREAD_LIMIT": "1"} if one_thread else None)
    if check and done.returncode != 0:
        raise RuntimeError(f"tesseract failed on {path}: {done.stderr.strip()}")
    return done.stdout


def tesseract_page(path: Path, psm: int = 3) -> dict:
    """A whole image read as a page (psm 3: automatic layout), one process free to use every core:
    {"text", "words", "lines"} as page_from_tsv gives them."""
    return page_from_tsv(tesseract(path, psm, ("tsv",), one_thread=False))


def page_from_tsv(tsv: str) -> dict:
    """Words (level-5 rows) with axis-aligned boxes; text: the words of a line joined by spaces,
    lines by newlines, paragraphs and blocks by blank lines (the TSV's block, paragraph, line numbers)."""
    words, lines, line_boxes = [], {}, {}  # (block, par, line) -> words, in Tesseract's reading order
    for row in tsv.splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) == 12 and fields[0] == "4":  # a line's row: its box
            left, top, width, height = map(float, fields[6:10])
            line_boxes[tuple(fields[2:5])] = [[left, top], [left + width, top], [left + width, top + height], [left, top + height]]
        if len(fields) < 12 or fields[0] != "5" or float(fields[10]) < 0 or not fields[11].strip():
            continue
        left, top, width, height = map(float, fields[6:10])
        box = [[left, top], [left + width, top], [left + width, top + height], [left, top + height]]
        words.append(word(fields[11].strip(), box, float(fields[10]) / 100))  # conf is 0..100
        lines.setdefault(tuple(fields[2:5]), []).append(words[-1]["text"])
    text, previous = "", None
    for key, line in lines.items():
        if previous is not None:
            text += "\n" if key[:2] == previous[:2] else "\n\n"
        text += " ".join(line)
        previous = key
    line_words = [word(" ".join(texts), line_boxes[key], 1.0) for key, texts in lines.items() if key in line_boxes]
    return {"text": text, "words": words, "lines": line_words}


def tesseract_pages(paths: list[Path], model: str | None = None) -> tuple[list[dict], float]:
    """The page runner of pages.py and scan.py: tesseract_page on one image at a time."""
    require_tesseract()
    return timed(tesseract_page, paths, "tesseract")


# ---------------------------------------------------------------- RapidOCR


@dataclass(frozen=True)
class RapidLines:
    """What RapidOCR read in one image: its text lines, top to bottom (its reading order); their boxes,
    4 [x, y] points each (None without detection); their confidences."""

    texts: tuple[str, ...]
    boxes: np.ndarray | None
    scores: tuple[float, ...]


class RapidOCRRunner:
    """RapidOCR with its default models and settings, created once and reused for every image."""

    def __init__(self) -> None:
        from rapidocr import RapidOCR

        self._engine = RapidOCR(params={"Global.log_level": "warning"})

    def read(self, path: Path, *, detect: bool = True) -> RapidLines:
        """Its full pipeline (detection, orientation, recognition), or with detect=False its recognizer
        alone on the whole image, as on a crop. The first call loads the models it uses."""
        from ocrforge.io.images import load_image

        modes = {} if detect else {"use_det": False, "use_cls": False, "use_rec": True}
        result = self._engine(load_image(path)[..., ::-1], **modes)  # RapidOCR takes arrays as OpenCV BGR
        # Nothing read: an output whose txts is None. Without detection, one without boxes.
        return RapidLines(tuple(getattr(result, "txts", None) or ()), getattr(result, "boxes", None),
                          tuple(getattr(result, "scores", None) or ()))

    def page(self, path: Path) -> dict:
        """A whole image as a page: {"text": its lines top to bottom, "words": its boxes (lines, not words)}."""
        lines = self.read(path)
        if lines.boxes is None or not lines.texts:  # nothing found
            return {"text": "", "words": []}
        return {"text": "\n".join(lines.texts), "words": [word(t, b, s) for b, t, s in zip(lines.boxes, lines.texts, lines.scores)]}


def rapidocr_pages(paths: list[Path], model: str | None = None) -> tuple[list[dict], float]:
    """The page runner of pages.py and scan.py: RapidOCRRunner.page on one image at a time."""
    return timed(RapidOCRRunner().page, paths, "rapidocr")
