"""Output files that appear whole or not at all: written beside their place and renamed into it, so a
crash or kill -9 midway never leaves half a file where a good one was."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replaced_atomically(path: Path) -> Iterator[Path]:
    """A path beside `path` (same suffix, so writers that go by it still can) to write the new file to;
    renamed over `path` when the block ends, removed if it fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
