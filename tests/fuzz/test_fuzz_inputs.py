"""Fuzzed inputs: valid files of every format, mutated (flipped bytes, truncation, inserted and repeated
runs), through every loader the commands and the server read files with. Each must give RGB pixels or
an ImageError naming the input: no other exception, no crash, no input slower than the deadline.

The suite runs a short, fixed set of examples; `python benchmarks/fuzz.py --minutes N` runs a long,
coverage-guided one (atheris) over the same loaders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ocrforge.io.images import ImageError

sys.path.insert(0, str(Path(__file__).parent))
from inputs import READERS, check_pixels, image_seeds, mutate, pdf_seed, video_seed  # noqa: E402

pytestmark = pytest.mark.fuzz

# A fixed, repeatable draw of examples (about ten seconds each); OCRFORGE_FUZZ_EXAMPLES=N draws N at random.
EXAMPLES = int(os.environ.get("OCRFORGE_FUZZ_EXAMPLES", 0))
settings.register_profile("fuzz", max_examples=EXAMPLES or 1500, derandomize=not EXAMPLES, deadline=3000,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("fuzz")

SEEDS = {**{f"image/{name}": data for name, data in image_seeds().items()}, "pdf/two_pages": pdf_seed()}
EDITS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.integers(0, 255)), min_size=1, max_size=4)


def _survives(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            check_pixels(READERS[name.partition("/")[0]](data, Path(folder)))
        except ImageError as err:
            assert str(err), f"{name}: an ImageError without a message"


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_seed_reads(name):
    """The fuzzers start from files that read: their mutations test the damage, not the seed."""
    with tempfile.TemporaryDirectory() as folder:
        check_pixels(READERS[name.partition("/")[0]](SEEDS[name], Path(folder)))


@given(name=st.sampled_from(sorted(k for k in SEEDS if k.startswith("image/"))), edits=EDITS)
@example(name="image/tiff_pages", edits=[(2, 1772, 98)])  # found: TIFF without its size tags, TypeError in Pillow
@example(name="image/tiff_pages", edits=[(2, 2233, 27)])  # found: an unknown TIFF tag value, KeyError in Pillow
def test_image_loaders_survive_damaged_files(name, edits):
    _survives(name, mutate(SEEDS[name], edits))


@given(edits=EDITS)
def test_pdf_reader_survives_damaged_files(edits):
    _survives("pdf/two_pages", mutate(SEEDS["pdf/two_pages"], edits))


def test_video_loader_survives_damaged_files(tmp_path):
    """In a process of its own: a decoder crash is a failure here, not the end of the test run."""
    seed = video_seed(tmp_path)
    rng = np.random.default_rng(7)
    paths = []
    for i in range(max(80, EXAMPLES // 20)):
        edits = [(int(rng.integers(4)), int(rng.integers(len(seed))), int(rng.integers(256))) for _ in range(rng.integers(1, 4))]
        paths.append(tmp_path / f"damaged{i}.mp4")
        paths[-1].write_bytes(mutate(seed, edits))
    done = subprocess.run([sys.executable, str(Path(__file__).parent / "video_worker.py")], input="".join(f"{p}\n" for p in paths),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert len(lines) == len(paths) and all(line == "ok" or line.startswith("error ") for line in lines)


def test_read_names_each_damaged_file_and_reads_the_rest(tmp_path):
    rng = np.random.default_rng(11)
    names = sorted(SEEDS)
    for i in range(16):
        name = names[i % len(names)]
        edits = [(int(rng.integers(4)), int(rng.integers(len(SEEDS[name]))), int(rng.integers(256)))]
        suffix = ".pdf" if name.startswith("pdf/") else ".png"  # a suffix that may lie about the format
        (tmp_path / f"file{i:02d}{suffix}").write_bytes(mutate(SEEDS[name], edits))
    (tmp_path / "good.png").write_bytes(SEEDS["image/png"])
    done = subprocess.run([sys.executable, "-m", "ocrforge", "read", str(tmp_path), "--format", "json"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr[-2000:]
    read = {json.loads(line)["path"].partition("#")[0] for line in done.stdout.splitlines()}
    named = {path for path in map(str, tmp_path.iterdir()) if path in done.stderr}
    assert str(tmp_path / "good.png") in read
    assert read | named == {str(p) for p in tmp_path.iterdir()}  # every file read or named


@pytest.mark.parametrize("box", [b"[0 0 100000000 10]", b"[0 0 1000000000 0.5]", b"[0 0 -200 100]", b"[0 0 0 100]",
                                 b"[0 0 99999999999999999999999999 1]"])
def test_damaged_page_boxes_render_within_bounds_or_are_refused(box):
    """Found by the long run: page boxes that are NaN, astronomically long and thin, or overflow made PDFium's
    render raise ValueError, OverflowError or MemoryError (or draw a 2 x 20,000,000 pixel page)."""
    data = SEEDS["pdf/two_pages"].replace(b"/MediaBox [0 0 200.00 100.00]", b"/MediaBox " + box)
    with tempfile.TemporaryDirectory() as folder:
        try:
            images = READERS["pdf"](data, Path(folder))
        except ImageError as err:
            assert "page 1" in str(err)
            return
    check_pixels(images)
    assert all(max(image.shape[:2]) <= 20_000 for image in images)
