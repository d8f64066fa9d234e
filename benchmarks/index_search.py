"""Indexing and search speed: 640x480 photos indexed per second, and search latency on
an index of 100,000 text rows.

Indexing: N synthetic 640x480 scenes (holdout fonts, seed 63, written once as JPEG to --cache) indexed
into a fresh database by `ocrforge index` with 1 and 2 workers, timed end to end (process start and
model loading included).

Search: a database of 100,000 entries of synthetic text built once in --cache (1,000 assets x 100
entries; words drawn from the dictionary with Zipf-distributed frequencies, as in real text, so the most
common words are in most rows; plus prices, dates and codes), then queries of every kind
(common word, rare word, phrase, prefix, OR, with a tag filter, with a type filter) run in random order;
latency is wall time of `search()` including result decoding.

    python benchmarks/index_search.py --cache DIR [--images 60] [--queries 400]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from common import REPO, environment, environment_lines, positive_int, write_report

SEARCH_ROWS = 100_000
ENTRIES_PER_ASSET = 100


def render_photos(folder: Path, count: int) -> list[Path]:
    from PIL import Image

    from ocrforge.data.synth.fonts import load_faces
    from ocrforge.data.synth.scenes import scene

    folder.mkdir(parents=True, exist_ok=True)
    faces = load_faces("holdout")
    paths = []
    for i in range(count):
        path = folder / f"scene{i:04d}.jpg"
        if not path.exists():
            item = scene(np.random.default_rng([63, i]), faces, 640, 480, max_angle=30.0)
            Image.fromarray(item.image).save(path, quality=90)
        paths.append(path)
    return paths


def time_indexing(photos: Path, db: Path, workers: int) -> dict:
    db.unlink(missing_ok=True)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "ocrforge", "index", str(photos), "--db", str(db), "--workers", str(workers)],
                            capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"ocrforge index failed: {result.stderr}")
    count = len(list(photos.glob("*.jpg")))
    return {"workers": workers, "images": count, "seconds": seconds, "images_per_s": count / seconds}


def build_search_index(db: Path) -> None:
    from ocrforge.data.synth import text as text_gen
    from ocrforge.index.store import AssetRecord, EntryRecord, IndexStore
    from ocrforge.index.tags import pattern_tags

    if db.exists():
        return
    tmp = db.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    store = IndexStore.open(tmp)
    rng = np.random.default_rng(64)
    vocabulary = [w for w in text_gen.dictionary() if w.isalpha()]
    rng.shuffle(vocabulary)
    for a in range(SEARCH_ROWS // ENTRIES_PER_ASSET):
        entries = []
        for e in range(ENTRIES_PER_ASSET):
            ranks = np.minimum(rng.zipf(1.15, int(rng.integers(4, 16))), len(vocabulary)) - 1
            line = " ".join([vocabulary[r] for r in ranks] + [text_gen.word(rng) for _ in range(int(rng.integers(0, 3)))])
            entries.append(EntryRecord(line, [], [(t.kind, t.value) for t in pattern_tags(line)], t_start=float(e)))
        media = "video" if a % 4 == 0 else "image"
        store.put(AssetRecord(f"/library/{media}s/{a:05d}.{'mp4' if media == 'video' else 'jpg'}", f"{a:064x}", 1, 0.0, media,
                              640, 480, entries=entries))
    store.db.execute("INSERT INTO entries_fts(entries_fts) VALUES ('optimize')")
    store.db.commit()
    store.close()
    tmp.rename(db)


def query_mix(db: Path, count: int, seed: int = 65) -> list[dict]:
    """Queries of each kind, built from words that are in the index (common and rare ones)."""
    from collections import Counter

    from ocrforge.index.store import IndexStore

    store = IndexStore.open(db, readonly=True)
    texts = [row[0] for row in store.db.execute("SELECT text FROM entries WHERE id % 50 = 0")]
    store.close()
    words = Counter(w.lower() for t in texts for w in t.split() if w.isalpha() and len(w) > 3)
    ranked = [w for w, _ in words.most_common()]
    common, rare = ranked[:50], ranked[-500:]
    rng = np.random.default_rng(seed)

    def pick(pool: list[str]) -> str:
        return pool[int(rng.integers(len(pool)))]

    kinds = [
        ("common word", lambda: {"query": pick(common)}),
        ("rare word", lambda: {"query": pick(rare)}),
        ("two words", lambda: {"query": f"{pick(common)} {pick(rare)}"}),
        ("phrase", lambda: {"query": '"' + " ".join(pick(texts).split()[:2]) + '"'}),
        ("prefix", lambda: {"query": pick(common)[:3] + "*"}),
        ("OR", lambda: {"query": f"{pick(rare)} OR {pick(rare)}"}),
        ("common word + tag", lambda: {"query": pick(common), "tag": "number"}),
        ("common word + type", lambda: {"query": pick(common), "media": "video"}),
    ]
    return [{"kind": kinds[i % len(kinds)][0], **kinds[i % len(kinds)][1]()} for i in rng.permutation(count)]


def time_search(db: Path, queries: list[dict]) -> dict:
    from ocrforge.index.search import search
    from ocrforge.index.store import IndexStore

    store = IndexStore.open(db, readonly=True)
    for q in queries[:20]:  # warm the page cache
        search(store, q["query"], tag=q.get("tag"), media=q.get("media"))
    by_kind: dict[str, list[float]] = {}
    hits = 0
    for q in queries:
        start = time.perf_counter()
        hits += len(search(store, q["query"], tag=q.get("tag"), media=q.get("media")))
        by_kind.setdefault(q["kind"], []).append((time.perf_counter() - start) * 1000)
    rows = store.db.execute("SELECT count(*) FROM entries").fetchone()[0]
    store.close()
    everything = [t for times in by_kind.values() for t in times]
    return {"rows": rows, "queries": len(queries), "mean_hits": hits / len(queries), "p50_ms": statistics.median(everything),
            "p95_ms": float(np.percentile(everything, 95)), "max_ms": max(everything),
            "by_kind": {k: {"p50_ms": statistics.median(v), "p95_ms": float(np.percentile(v, 95))} for k, v in by_kind.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, required=True, help="folder for the rendered photos and the 100k-row index")
    parser.add_argument("--images", type=positive_int, default=60)
    parser.add_argument("--queries", type=positive_int, default=400)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/results/index_search.md")
    args = parser.parse_args()

    env = environment()
    photos = args.cache / f"scenes-640x480-seed63-n{args.images}"
    render_photos(photos, args.images)
    indexing = [time_indexing(photos, args.cache / f"speed-w{w}.db", w) for w in (1, 2)]
    search_db = args.cache / "search-100k.db"
    build_search_index(search_db)
    searching = time_search(search_db, query_mix(search_db, args.queries))

    lines = ["# Indexing and search", "", *environment_lines(env), f"- Command: `{env['command']}`", "",
             "## Indexing 640x480 photos (`ocrforge index`, end to end incl. start-up)", "",
             "| workers | images | seconds | images/s | target |", "|---:|---:|---:|---:|---|"]
    lines += [f"| {r['workers']} | {r['images']} | {r['seconds']:.1f} | **{r['images_per_s']:.2f}** | ≥ 5 |" for r in indexing]
    lines += ["", f"## Search on {searching['rows']:,} text rows ({searching['queries']} queries, mean "
              f"{searching['mean_hits']:.1f} hits returned, limit 20)", "",
              f"All queries: p50 {searching['p50_ms']:.1f} ms, **p95 {searching['p95_ms']:.1f} ms** (target ≤ 50 ms), "
              f"max {searching['max_ms']:.1f} ms.", "", "| query kind | p50 ms | p95 ms |", "|---|---:|---:|"]
    lines += [f"| {k} | {v['p50_ms']:.1f} | {v['p95_ms']:.1f} |" for k, v in searching["by_kind"].items()]
    write_report(args.out, "\n".join(lines) + "\n", {"environment": env, "indexing": indexing, "search": searching})


if __name__ == "__main__":
    main()
