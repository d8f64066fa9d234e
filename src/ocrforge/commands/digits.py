"""`ocrforge digits`: read house numbers or handwritten digits with recurrent attention, PATH<TAB>DIGITS."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ocrforge.commands.common import UsageError, add_inputs, collect_paths, fail, load_images


def run(args: argparse.Namespace) -> int:
    from PIL import Image

    from ocrforge.digits.models import load_digit_model
    from ocrforge.digits.visualize import draw_glimpses
    from ocrforge.text.escape import escape

    try:
        paths = collect_paths(args.paths, args.from_file)
        reader = load_digit_model(args.model)
    except (UsageError, FileNotFoundError, ValueError) as err:
        return fail("digits", err)
    images, readable, failed = load_images("digits", paths)
    readings = reader.read(images)
    if args.visualize:
        args.visualize.mkdir(parents=True, exist_ok=True)
    for path, reading in zip(readable, readings):
        if args.json:
            print(json.dumps({"path": str(path), "digits": reading.digits, "confidence": round(reading.confidence, 4),
                              "glimpses": [[round(float(x), 2), round(float(y), 2)] for x, y in reading.glimpses]}))
        else:
            print(f"{escape(str(path))}\t{reading.digits}")
        if args.visualize:
            picture = draw_glimpses(reading.model_input, reading.glimpses, reader.patch, reader.scales,
                                    f"{reading.digits} ({reading.confidence:.0%})")
            Image.fromarray(picture).save(args.visualize / f"{path.stem}.glimpses.png")
    sys.stdout.flush()
    return 1 if failed else 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    digits = sub.add_parser("digits", help="read house numbers or handwritten digits with recurrent attention: PATH<TAB>DIGITS")
    add_inputs(digits)
    digits.add_argument("--model", default="house",
                        help="'house': the shipped house-number reader (1-5 digits); 'ram': one handwritten digit per "
                             "image ('ram-translated', 'ram-cluttered': the RAMs trained on 60x60 digits); or an exported "
                             ".onnx digit model")
    digits.add_argument("--visualize", type=Path, metavar="DIR",
                        help="write DIR/<name>.glimpses.png: the glimpse path (the boxes it looked at, in order)")
    digits.add_argument("--json", action="store_true", help="one JSON object per image, with confidence and glimpse centres")
    digits.set_defaults(run=run)
