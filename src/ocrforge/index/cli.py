"""`ocrforge index`, `ocrforge search`, `ocrforge tags`: make image and video collections findable by their text."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ocrforge.index.search import QueryError, search, tag_counts
from ocrforge.index.store import IndexStore


def run_index(args: argparse.Namespace) -> int:
    from ocrforge.index.indexer import index_paths  # loads the models' runtime: only when indexing
    from ocrforge.index.reader import ReadOptions

    if not args.paths:
        print("ocrforge index: give files or folders to index", file=sys.stderr)
        return 2
    if args.address and args.engine != "ray":
        print("ocrforge index: --address needs --engine ray", file=sys.stderr)
        return 2
    if args.workers < 1:
        print("ocrforge index: --workers must be at least 1", file=sys.stderr)
        return 2
    try:
        store = IndexStore.open(args.db)
    except ValueError as err:
        print(f"ocrforge index: {err}", file=sys.stderr)
        return 2
    try:
        report = index_paths(store, args.paths, ReadOptions(every=args.every, max_side=args.max_side),
                             workers=args.workers, prune=args.prune, engine=args.engine, ray_address=args.address)
        counts = store.counts()
    finally:
        store.close()
    for message in report.failed:
        print(f"ocrforge index: {message}", file=sys.stderr)
    print(f"indexed {report.indexed}, unchanged {report.unchanged}, failed {len(report.failed)}, "
          f"removed {len(report.removed)}; {args.db} holds {counts['assets']} files, {counts['entries']} text entries",
          file=sys.stderr)
    return 1 if report.failed else 0


def _format_time(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes)}:{secs:04.1f}"


def _query_index(command: str, db: Path, query) -> list | int:
    """Run `query(store)` on the index read-only; a missing or foreign file or a bad query is exit status 2."""
    try:
        store = IndexStore.open(db, readonly=True)
    except (FileNotFoundError, ValueError) as err:
        print(f"ocrforge {command}: {err}", file=sys.stderr)
        return 2
    try:
        return query(store)
    except QueryError as err:
        print(f"ocrforge {command}: {err}", file=sys.stderr)
        return 2
    finally:
        store.close()


def run_search(args: argparse.Namespace) -> int:
    hits = _query_index("search", args.db, lambda store: search(
        store, args.query, limit=args.limit, tag=args.tag, media=args.type, path_prefix=args.path))
    if isinstance(hits, int):
        return hits
    for hit in hits:
        if args.json:
            print(json.dumps(hit.to_dict(), ensure_ascii=False))
            continue
        where = hit.path
        if hit.t_start is not None:
            where += f" @ {_format_time(hit.t_start)}-{_format_time(hit.t_end)}"
        elif hit.page:
            where += f" (page {hit.page + 1})"
        print(f"{hit.score:7.3g}  {where}\n         {hit.snippet.replace(chr(10), ' / ')}")
    return 0 if hits else 1


def run_tags(args: argparse.Namespace) -> int:
    rows = _query_index("tags", args.db, lambda store: tag_counts(store, args.kind, args.limit))
    if isinstance(rows, int):
        return rows
    for kind, value, count in rows:
        print(json.dumps({"kind": kind, "value": value, "files": count}) if args.json else f"{count:6d}  {kind:8s} {value}")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    index = sub.add_parser("index", help="read images and videos into a searchable index (SQLite FTS5)")
    index.add_argument("paths", nargs="*", type=Path, help="files or folders (walked for images and videos)")
    index.add_argument("--db", type=Path, required=True, help="index file (created if missing)")
    index.add_argument("--workers", type=int, default=1, help="processes (or Ray actors) reading in parallel, each with its own models")
    index.add_argument("--engine", choices=["local", "ray"], default="local",
                       help="local: worker processes here; ray: actors on a Ray cluster (results still written here)")
    index.add_argument("--address", help="--engine ray: the cluster to join, e.g. ray://head:10001 or auto (default: start a local Ray)")
    index.add_argument("--prune", action="store_true", help="remove files from the index that are gone from the folders given")
    index.add_argument("--every", type=float, default=2.0, help="videos: read at least one frame every N seconds (default 2)")
    index.add_argument("--max-side", type=int, default=1280, help="longer side the detector works at (default 1280)")
    index.set_defaults(run=run_index)

    find = sub.add_parser("search", help="search an index: ranked hits with snippets, video times and word boxes")
    find.add_argument("query", help='words, "a phrase", prefix*, AND / OR / NOT')
    find.add_argument("--db", type=Path, required=True)
    find.add_argument("--json", action="store_true", help="one JSON object per hit")
    find.add_argument("--tag", help="only entries with this tag: KIND (price, date, plate ...) or KIND:VALUE")
    find.add_argument("--type", choices=["image", "pdf", "video"])
    find.add_argument("--path", help="only files whose absolute path starts with this")
    find.add_argument("--limit", type=int, default=20)
    find.set_defaults(run=run_search)

    tags = sub.add_parser("tags", help="list the tags in an index by how many files carry them")
    tags.add_argument("--db", type=Path, required=True)
    tags.add_argument("--kind", help="only this kind (number, date, price, plate, email, url, keyword)")
    tags.add_argument("--limit", type=int, default=50)
    tags.add_argument("--json", action="store_true")
    tags.set_defaults(run=run_tags)
