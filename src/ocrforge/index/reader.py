"""Read one asset (an image, every page of a TIFF or PDF, or a video's frames) into records for the index."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from ocrforge.detect.sizes import DEFAULT_MAX_SIDE
from ocrforge.index.store import AssetRecord, EntryRecord
from ocrforge.index.tags import tags_for
from ocrforge.io.images import ImageError, load_pages
from ocrforge.io.pdf import read_pdf
from ocrforge.io.video import VIDEO_SUFFIXES, sample_frames, video_info
from ocrforge.pipeline.inputs import pdf_page_text
from ocrforge.pipeline.ocr import OCR
from ocrforge.results import Block, Page


@dataclass(frozen=True)
class ReadOptions:
    every: float = 2.0  # video: read at least one frame every `every` seconds (and at every scene change)
    max_side: int = DEFAULT_MAX_SIDE
    min_confidence: float = 0.3  # words read less surely are left out of the index
    same_text: float = 80.0  # video: blocks this similar (rapidfuzz ratio, 0-100) in neighbouring frames are one


def media_type(path: Path) -> str:
    suffix = path.suffix.lower()
    return "video" if suffix in VIDEO_SUFFIXES else "pdf" if suffix == ".pdf" else "image"


def _entry(text: str, words: list, page: int = 0, t_start: float | None = None, t_end: float | None = None) -> EntryRecord:
    tags = [(tag.kind, tag.value) for tag in tags_for(text, words)]
    return EntryRecord(text, [w.to_dict() for w in words], tags, page, t_start, t_end)


@dataclass(eq=False)  # compared by identity: blocks hold arrays, and each sighting is its own
class _OnScreen:
    """A block of text seen in consecutive sampled frames."""

    block: Block
    start: float
    end: float
    key: str = field(init=False)

    def __post_init__(self) -> None:
        self.key = _normalise(self.block.text)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def merge_frames(frames: Iterable[tuple[float, Page]], same_text: float = 80.0) -> list[EntryRecord]:
    """Blocks of text repeated across neighbouring frames become one entry with a time range.

    A block continues while each next sampled frame shows a block at least `same_text` similar;
    the most confident reading seen is kept.
    """
    finished: list[_OnScreen] = []
    showing: list[_OnScreen] = []
    for time, page in frames:
        still: list[_OnScreen] = []
        for block in page.blocks:
            key = _normalise(block.text)
            if not key:
                continue
            candidates = [s for s in showing if s not in still]
            best = max(candidates, key=lambda s: fuzz.ratio(key, s.key), default=None)
            if best is not None and fuzz.ratio(key, best.key) >= same_text:
                best.end = time
                if _confidence(block) > _confidence(best.block):
                    best.block, best.key = block, key
                still.append(best)
            else:
                still.append(_OnScreen(block, time, time))
        finished.extend(s for s in showing if s not in still)
        showing = still
    finished.extend(showing)
    finished.sort(key=lambda s: s.start)
    return [_entry(s.block.text, [w for line in s.block.lines for w in line.words], 0, s.start, s.end) for s in finished]


def _confidence(block: Block) -> float:
    words = [w for line in block.lines for w in line.words]
    return sum(w.confidence for w in words) / len(words) if words else 0.0


class AssetReader:
    """Holds the models; `read(path, ...)` never raises for a bad file: the record carries the error."""

    def __init__(self, options: ReadOptions = ReadOptions(), threads: int | None = None) -> None:
        self.options = options
        self.ocr = OCR(threads=threads)

    def _read_page(self, pixels) -> Page:
        return self.ocr.read(pixels, max_side=self.options.max_side, min_confidence=self.options.min_confidence)

    def read(self, path: Path, sha256: str, size: int, mtime: float) -> AssetRecord:
        record = AssetRecord(str(path), sha256, size, mtime, media_type(path))
        try:
            if record.media == "video":
                info = video_info(path)
                record.width, record.height, record.duration = info.width, info.height, info.duration
                pages = ((frame.time, self._read_page(frame.image)) for frame in sample_frames(path, self.options.every))
                record.entries = merge_frames(pages, self.options.same_text)
            elif record.media == "pdf":
                for pdf_page in read_pdf(path):  # a page's own text is indexed as it is; scanned pages are read
                    if pdf_page.number == 1:
                        record.height, record.width = pdf_page.image.shape[:2]
                    page = pdf_page_text(pdf_page) if pdf_page.words else self._read_page(pdf_page.image)
                    if page.words:
                        record.entries.append(_entry(page.text, page.words, page=pdf_page.number - 1))
            else:
                for number, pixels in enumerate(load_pages(path)):
                    if number == 0:
                        record.height, record.width = pixels.shape[:2]
                    page = self._read_page(pixels)
                    if page.words:
                        record.entries.append(_entry(page.text, page.words, page=number))
        except ImageError as err:
            record.error, record.entries = str(err), []
        return record
