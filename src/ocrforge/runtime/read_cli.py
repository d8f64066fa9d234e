"""`ocrforge read`: every piece of text in photos, scenes and pages, as text, JSON Lines or hOCR."""

from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from ocrforge.io.images import ImageError, load_image
from ocrforge.pipeline.formats import to_hocr, to_json, to_text
from ocrforge.pipeline.ocr import OCR
from ocrforge.pipeline.visualize import save_visualization
from ocrforge.runtime.recognize_cli import UsageError, collect_paths

def run(args: argparse.Namespace) -> int:
    try:
        paths = collect_paths(args.paths, args.from_file)
        if not paths:
            raise UsageError("no input images (give paths, folders or --from-file)")
        ocr = OCR(args.detector, args.recognizer)
    except (UsageError, FileNotFoundError, ValueError) as err:
        print(f"ocrforge read: {err}", file=sys.stderr)
        return 2

    pages, failed = [], 0
    for path in tqdm(paths, desc="read", unit="img", disable=None if len(paths) > 1 else True):
        try:
            image = load_image(path)
            page = ocr.read(image, max_side=args.max_side, decoder=args.decoder)
        except ImageError as err:
            print(f"ocrforge read: {err}", file=sys.stderr)
            failed += 1
            continue
        page.path = str(path)
        if args.visualize:
            save_visualization(image, page, args.visualize, path.name)
        if args.format == "json":
            print(to_json(page), flush=True)
        elif args.format == "text":
            if len(paths) > 1:
                print(f"==> {path} <==")
            print(to_text(page), end="", flush=True)
        else:
            pages.append(page)
    if args.format == "hocr":
        print(to_hocr(pages), end="")
    return 1 if failed else 0
