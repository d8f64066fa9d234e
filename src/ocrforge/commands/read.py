"""`ocrforge read`: every piece of text in photos, scenes, pages and PDFs, as text, JSON Lines, hOCR or ALTO."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from ocrforge.commands.common import UsageError, add_decoding, add_inputs, add_max_side, collect_paths, fail
from ocrforge.io.images import IMAGE_SUFFIXES


def run(args: argparse.Namespace) -> int:
    from ocrforge.io.images import ImageError
    from ocrforge.pipeline.alto import to_alto
    from ocrforge.pipeline.formats import to_hocr, to_json, to_text
    from ocrforge.pipeline.inputs import count_images, iter_images
    from ocrforge.pipeline.ocr import OCR
    from ocrforge.pipeline.visualize import save_visualization
    from ocrforge.runtime.recognizers import word_list_for

    try:
        paths = collect_paths(args.paths, args.from_file, IMAGE_SUFFIXES + (".pdf",))
        ocr = OCR(args.detector, args.recognizer, handwriting=args.handwriting)
        lexicon = word_list_for(ocr.recognizer, args.lexicon)
    except (UsageError, FileNotFoundError, ValueError) as err:
        return fail("read", err)

    failed = 0

    def report(err: ImageError) -> None:
        nonlocal failed
        print(f"ocrforge read: {err}", file=sys.stderr)
        failed += 1

    total = count_images(paths)
    pages = []
    for item in tqdm(iter_images(paths, report), desc="read", unit="page", total=total, disable=None if total > 1 else True):
        try:
            page = item.own_text() if item.has_text and not args.force_ocr else ocr.read(item.image, max_side=args.max_side,
                                                                                         decoder=args.decoder, lexicon=lexicon)
        except ImageError as err:
            report(err)
            continue
        page.path = item.label
        if args.visualize:
            name = item.path.name if item.pdf_page is None else f"{item.path.stem}-page{item.pdf_page.number}.png"
            save_visualization(item.image, page, args.visualize, name)
        if args.format == "json":
            print(to_json(page), flush=True)
        elif args.format == "text":
            if total > 1:
                print(f"==> {item.label} <==")
            print(to_text(page), end="", flush=True)
        else:
            pages.append(page)
    if args.format == "hocr":
        print(to_hocr(pages), end="")
    elif args.format == "alto":
        print(to_alto(pages), end="")
    return 1 if failed else 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    read = sub.add_parser("read", help="find and read every piece of text in photos, scenes, pages and PDFs")
    add_inputs(read, "image or PDF files, or folders of them")
    read.add_argument("--format", choices=["text", "json", "hocr", "alto"], default="text",
                      help="text: the page text in reading order; json: one JSON object per image (JSON Lines); "
                           "hocr: one hOCR document; alto: one ALTO v4 XML document")
    read.add_argument("--handwriting", action="store_true",
                      help="handwritten pages: find whole text lines and read them with the handwriting recognizer")
    read.add_argument("--recognizer", help="shipped recognizer name (crnn, attention, handwriting) or an ONNX file "
                                           "(default: crnn, or handwriting with --handwriting)")
    read.add_argument("--detector", type=Path, help="ONNX detector (default: the shipped DBNet, or the line detector with --handwriting)")
    read.add_argument("--visualize", type=Path, metavar="DIR", help="also write each image with its boxes and text drawn on it")
    add_max_side(read)
    add_decoding(read)
    read.add_argument("--force-ocr", action="store_true",
                      help="read PDF pages that already carry text too (default: give the text they carry)")
    read.set_defaults(run=run)
