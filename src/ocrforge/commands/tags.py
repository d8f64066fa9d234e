"""`ocrforge tags`: the tags in an index (prices, dates, plates ...) by how many files carry them."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ocrforge.commands.common import query_index
from ocrforge.index.search import tag_counts


def run(args: argparse.Namespace) -> int:
    rows = query_index("tags", args.db, lambda store: tag_counts(store, args.kind, args.limit))
    if isinstance(rows, int):
        return rows
    for kind, value, count in rows:
        print(json.dumps({"kind": kind, "value": value, "files": count}) if args.json else f"{count:6d}  {kind:8s} {value}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    tags = sub.add_parser("tags", help="list the tags in an index by how many files carry them")
    tags.add_argument("--db", type=Path, required=True)
    tags.add_argument("--kind", help="only this kind (number, date, price, plate, email, url, keyword)")
    tags.add_argument("--limit", type=int, default=50)
    tags.add_argument("--json", action="store_true")
    tags.set_defaults(run=run)
