"""`ocrforge search`: ranked hits in an index, with snippets, video times and word boxes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ocrforge.commands.common import query_index
from ocrforge.index.search import search


def _format_time(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes)}:{secs:04.1f}"


def run(args: argparse.Namespace) -> int:
    hits = query_index("search", args.db, lambda store: search(
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


def add_parser(sub: argparse._SubParsersAction) -> None:
    find = sub.add_parser("search", help="search an index: ranked hits with snippets, video times and word boxes")
    find.add_argument("query", help='words, "a phrase", prefix*, AND / OR / NOT')
    find.add_argument("--db", type=Path, required=True)
    find.add_argument("--json", action="store_true", help="one JSON object per hit")
    find.add_argument("--tag", help="only entries with this tag: KIND (price, date, plate ...) or KIND:VALUE")
    find.add_argument("--type", choices=["image", "pdf", "video"])
    find.add_argument("--path", help="only files whose absolute path starts with this")
    find.add_argument("--limit", type=int, default=20)
    find.set_defaults(run=run)
