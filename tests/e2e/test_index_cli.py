"""`ocrforge index / search / tags` end to end with the shipped models, on images and a video the tests make."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrforge.index.search import search
from ocrforge.index.store import IndexStore

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _sign(text: str, size=(640, 240), ground=(235, 235, 228)) -> Image.Image:
    """Big dark words on a plain ground: these tests are about indexing, not hard reading."""
    image = Image.new("RGB", size, ground)
    ImageDraw.Draw(image).text((40, 80), text, font=ImageFont.truetype(FONT, 54), fill=(25, 25, 25))
    return image


def _write_video(path: Path, captions: list[tuple[str, float, tuple]], fps: int = 10) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (640, 240))
    assert writer.isOpened(), "OpenCV cannot write mp4 here"
    for text, seconds, ground in captions:
        frame = cv2.cvtColor(np.asarray(_sign(text, ground=ground)), cv2.COLOR_RGB2BGR)
        for _ in range(int(seconds * fps)):
            writer.write(frame)
    writer.release()


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocrforge", *args], capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("media")
    (root / "shop").mkdir()
    _sign("HARBOUR CAFE").save(root / "shop" / "cafe.png")
    _sign("COFFEE $4.99").save(root / "shop" / "price.jpg", quality=92)
    _sign("GARDEN CENTRE").save(root / "garden.webp")
    pages = [_sign("FIRST REPORT"), _sign("SECOND CHAPTER")]
    pages[0].save(root / "report.tiff", save_all=True, append_images=pages[1:])
    _write_video(root / "clip.mp4", [("WELCOME HOME", 5.0, (235, 235, 228)), ("GOODBYE FRIEND", 3.0, (200, 220, 250))])
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    (root / "notes.txt").write_text("not media: never indexed")
    return root


@pytest.fixture(scope="module")
def indexed(media, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    db = tmp_path_factory.mktemp("db") / "index.db"
    return db, _cli("index", str(media), "--db", str(db))


def test_index_reads_every_file_and_names_the_broken_one(indexed, media):
    db, result = indexed
    assert result.returncode == 1, result.stderr  # one file failed; the others were indexed
    assert f"{media / 'broken.png'}:" in result.stderr
    assert "indexed 5, unchanged 0, failed 1" in result.stderr
    store = IndexStore.open(db, readonly=True)
    paths = {row[0] for row in store.db.execute("SELECT path FROM assets")}
    store.close()
    assert not any(p.endswith("notes.txt") for p in paths)


def test_search_finds_words_with_their_boxes(indexed, media):
    db, _ = indexed
    result = _cli("search", "harbour", "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert [h["path"] for h in hits] == [str(media / "shop" / "cafe.png")]
    assert "[HARBOUR]" in hits[0]["snippet"]
    (box,) = hits[0]["boxes"]
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    assert 20 < min(xs) < 80 and 60 < min(ys) < 110 and max(ys) < 160  # where the word was drawn


def test_phrases_prefixes_filters_and_pages(indexed, media):
    db, _ = indexed
    store = IndexStore.open(db, readonly=True)
    try:
        assert [h.path for h in search(store, '"garden centre"')] == [str(media / "garden.webp")]
        assert search(store, '"centre garden"') == []
        assert {Path(h.path).name for h in search(store, "harb* OR garde*")} == {"cafe.png", "garden.webp"}
        (second,) = search(store, "chapter")
        assert second.path.endswith("report.tiff") and second.page == 1
        assert [Path(h.path).name for h in search(store, "coffee", tag="price")] == ["price.jpg"]
        assert search(store, "coffee", tag="price:$4.99") and not search(store, "coffee", tag="price:$5.00")
        assert search(store, "cafe", path_prefix=str(media / "shop")) and not search(store, "garden", path_prefix=str(media / "shop"))
        assert search(store, "harbour", media="video") == []
    finally:
        store.close()


def test_a_caption_shown_for_seconds_is_one_hit_with_its_time_range(indexed):
    db, _ = indexed
    store = IndexStore.open(db, readonly=True)
    try:
        (welcome,) = search(store, "welcome", media="video")
        (goodbye,) = search(store, "goodbye")
    finally:
        store.close()
    assert welcome.t_start == pytest.approx(0.0, abs=0.3) and 3.5 <= welcome.t_end <= 5.0
    assert 4.9 <= goodbye.t_start <= 5.5 and goodbye.t_end >= 6.5  # the scene change is caught, not left to the 2 s clock


def test_tags_lists_what_was_found(indexed):
    db, _ = indexed
    result = _cli("tags", "--db", str(db), "--json", "--limit", "200")
    assert result.returncode == 0, result.stderr
    tags = {(t["kind"], t["value"]) for t in map(json.loads, result.stdout.splitlines())}
    assert ("price", "$4.99") in tags and ("keyword", "harbour") in tags


def test_reruns_skip_unchanged_files_and_prune_deleted_ones(media, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("cafe.png", "price.jpg"):
        (folder / name).write_bytes((media / "shop" / name).read_bytes())
    db = tmp_path / "index.db"
    assert _cli("index", str(folder), "--db", str(db)).returncode == 0
    again = _cli("index", str(folder), "--db", str(db))
    assert "indexed 0, unchanged 2" in again.stderr

    _sign("BAKERY").save(folder / "cafe.png")  # changed content: read again
    (folder / "price.jpg").unlink()
    changed = _cli("index", str(folder), "--db", str(db), "--prune")
    assert "indexed 1, unchanged 0, failed 0, removed 1" in changed.stderr, changed.stderr
    store = IndexStore.open(db, readonly=True)
    try:
        assert search(store, "bakery") and not search(store, "harbour") and not search(store, "coffee")
    finally:
        store.close()


def test_killed_mid_run_a_rerun_finishes_without_losing_or_duplicating(media, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(12):
        _sign(f"ROOM {100 + i}").save(folder / f"room{i:02d}.png")
    db = tmp_path / "index.db"
    process = subprocess.Popen([sys.executable, "-m", "ocrforge", "index", str(folder), "--db", str(db)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    committed = 0
    while time.time() < deadline and committed < 2:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as connection:
                    committed = connection.execute("SELECT count(*) FROM assets").fetchone()[0]
            except sqlite3.OperationalError:
                pass  # schema not created yet
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert 2 <= committed < 12, "the run should be killed part-way"

    rerun = _cli("index", str(folder), "--db", str(db))
    assert rerun.returncode == 0, rerun.stderr
    store = IndexStore.open(db, readonly=True)
    try:
        rows = store.db.execute("SELECT path, count(*) FROM assets GROUP BY path").fetchall()
        entries = store.db.execute("SELECT count(*) FROM entries").fetchone()[0]
        fts_rows = store.db.execute("SELECT count(*) FROM entries_fts").fetchone()[0]
    finally:
        store.close()
    assert len(rows) == 12 and all(count == 1 for _, count in rows)
    assert entries == fts_rows == 12


def test_two_workers_make_the_same_index_as_one(media, tmp_path):
    dbs = {}
    for workers in (1, 2):
        dbs[workers] = tmp_path / f"w{workers}.db"
        result = _cli("index", str(media / "shop"), str(media / "garden.webp"), "--db", str(dbs[workers]), "--workers", str(workers))
        assert result.returncode == 0, result.stderr
    contents = {}
    for workers, db in dbs.items():
        with sqlite3.connect(db) as connection:
            contents[workers] = sorted(connection.execute(
                "SELECT a.path, e.text, e.words FROM entries e JOIN assets a ON a.id = e.asset_id").fetchall())
    assert contents[1] == contents[2] and len(contents[1]) == 3


def test_bad_queries_and_missing_indexes_get_clear_messages(indexed, tmp_path):
    db, _ = indexed
    missing = _cli("search", "cafe", "--db", str(tmp_path / "nope.db"))
    assert missing.returncode == 2 and "no such index" in missing.stderr
    empty = _cli("search", '""', "--db", str(db))
    assert empty.returncode == 2 and "nothing to search for" in empty.stderr
    not_db = tmp_path / "text.db"
    not_db.write_text("hello")
    wrong = _cli("search", "cafe", "--db", str(not_db))
    assert wrong.returncode == 2 and "not an ocrforge index" in wrong.stderr
