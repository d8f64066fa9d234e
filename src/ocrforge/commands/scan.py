"""`ocrforge scan`: phone photos of pages, and PDFs, to a searchable PDF, page images or text."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

from ocrforge.commands.common import UsageError, fail


def run(args: argparse.Namespace) -> int:
    from ocrforge.io.images import ImageError
    from ocrforge.pipeline.inputs import count_images, iter_images
    from ocrforge.pipeline.ocr import OCR
    from ocrforge.scan.documents import OUT_SUFFIXES, scan_input, scan_record, write_scans
    from ocrforge.scan.scanner import NoPageError

    try:
        if args.out is None and args.format != "json":
            raise UsageError("give --out OUT (.pdf, .png or .txt), --format json, or both")
        if args.out is not None and args.out.suffix.lower() not in OUT_SUFFIXES:
            raise UsageError(f"--out {args.out}: the name must end in {', '.join(OUT_SUFFIXES)}")
        if not args.paths:
            raise UsageError("no input photos")
        ocr = OCR(args.detector)
    except (UsageError, FileNotFoundError, ValueError) as err:
        return fail("scan", err)

    results, failed, position = [], 0, 0

    def report(err: Exception) -> None:  # the messages name the photo (and page)
        nonlocal failed, position
        print(f"ocrforge scan: {err}", file=sys.stderr)
        failed += 1
        position += 1

    total = count_images(args.paths)
    for item in tqdm(iter_images(args.paths, report), desc="scan", unit="page", total=total, disable=None if total > 1 else True):
        try:
            result = scan_input(item, position, ocr, binarize=args.binarize, force_ocr=args.force_ocr)
        except (ImageError, NoPageError) as err:
            report(err)
            continue
        position += 1
        if args.format == "json":
            print(json.dumps(scan_record(result), ensure_ascii=False), flush=True)
        if args.out is not None:
            results.append(result)
    if results:
        written = write_scans(args.out, results, max(total, position))
        # With JSON on stdout the note goes to stderr, so stdout stays one record per line.
        print(f"wrote {', '.join(map(str, written))}", file=sys.stderr if args.format == "json" else sys.stdout)
    return 1 if failed else 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    scan = sub.add_parser("scan", help="phone photos of pages, and PDFs, to a searchable PDF, flat page images or text")
    scan.add_argument("paths", nargs="*", type=Path, metavar="PHOTO", help="photos of pages (one page each) or PDF files")
    scan.add_argument("--out", type=Path, help="OUT.pdf: one searchable document, a page per photo and the pages of each "
                      "PDF as they were, with an invisible text layer; OUT.png: the scanned page (several: OUT-1.png, "
                      "OUT-2.png ...); OUT.txt: the text, pages split by a form feed")
    scan.add_argument("--force-ocr", action="store_true",
                      help="read PDF pages that already carry text too, written as images of themselves with the text read "
                           "(default: such pages are kept as they are, text and all)")
    scan.add_argument("--format", choices=["json"], help="json: also print one JSON object per photo (page corners, size, text)")
    scan.add_argument("--binarize", action="store_true", help="black and white pages instead of colour")
    scan.add_argument("--detector", type=Path, help="ONNX detector (default: the shipped DBNet)")
    scan.set_defaults(run=run)
