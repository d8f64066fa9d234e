"""`ocrforge scan`: phone photos of pages to a searchable PDF, page images or text."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from PIL import Image
from tqdm import tqdm

from ocrforge.io.images import ImageError
from ocrforge.pipeline.ocr import OCR
from ocrforge.pipeline.results import box_list
from ocrforge.runtime.recognize_cli import UsageError
from ocrforge.scan.pdf import write_pdf
from ocrforge.scan.scanner import NoPageError, ScanResult, scan

OUT_SUFFIXES = (".pdf", ".png", ".txt")


def _record(path: Path, result: ScanResult) -> dict:
    height, width = result.image.shape[:2]
    return {"path": str(path), "corners": box_list(result.corners), "width": width, "height": height, "text": result.page.text}


def _png_paths(out: Path, count: int) -> list[Path]:
    """OUT itself for one photo; OUT-1.png, OUT-2.png ... (numbered by input position) for several."""
    return [out] if count == 1 else [out.with_name(f"{out.stem}-{i}.png") for i in range(1, count + 1)]


def _write(out: Path, results: list[tuple[int, ScanResult]], count: int) -> list[Path]:
    """Write the scans that succeeded (with their input positions); returns the files written."""
    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        write_pdf([(r.image, r.page) for _, r in results], out)
        return [out]
    if suffix == ".txt":
        out.write_text("\f".join(r.page.text + "\n" for _, r in results), encoding="utf-8")
        return [out]
    targets = _png_paths(out, count)
    for index, result in results:
        Image.fromarray(result.image).save(targets[index])
    return [targets[i] for i, _ in results]


def run(args: argparse.Namespace) -> int:
    try:
        if args.out is None and args.format != "json":
            raise UsageError("give --out OUT (.pdf, .png or .txt), --format json, or both")
        if args.out is not None and args.out.suffix.lower() not in OUT_SUFFIXES:
            raise UsageError(f"--out {args.out}: the name must end in {', '.join(OUT_SUFFIXES)}")
        if not args.paths:
            raise UsageError("no input photos")
        ocr = OCR(args.detector)
    except (UsageError, FileNotFoundError, ValueError) as err:
        print(f"ocrforge scan: {err}", file=sys.stderr)
        return 2

    results, failed = [], 0
    for index, path in enumerate(tqdm(args.paths, desc="scan", unit="photo", disable=None if len(args.paths) > 1 else True)):
        try:
            result = scan(path, ocr, binarize=args.binarize)
        except (ImageError, NoPageError) as err:  # both messages name the photo
            print(f"ocrforge scan: {err}", file=sys.stderr)
            failed += 1
            continue
        result.page.path = str(path)
        if args.format == "json":
            print(json.dumps(_record(path, result), ensure_ascii=False), flush=True)
        if args.out is not None:
            results.append((index, result))
    if results:
        written = _write(args.out, results, len(args.paths))
        # With JSON on stdout the note goes to stderr, so stdout stays one record per line.
        print(f"wrote {', '.join(map(str, written))}", file=sys.stderr if args.format == "json" else sys.stdout)
    return 1 if failed else 0
