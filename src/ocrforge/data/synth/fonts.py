"""The font faces the synthetic engine renders with, and what each face can draw.

The packages are listed once, in font_packages.txt beside this file; scripts/install-fonts.sh
installs them, and scripts/build_font_bundle.py packs a subset for machines without them
(OCRFORGE_FONT_DIR). A face is used only for the characters its cmap really maps, so no string
is ever rendered with a missing-glyph box.
"""

from __future__ import annotations

import json
import os
import string
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocrforge.text.charset import PRINTABLE_ASCII

FONT_SUFFIXES = (".ttf", ".otf")
# A folder laid out PACKAGE/FACE.ttf to take the faces from instead of the installed Debian packages.
FONT_DIR_ENV = "OCRFORGE_FONT_DIR"
# A face must draw every capital and digit; a caps-only face (no lowercase) still sets capitals and codes.
_REQUIRED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@dataclass(frozen=True)
class FontFace:
    path: str
    package: str
    covered: frozenset[str]  # the printable ASCII characters this face really draws (see glyph_coverage)

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
    bundle = os.environ.get(FONT_DIR_ENV)
    if bundle:  # a font bundle (scripts/build_font_bundle.py) on a machine without Debian's packages
        folder = Path(bundle) / package
        return sorted(str(p) for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES) if folder.is_dir() else []
    try:
        listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise RuntimeError("dpkg not found: the synthetic engine needs Debian's font packages") from None
    return sorted(p for p in listing.stdout.splitlines() if p.lower().endswith(FONT_SUFFIXES) and os.path.isfile(p))


def glyph_coverage(path: str) -> frozenset[str]:
    """Printable ASCII characters this face really draws: mapped to a glyph (not .notdef) in its cmap,
    with ink for every visible character, and no lowercase letters in a caps-only face (whose
    'a' is drawn as a capital or small capital, so its label would teach the wrong case)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=0) as font:
        cmap = font.getBestCmap() or {}
    mapped = {c for c in PRINTABLE_ASCII if cmap.get(ord(c), ".notdef") != ".notdef"}
    face = ImageFont.truetype(path, 48)
    drawn = {c for c in mapped if c == " " or face.getmask(c).getbbox() is not None}
    if _draws_lowercase_as_capitals(face, drawn):
        drawn -= set(string.ascii_lowercase)
    return frozenset(drawn)


# Letters whose lowercase differs in shape from the capital in any ordinary face (unlike c/o/s/v/w/x/z).
_DISTINCT_CASE = "abdefghijklmnqrty"


def _draws_lowercase_as_capitals(face: ImageFont.FreeTypeFont, drawn: set[str]) -> bool:
    """Whether most letters of _DISTINCT_CASE look like their capitals once both are scaled to one
    box: a caps or small-caps face. A few alike (a two-storey 'a' in a display face) do not count."""

    def shape(char: str) -> np.ndarray | None:
        canvas = Image.new("L", (160, 160), 0)
        ImageDraw.Draw(canvas).text((40, 40), char, font=face, fill=255)
        ink = np.asarray(canvas) > 127
        rows, cols = np.nonzero(ink)
        if rows.size == 0:
            return None
        glyph = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1].astype(np.uint8) * 255
        return cv2.resize(glyph, (24, 24), interpolation=cv2.INTER_AREA) > 32  # low, so hairline strokes survive

    alike = 0
    for lower in _DISTINCT_CASE:
        if lower in drawn and lower.upper() in drawn:
            a, b = shape(lower), shape(lower.upper())
            alike += a is not None and b is not None and float(np.mean(a ^ b)) < 0.12
    return alike >= 10


def _cache_path() -> Path:
    # v2: coverage also checks ink and caps-only faces, so v1 entries are not reused.
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ocrforge" / "font-coverage-v2.json"


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
