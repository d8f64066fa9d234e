"""The `ocrforge` command: wires each command's module (ocrforge/commands/) into one parser."""

from __future__ import annotations

import argparse
import sys

from ocrforge.commands import (
    digits,
    evaluate,
    export,
    index,
    permits,
    plate,
    read,
    recognize,
    scan,
    search,
    serve,
    synth,
    tags,
    train,
)
from ocrforge.extras import missing_extra_message
from ocrforge.version import __version__

# In the order `ocrforge --help` lists them: reading, the uses, then making models.
COMMANDS = (recognize, read, scan, plate, permits, index, search, tags, digits, serve, synth, train, evaluate, export)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ocrforge", description="Read text in images with deep models.")
    parser.add_argument("--version", action="version", version=f"ocrforge {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ModuleNotFoundError as err:
        message = missing_extra_message(err)
        if message is None:
            raise
        print(f"ocrforge {args.command}: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # e.g. piped into `head`
        return 0
