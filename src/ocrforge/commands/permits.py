"""`ocrforge permits`: manage the parking permits that `ocrforge plate` checks plates against (SQLite)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ocrforge.commands.common import fail


def add_parser(sub: argparse._SubParsersAction) -> None:
    permits = sub.add_parser("permits", help="manage parking permits (SQLite)")
    actions = permits.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a permit")
    add.add_argument("plate")
    add.add_argument("--from", dest="valid_from", help="valid from (ISO date or time; default now)")
    add.add_argument("--to", dest="valid_to", help="valid until (a bare date: to the end of that day; default open-ended)")
    add.add_argument("--zone", help="zone (default: every zone)")
    remove = actions.add_parser("remove", help="remove a plate's permits")
    remove.add_argument("plate")
    remove.add_argument("--zone", help="only the permit for this zone")
    listing = actions.add_parser("list", help="list permits")
    listing.add_argument("--zone", help="permits valid in this zone")
    listing.add_argument("--json", action="store_true")
    imports = actions.add_parser("import", help="add permits from a CSV with header plate,valid_from,valid_to,zone")
    imports.add_argument("csv", type=Path)
    for action in (add, remove, listing, imports):
        action.add_argument("--db", type=Path, required=True, help="permit database file (created if missing)")
    permits.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ocrforge.plates.permits import PermitError, PermitStore

    try:
        store = PermitStore(args.db)
    except PermitError as err:
        return fail("permits", err)
    try:
        if args.action == "add":
            permit = store.add(args.plate, args.valid_from, args.valid_to, args.zone)
            print(json.dumps(permit.to_dict()))
        elif args.action == "remove":
            removed = store.remove(args.plate, args.zone)
            print(f"removed {removed} permit{'s' if removed != 1 else ''} for {args.plate}", file=sys.stderr)
            return 0 if removed else 1
        elif args.action == "import":
            count = store.import_csv(args.csv)
            print(f"imported {count} permits from {args.csv}", file=sys.stderr)
        else:
            for permit in store.permits(args.zone):
                print(json.dumps(permit.to_dict()) if args.json else
                      f"{permit.plate:12s} {permit.valid_from} .. {permit.valid_to or 'open':19s} {permit.zone or '(any zone)'}")
    except (PermitError, OSError) as err:
        return fail("permits", err)
    finally:
        store.close()
    return 0
