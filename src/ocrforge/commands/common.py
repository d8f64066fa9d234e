"""What several commands share: their inputs, the options they spell the same way, and how they fail.
Every default is named once, where the code that uses it lives."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ocrforge.detect.sizes import DEFAULT_MAX_SIDE
from ocrforge.index.search import QueryError
from ocrforge.index.store import IndexStore
from ocrforge.io.images import IMAGE_SUFFIXES, ImageError, load_image
from ocrforge.runtime.onnx import DEFAULT_RECOGNIZER, RECOGNIZERS
from ocrforge.runtime.upright import ORIENTATIONS

LEXICON_HELP = ("prefer the words of a list where the recognizer is unsure: 'english' or 'french' (built in, needs "
                "ocrforge[lexicon]) or a file of words, one per line (optionally WORD COUNT); CTC recognizers only")

T = TypeVar("T")


class UsageError(Exception):
    """A command given no inputs, or options that do not go together: exit status 2."""


def fail(command: str, err: Exception | str) -> int:
    """Report why `ocrforge COMMAND` cannot start, on stderr; exit status 2."""
    print(f"ocrforge {command}: {err}", file=sys.stderr)
    return 2


def add_inputs(parser: argparse.ArgumentParser, what: str = "image files or folders of images") -> None:
    parser.add_argument("paths", nargs="*", type=Path, help=what)
    parser.add_argument("--from-file", type=Path, help="a file of image paths, one per line ('-' for stdin)")


def collect_paths(paths: list[Path], from_file: Path | None, suffixes: tuple[str, ...] = IMAGE_SUFFIXES) -> list[Path]:
    """Files as given, folders expanded to their files with these suffixes (sorted), then the paths
    listed in `from_file`."""
    collected: list[Path] = []
    for path in paths:
        if path.is_dir():
            collected.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes))
        else:
            collected.append(path)  # a missing file is reported when it is read, with the others
    if from_file is not None:
        try:
            text = sys.stdin.read() if str(from_file) == "-" else from_file.read_text(encoding="utf-8")
        except OSError as err:
            raise UsageError(f"--from-file {from_file}: {err.strerror or err}") from None
        collected.extend(Path(line) for line in text.splitlines() if line.strip())
    if not collected:
        raise UsageError("no input images (give paths, folders or --from-file)")
    return collected


def load_images(command: str, paths: list[Path]) -> tuple[list, list[Path], int]:
    """(images, their paths, how many could not be read) of `paths`; each unreadable one is named on
    stderr and the rest carry on."""
    images, readable, failed = [], [], 0
    for path in paths:
        try:
            images.append(load_image(path))
            readable.append(path)
        except ImageError as err:
            print(f"ocrforge {command}: {err}", file=sys.stderr)
            failed += 1
    return images, readable, failed


def add_max_side(parser: argparse.ArgumentParser, note: str = "") -> None:
    parser.add_argument("--max-side", type=int, default=DEFAULT_MAX_SIDE,
                        help=f"longer side the detector works at (default {DEFAULT_MAX_SIDE}{note})")


def add_recognizer_choice(parser: argparse.ArgumentParser) -> None:
    """--arch NAME of a shipped recognizer (--handwriting for the handwriting one), or --model FILE (CTC or attention)."""
    parser.add_argument("--arch", choices=list(RECOGNIZERS), default=DEFAULT_RECOGNIZER,
                        help=f"shipped recognizer (default {DEFAULT_RECOGNIZER})")
    parser.add_argument("--handwriting", dest="arch", action="store_const", const="handwriting",
                        help="handwritten lines: the same as --arch handwriting")
    parser.add_argument("--model", type=Path, help="an ONNX recognizer file instead of a shipped one (CTC or attention)")


def add_orientation(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--orientation", choices=ORIENTATIONS, default="auto",
                        help="auto: a crop taller than wide is also read turned a quarter each way (words standing on "
                             "end), an unsurely read one again straightened along the word found in it (words aslant "
                             "or on an arch), the surest reading kept; none: every crop as it is")


def add_decoding(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--decoder", choices=["greedy", "beam"], default="greedy")
    parser.add_argument("--lexicon", metavar="english|french|FILE", help=LEXICON_HELP)


def query_index(command: str, db: Path, query: Callable[[IndexStore], T]) -> T | int:
    """Run `query(store)` on the index read-only; a missing or foreign file or a bad query is exit status 2."""
    try:
        store = IndexStore.open(db, readonly=True)
    except (FileNotFoundError, ValueError) as err:
        return fail(command, err)
    try:
        return query(store)
    except QueryError as err:
        return fail(command, err)
    finally:
        store.close()
