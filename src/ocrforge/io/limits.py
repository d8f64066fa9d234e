"""How much one input may take: decoded pixels per image, pages per document, frames kept per video.
The defaults suit a workstation; a service or a small machine sets them lower in its environment
(OCRFORGE_MAX_PIXELS, OCRFORGE_MAX_PAGES, OCRFORGE_MAX_FRAMES), read at each use so a test or a
long-running process can change them."""

from __future__ import annotations

import os

DEFAULTS = {"OCRFORGE_MAX_PIXELS": 100_000_000, "OCRFORGE_MAX_PAGES": 1000, "OCRFORGE_MAX_FRAMES": 20_000}


def _limit(name: str) -> int:
    value = os.environ.get(name)
    if value is None:
        return DEFAULTS[name]
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        raise ValueError(f"{name}={value!r}: give a whole number") from None
    if number < 1:
        raise ValueError(f"{name}={value!r}: must be at least 1")
    return number


def max_pixels() -> int:
    """Decoded pixels per image (100 million: 300 MB as RGB); larger images are refused before decoding."""
    return _limit("OCRFORGE_MAX_PIXELS")


def max_pages() -> int:
    """Pages read per multi-page TIFF or PDF; the rest are named in an error, not read."""
    return _limit("OCRFORGE_MAX_PAGES")


def max_frames() -> int:
    """Frames kept per video (scene changes and the regular samples); the rest of the video is not read."""
    return _limit("OCRFORGE_MAX_FRAMES")
