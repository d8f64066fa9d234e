"""Pack real training crops to travel (to the lent GPU machine): every set as grayscale PNGs scaled to
--height with labels.tsv, texts the charset cannot write left out, caseless sets upper-cased, so that
`--real folder:<out>/<name>` reads them there as it reads the originals here (a caseless set holds
a `caseless` file, which scripts/gpu_train.sh reads as --real-caseless; a handwritten one a `handwritten`
file, read as --real-handwritten).

    python scripts/pack_real_crops.py --out gpu/real \\
        --set ic15_words=folder:../shared/data/train_real/train/ic15_words \\
        --caseless sroie_lines=folder:../shared/data/train_real/train/sroie_lines
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ocrforge.data.readers.folder import write_folder
from ocrforge.preprocess import resize_to_height
from ocrforge.text.charset import CHARSETS, Charset
from ocrforge.train.real import load_real


def _named(value: str) -> tuple[str, str]:
    name, equals, spec = value.partition("=")
    if not equals or not name or ":" not in spec:
        raise argparse.ArgumentTypeError(f"{value!r}: expected NAME=KIND:PATH")
    return name, spec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--set", type=_named, action="append", default=[], metavar="NAME=KIND:PATH")
    parser.add_argument("--caseless", type=_named, action="append", default=[], metavar="NAME=KIND:PATH",
                        help="a set whose labels carry no case (SROIE): upper-cased, trained with --real-caseless")
    parser.add_argument("--handwritten", type=_named, action="append", default=[], metavar="NAME=KIND:PATH",
                        help="a set of handwritten lines, trained with --real-handwritten (varied as hands vary)")
    parser.add_argument("--height", type=int, default=32, help="crop height kept (default 32, the recognizer's input)")
    parser.add_argument("--charset", choices=list(CHARSETS), default="ascii",
                        help="characters a kept label may hold (latin: for handwriting in Western European languages)")
    parser.add_argument("--limit", type=int, help="only the first N crops of each set")
    parser.add_argument("--jpeg", type=int, metavar="QUALITY", help="JPEG at this quality instead of PNG (75: under half the bytes)")
    args = parser.parse_args()
    marks = {"caseless": "labels in upper case whatever the print: never teach case\n",
             "handwritten": "handwritten lines: vary them as hands vary\n"}
    sets = [(s, None) for s in args.set] + [(s, "caseless") for s in args.caseless] + [(s, "handwritten") for s in args.handwritten]
    for (name, spec), mark in sets:
        source = load_real(spec, Charset(CHARSETS[args.charset]), mark == "caseless", args.limit)
        count = write_folder(args.out / name, ((resize_to_height(img, args.height), text)
                                                for img, text in zip(source.images, source.texts)), args.jpeg)
        if mark:  # the mark scripts/gpu_train.sh trains it by (--real-caseless, --real-handwritten)
            (args.out / name / mark).write_text(marks[mark])
        size = sum(p.stat().st_size for p in (args.out / name).iterdir())
        print(f"{name}: {count} crops, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
