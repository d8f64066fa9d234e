"""The font faces the synthetic engine renders with, and what each face can draw.

The packages are listed once, in font_packages.txt beside this file; scripts/install-fonts.sh
installs them. A face is used only for the characters its cmap really maps, so no string
is ever rendered with a missing-glyph box.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ocrforge.text.charset import PRINTABLE_ASCII

FONT_SUFFIXES = (".ttf", ".otf")
_REQUIRED = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@dataclass(frozen=True)
class FontFace:
    path: str
    package: str
    covered: frozenset[str]  # the printable ASCII characters this face has glyphs for

    def covers(self, text: str) -> bool:
        return set(text) <= self.covered


def font_packages(split: str | None = None) -> list[tuple[str, str]]:
    """(package, split) pairs from font_packages.txt, optionally only one split."""
    text = resources.files("ocrforge.data.synth").joinpath("font_packages.txt").read_text()
    rows = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            package, package_split = line.split()
            if split is None or package_split == split:
                rows.append((package, package_split))
    return rows


def _package_files(package: str) -> list[str]:
    try:
        listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise RuntimeError("dpkg not found: the synthetic engine needs Debian's font packages") from None
    return sorted(p for p in listing.stdout.splitlines() if p.lower().endswith(FONT_SUFFIXES) and os.path.isfile(p))


def glyph_coverage(path: str) -> frozenset[str]:
    """Printable ASCII characters mapped to a real glyph (not .notdef) in the face's cmap."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=0) as font:
        cmap = font.getBestCmap() or {}
        return frozenset(c for c in PRINTABLE_ASCII if cmap.get(ord(c), ".notdef") != ".notdef")


def _cache_path() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ocrforge" / "font-coverage.json"


def _cached_coverage(paths: list[str]) -> dict[str, frozenset[str]]:
    cache_file = _cache_path()
    try:
        cache = json.loads(cache_file.read_text())
    except (OSError, ValueError):
        cache = {}
    result, changed = {}, False
    for path in paths:
        key = f"{path}:{os.path.getmtime(path)}"
        if key not in cache:
            try:
                cache[key] = "".join(sorted(glyph_coverage(path)))
            except Exception:  # an unreadable face is simply not used
                cache[key] = ""
            changed = True
        result[path] = frozenset(cache[key])
    if changed:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps(cache))
    return result


@lru_cache(maxsize=4)
def load_faces(split: str = "train") -> tuple[FontFace, ...]:
    """Every usable face of the packages in `split`; raises if none is installed."""
    packages = [package for package, _ in font_packages(split)]
    files = {package: _package_files(package) for package in packages}
    coverage = _cached_coverage([p for paths in files.values() for p in paths])
    faces = tuple(
        FontFace(path, package, coverage[path])
        for package, paths in files.items()
        for path in paths
        if _REQUIRED <= coverage[path]
    )
    if not faces:
        raise RuntimeError(f"no {split} fonts installed: run scripts/install-fonts.sh")
    return faces


def pick_face(rng: np.random.Generator, faces: tuple[FontFace, ...], text: str) -> FontFace | None:
    """A face that covers `text`: package first (uniform), then one of its faces."""
    packages = sorted({f.package for f in faces})
    for _ in range(8):
        package = packages[int(rng.integers(len(packages)))]
        candidates = [f for f in faces if f.package == package and f.covers(text)]
        if candidates:
            return candidates[int(rng.integers(len(candidates)))]
    return None
