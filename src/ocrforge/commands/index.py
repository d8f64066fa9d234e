"""`ocrforge index`: read images, PDFs and videos into a searchable index (SQLite FTS5)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ocrforge.commands.common import add_max_side, fail
from ocrforge.index.reader import ReadOptions
from ocrforge.index.store import IndexStore


def run(args: argparse.Namespace) -> int:
    from ocrforge.index.indexer import index_paths  # loads the models' runtime: only when indexing

    if not args.paths:
        return fail("index", "give files or folders to index")
    if args.address and args.engine != "ray":
        return fail("index", "--address needs --engine ray")
    if args.workers < 1:
        return fail("index", "--workers must be at least 1")
    try:
        store = IndexStore.open(args.db)
    except ValueError as err:
        return fail("index", err)
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


def add_parser(sub: argparse._SubParsersAction) -> None:
    index = sub.add_parser("index", help="read images and videos into a searchable index (SQLite FTS5)")
    index.add_argument("paths", nargs="*", type=Path, help="files or folders (walked for images and videos)")
    index.add_argument("--db", type=Path, required=True, help="index file (created if missing)")
    index.add_argument("--workers", type=int, default=1, help="processes (or Ray actors) reading in parallel, each with its own models")
    index.add_argument("--engine", choices=["local", "ray"], default="local",
                       help="local: worker processes here; ray: actors on a Ray cluster (results still written here)")
    index.add_argument("--address", help="--engine ray: the cluster to join, e.g. ray://head:10001 or auto (default: start a local Ray)")
    index.add_argument("--prune", action="store_true", help="remove files from the index that are gone from the folders given")
    index.add_argument("--every", type=float, default=ReadOptions.every,
                       help=f"videos: read at least one frame every N seconds (default {ReadOptions.every:g})")
    add_max_side(index)
    index.set_defaults(run=run)
