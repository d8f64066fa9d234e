"""`ocrforge index --engine ray` on a local Ray instance makes the same index as the local engine."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrforge.index.indexer import index_paths
from ocrforge.index.store import IndexStore

ray = pytest.importorskip("ray", reason="the Ray engine is optional: pip install 'ray[data]'")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _contents(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return sorted(connection.execute(
            "SELECT a.path, a.sha256, a.width, a.height, a.error, e.page, e.text, e.words,"
            " (SELECT group_concat(kind || ':' || value, '|') FROM tags t WHERE t.entry_id = e.id)"
            " FROM assets a LEFT JOIN entries e ON e.asset_id = a.id").fetchall())


@pytest.mark.slow
def test_ray_engine_writes_the_same_index_as_the_local_one(tmp_path):
    for name, text in [("cafe.png", "HARBOUR CAFE $4.99"), ("garden.png", "GARDEN CENTRE")]:
        image = Image.new("RGB", (640, 240), (235, 235, 228))
        ImageDraw.Draw(image).text((40, 80), text, font=ImageFont.truetype(FONT, 54), fill=(25, 25, 25))
        image.save(tmp_path / name)
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")

    dbs = {}
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=200 * 1024 * 1024)
    try:
        for engine in ("local", "ray"):
            dbs[engine] = tmp_path / f"{engine}.db"
            store = IndexStore.open(dbs[engine])
            try:
                report = index_paths(store, [tmp_path], engine=engine, workers=2, progress=False)
            finally:
                store.close()
            assert report.indexed == 2 and len(report.failed) == 1 and "broken.jpg" in report.failed[0]
    finally:
        ray.shutdown()
    local, on_ray = _contents(dbs["local"]), _contents(dbs["ray"])
    assert local == on_ray
    assert any("HARBOUR CAFE" in (row[6] or "") for row in local)
