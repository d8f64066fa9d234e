"""`ocrforge recognize`: one output line per readable input, in input order; errors on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from PIL import Image

from ocrforge.io.images import IMAGE_SUFFIXES, ImageError, load_image
from ocrforge.pipeline.visualize import draw_attention
from ocrforge.runtime.recognizers import load_recognizer, word_list_for
from ocrforge.text.escape import escape


class UsageError(Exception):
    pass


def collect_paths(paths: list[Path], from_file: Path | None, suffixes: tuple[str, ...] = IMAGE_SUFFIXES) -> list[Path]:
    """Files as given, folders expanded to their files with these suffixes (sorted), then the paths
    listed in `from_file`."""
    collected: list[Path] = []
    for path in paths:
        if path.is_dir():
            collected.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes))
        else:
            collected.append(path)  # a missing file is reported when it is read, with the others
    if from_file is not None:
        try:
            text = sys.stdin.read() if str(from_file) == "-" else from_file.read_text(encoding="utf-8")
        except OSError as err:
            raise UsageError(f"--from-file {from_file}: {err.strerror or err}") from None
        collected.extend(Path(line) for line in text.splitlines() if line.strip())
    return collected


def run(args: argparse.Namespace) -> int:
    try:
        paths = collect_paths(args.paths, args.from_file)
        if not paths:
            raise UsageError("no input images (give paths, folders or --from-file)")
        recognizer = load_recognizer(args.model or args.arch)
        if args.explain and not hasattr(recognizer, "read_prepared"):
            raise UsageError("--explain needs an attention recognizer (--arch attention); CTC has no attention to show")
        lexicon = word_list_for(recognizer, args.lexicon)
    except (UsageError, FileNotFoundError, ValueError) as err:
        print(f"ocrforge recognize: {err}", file=sys.stderr)
        return 2

    crops, readable, failed = [], [], 0
    for path in paths:
        try:
            crops.append(recognizer.prepare(load_image(path)))
            readable.append(path)
        except ImageError as err:
            print(f"ocrforge recognize: {err}", file=sys.stderr)
            failed += 1
    if args.explain and crops:
        readings = recognizer.read_prepared(crops, args.decoder, args.batch_size)
        results = [reading.decoded for reading in readings]
        args.explain.mkdir(parents=True, exist_ok=True)
        for path, crop, reading in zip(readable, crops, readings):
            picture = draw_attention(crop, reading.decoded.text, reading.attention, recognizer.info.width_stride)
            Image.fromarray(picture).save(args.explain / f"{path.stem}.attention.png")
    else:
        results = recognizer.recognize_prepared(crops, args.decoder, args.batch_size, lexicon) if crops else []
    for path, result in zip(readable, results):
        if args.format == "json":
            print(json.dumps({"path": str(path), "text": result.text, "confidence": round(result.confidence, 4),
                              "char_confidences": [round(c, 4) for c in result.char_confidences]}))
        else:
            print(f"{escape(str(path))}\t{escape(result.text)}")
    sys.stdout.flush()
    return 1 if failed else 0
