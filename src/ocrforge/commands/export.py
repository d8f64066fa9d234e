"""`ocrforge export`: a checkpoint to ONNX (with its charset and geometry in the metadata, and its model
card), or to a training state small enough to commit."""

from __future__ import annotations

import argparse
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    if args.out.suffix == ".pt":
        from ocrforge.train.session import keep_state

        path = keep_state(args.checkpoint, args.out)
    else:
        from ocrforge.export.onnx import export_checkpoint

        path = export_checkpoint(args.checkpoint, args.out, half=not args.float32)
    print(f"wrote {path}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="export a checkpoint to ONNX with its charset and geometry in the metadata, "
                                           "or (--out *.pt) to a training state small enough to commit")
    export.add_argument("checkpoint", type=Path)
    export.add_argument("--out", type=Path, required=True,
                        help="*.onnx (and its model card *.md), or *.pt: half-precision weights without optimiser moments")
    export.add_argument("--float32", action="store_true",
                        help="ONNX weights in float32 (default: stored in half precision; the text detector ships float32, "
                             "see weights/dbnet.md)")
    export.set_defaults(run=run)
