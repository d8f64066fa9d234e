"""`ocrforge recognize`: one output line per readable input, in input order; errors on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ocrforge.commands.common import (UsageError, add_decoding, add_inputs, add_orientation, add_recognizer_choice, collect_paths,
                                      fail, load_images)


def run(args: argparse.Namespace) -> int:
    from PIL import Image

    from ocrforge.pipeline.visualize import draw_attention
    from ocrforge.runtime.recognizers import load_recognizer, word_list_for
    from ocrforge.runtime.upright import detector_for, recognize_upright
    from ocrforge.text.escape import escape

    try:
        paths = collect_paths(args.paths, args.from_file)
        recognizer = load_recognizer(args.model or args.arch)
        if args.explain and not hasattr(recognizer, "read_prepared"):
            raise UsageError("--explain needs an attention recognizer (--arch attention); CTC has no attention to show")
        lexicon = word_list_for(recognizer, args.lexicon)
    except (UsageError, FileNotFoundError, ValueError) as err:
        return fail("recognize", err)

    images, readable, failed = load_images("recognize", paths)
    if args.explain and images:
        crops = [recognizer.prepare(image) for image in images]
        readings = recognizer.read_prepared(crops, args.decoder, args.batch_size)
        results = [reading.decoded for reading in readings]
        args.explain.mkdir(parents=True, exist_ok=True)
        for path, crop, reading in zip(readable, crops, readings):
            picture = draw_attention(crop, reading.decoded.text, reading.attention, recognizer.info.width_stride)
            Image.fromarray(picture).save(args.explain / f"{path.stem}.attention.png")
    elif args.orientation == "auto":
        results = recognize_upright(recognizer, images, args.decoder, args.batch_size, lexicon, detector_for(args.model or args.arch))
    else:
        results = recognizer.recognize(images, args.decoder, args.batch_size, lexicon)
    for path, result in zip(readable, results):
        if args.format == "json":
            print(json.dumps({"path": str(path), "text": result.text, "confidence": round(result.confidence, 4),
                              "char_confidences": [round(c, 4) for c in result.char_confidences]}))
        else:
            print(f"{escape(str(path))}\t{escape(result.text)}")
    sys.stdout.flush()
    return 1 if failed else 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    rec = sub.add_parser("recognize", help="read cropped words or text lines, one result line per image")
    add_inputs(rec)
    rec.add_argument("--format", choices=["tsv", "json"], default="tsv", help="tsv: PATH<TAB>TEXT; json: one object per line")
    add_recognizer_choice(rec)
    rec.add_argument("--explain", type=Path, metavar="DIR",
                     help="attention recognizers: write per crop a picture of where the decoder looked for each character")
    add_decoding(rec)
    add_orientation(rec)
    rec.add_argument("--batch-size", type=int, default=32)
    rec.set_defaults(run=run)
