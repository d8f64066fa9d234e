"""Nothing lost to kill -9: an index, a permit import and a searchable PDF, each killed at several points,
then run again; the databases pass SQLite's integrity check and every rerun ends where an uninterrupted
run does. Damaged databases get a sentence, not a traceback."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocrforge", *args], capture_output=True, text=True, timeout=600)


def _killed(args: list[str], after: float) -> None:
    """Start `ocrforge ARGS` and SIGKILL it `after` seconds in (or let it be, if it finished first)."""
    process = subprocess.Popen([sys.executable, "-m", "ocrforge", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def _sign(text: str) -> Image.Image:
    image = Image.new("RGB", (640, 240), (235, 235, 228))
    ImageDraw.Draw(image).text((40, 80), text, font=ImageFont.truetype(FONT, 54), fill=(25, 25, 25))
    return image


@pytest.mark.slow
def test_index_killed_at_several_points(tmp_path):
    folder = tmp_path / "signs"
    folder.mkdir()
    for i in range(8):
        _sign(f"GATE {200 + i}").save(folder / f"gate{i}.png")
    reference = tmp_path / "reference.db"
    assert _cli("index", str(folder), "--db", str(reference)).returncode == 0
    with sqlite3.connect(reference) as connection:
        expected = sorted(connection.execute("SELECT a.path, e.text FROM assets a JOIN entries e ON e.asset_id = a.id"))
    db = tmp_path / "index.db"
    for after in (1.5, 3.0, 4.5):  # start-up, first files, mid-run
        _killed(["index", str(folder), "--db", str(db)], after)
        if db.exists():
            assert _integrity(db) == "ok"
    rerun = _cli("index", str(folder), "--db", str(db))
    assert rerun.returncode == 0, rerun.stderr
    assert _integrity(db) == "ok"
    with sqlite3.connect(db) as connection:
        assert sorted(connection.execute("SELECT a.path, e.text FROM assets a JOIN entries e ON e.asset_id = a.id")) == expected
        assert connection.execute("SELECT count(*) FROM entries_fts").fetchone()[0] == len(expected)


@pytest.mark.slow
def test_permit_import_killed_at_several_points(tmp_path):
    csv = tmp_path / "permits.csv"
    rows = [f"P{i:05d} XYZ,2026-01-01,2026-12-31,{'AB'[i % 2]}" for i in range(60_000)]
    csv.write_text("plate,valid_from,valid_to,zone\n" + "\n".join(rows) + "\n")
    db = tmp_path / "permits.db"
    for after in (0.6, 1.2, 2.0):
        _killed(["permits", "import", str(csv), "--db", str(db)], after)
        if db.exists():
            assert _integrity(db) == "ok"
            with sqlite3.connect(db) as connection:
                assert connection.execute("SELECT count(*) FROM permits").fetchone()[0] in (0, len(rows))  # all or nothing
    rerun = _cli("permits", "import", str(csv), "--db", str(db))
    assert rerun.returncode == 0, rerun.stderr
    again = _cli("permits", "import", str(csv), "--db", str(db))  # importing the same file twice adds nothing
    assert again.returncode == 0, again.stderr
    assert _integrity(db) == "ok"
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM permits").fetchone()[0] == len(rows)


@pytest.mark.slow
def test_scan_to_pdf_killed_at_several_points_never_leaves_half_a_file(tmp_path):
    pdf = FPDF(unit="pt")
    for i in range(4):  # scanned pages: an image each, no text
        png = BytesIO()
        _sign(f"PAGE {i + 1} OF FOUR").save(png, format="PNG")
        pdf.add_page(format=(640 * 72 / 150, 240 * 72 / 150))
        pdf.image(png, x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.output(str(tmp_path / "scans.pdf"))
    out = tmp_path / "searchable.pdf"
    first = _cli("scan", str(tmp_path / "scans.pdf"), "--out", str(out))
    assert first.returncode == 0, first.stderr
    good = out.read_bytes()
    expected = [page.extract_text() for page in pypdf.PdfReader(out).pages]
    assert "PAGE" in expected[0] and "FOUR" in expected[0]  # read, so the layer is worth keeping whole
    for after in (1.0, 2.0, 3.5):
        _killed(["scan", str(tmp_path / "scans.pdf"), "--out", str(out)], after)
        assert [page.extract_text() for page in pypdf.PdfReader(out).pages] == expected  # the old file, or a whole new one
    rerun = _cli("scan", str(tmp_path / "scans.pdf"), "--out", str(out))
    assert rerun.returncode == 0, rerun.stderr
    assert [page.extract_text() for page in pypdf.PdfReader(out).pages] == expected and len(out.read_bytes()) > len(good) // 2


@pytest.mark.parametrize("command", [["search", "harbour", "--db"], ["index", "{tmp}", "--db"], ["permits", "list", "--db"]])
def test_a_damaged_database_gets_a_sentence(command, tmp_path):
    damaged = tmp_path / "damaged.db"
    with sqlite3.connect(damaged) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.executemany("INSERT INTO t VALUES (?)", [(str(i) * 50,) for i in range(2000)])
    damaged.write_bytes(damaged.read_bytes()[:5000])  # truncated mid-file
    for db in (damaged, tmp_path / "notes.db"):
        if db.name == "notes.db":
            db.write_text("not a database at all " * 100)
        done = _cli(*(a.format(tmp=tmp_path) for a in command), str(db))
        assert done.returncode != 0 and str(db) in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
