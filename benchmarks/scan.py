"""Phone photos of pages: `ocrforge scan` against Tesseract and RapidOCR on the same photos.

Sets, rendered once into --cache from holdout fonts and seeds no model trained on: page_photos, pages in
perspective on a desk with uneven light, shadow, blur and noise at 960x1200 (seed 62); photos_12mp, the
same kind at 3000x4000 for the speed target (seed 63).

ocrforge: `scan()` (find the page, rectify, flatten, deskew, read); its corners are scored against the true
ones as the mean corner distance over the page diagonal. "ocrforge read" is the same models on the raw
photo, without the scan steps. Tesseract (`--psm 3`) and RapidOCR (detection + recognition) read the raw
photo. Page CER/WER: edit distance to the page's text in reading order, whitespace runs as one space, summed
over the set. s/photo: wall time over the set after a warm-up photo, decoding the file included.

    python benchmarks/scan.py --cache DIR [--photos 20] [--large 3] [--engines ocrforge,read,tesseract,rapidocr]
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

import numpy as np
from common import Workers, bench_main, benchmark_parser, environment, report_head, timed
from peers import rapidocr_pages, tesseract_pages

SETS = {"page_photos": (62, (960, 1200)), "photos_12mp": (63, (3000, 4000))}


def render(name: str, n: int, cache: Path) -> Path:
    """The set's photos, page texts and true corners, rendered once (labels.tsv last, so it marks a complete set)."""
    from PIL import Image

    from ocrforge.data.synth.fonts import load_faces
    from ocrforge.data.synth.scenes import photo
    from ocrforge.text.escape import escape

    seed, (width, height) = SETS[name]
    out = cache / f"{name}-seed{seed}-n{n}"
    if not (out / "labels.tsv").exists():
        out.mkdir(parents=True, exist_ok=True)
        faces = load_faces("holdout")
        rows = []
        for i in range(n):
            item = photo(np.random.default_rng([seed, i]), faces, width, height)
            Image.fromarray(item.image).save(out / f"{i:04d}.png")
            np.save(out / f"{i:04d}.corners.npy", item.page)
            rows.append(f"{i:04d}.png\t{escape(' '.join(item.texts))}\n")
        (out / "labels.tsv").write_text("".join(rows), encoding="utf-8")
    return out


def run_scan(paths: list[Path], detector: str | None) -> tuple[list[dict], float]:
    from ocrforge.pipeline.ocr import OCR
    from ocrforge.scan.scanner import NoPageError, scan

    ocr = OCR()

    def read(path: Path) -> dict:
        try:
            result = scan(path, ocr)
        except NoPageError:
            return {"text": "", "corners": None}
        return {"text": result.page.text, "corners": np.round(result.corners, 1).tolist()}

    return timed(read, paths, "ocrforge scan")


def run_read(paths: list[Path], detector: str | None) -> tuple[list[dict], float]:
    from ocrforge.pipeline.ocr import OCR

    ocr = OCR()
    return timed(lambda path: {"text": ocr.read(path).text}, paths, "ocrforge read")


RUNNERS = {"ocrforge": run_scan, "read": run_read, "tesseract": tesseract_pages, "rapidocr": rapidocr_pages}


def corner_error(found: list | None, truth: np.ndarray) -> float:
    """Mean distance of the four corners as a share of the page diagonal; a page not found counts 100%."""
    if found is None:
        return 1.0
    diagonal = (np.linalg.norm(truth[2] - truth[0]) + np.linalg.norm(truth[3] - truth[1])) / 2
    return float(np.linalg.norm(np.asarray(found) - truth, axis=1).mean() / diagonal)


def scored(pairs: list[tuple[Path, str]], reply: dict) -> dict:
    """Page CER / WER over the set, against the page texts of `pairs` (path, text)."""
    from ocrforge.eval.pages import PageTextScore, page_text_score

    score = PageTextScore()
    for page, (_, truth) in zip(reply["outputs"], pairs):
        score.add(page_text_score(page["text"], truth))
    return {"n": len(pairs), "cer": score.cer, "wer": score.wer, "s_per_photo": reply["seconds"] / len(pairs),
            "peak_rss_mb": reply["peak_rss_mb"], "pages": reply["outputs"]}


def benchmark(args: argparse.Namespace, workers: Workers) -> tuple[str, dict]:
    from ocrforge.data.readers.folder import read_labels

    env = environment()
    rows = []
    for name, n in (("page_photos", args.photos), ("photos_12mp", args.large)):
        folder = render(name, n, args.cache)
        pairs = list(read_labels(folder / "labels.tsv"))
        for engine in args.engines:
            row = workers.measure({"set": name, "engine": engine}, [path for path, _ in pairs], partial(scored, pairs))
            if row["status"] == "ok" and engine == "ocrforge":
                truths = [np.load(Path(path).with_suffix(".corners.npy")) for path, _ in pairs]
                row["corner_error"] = float(np.mean([corner_error(p["corners"], t) for p, t in zip(row["pages"], truths)]))
            rows.append(row)
            if row["status"] == "ok":
                print(f"{name} {engine}: CER {row['cer']:.2%}", file=sys.stderr)

    lines = [*report_head("Scanning phone photos of pages", env, "- ocrforge models: shipped weights/dbnet.onnx and weights/crnn.onnx"),
             "ocrforge: `scan()` on the photo; ocrforge read: `OCR().read()` on the raw photo; Tesseract `--psm 3` and "
             "RapidOCR (detection + recognition) on the raw photo. Corner error: mean corner distance over the page "
             "diagonal. Page CER/WER in reading order, whitespace normalised, summed over the set.", "",
             "| Set | Engine | n | Corner error | Page CER | Page WER | s/photo | Peak RSS (MB) |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        if row["status"] != "ok":
            lines.append(f"| {row['set']} | {row['engine']} | | | n/a ({row['reason'][:60]}) | | | |")
            continue
        corner = f"{row['corner_error']:.2%}" if "corner_error" in row else ""
        lines.append(f"| {row['set']} | {row['engine']} | {row['n']} | {corner} | **{row['cer']:.2%}** | {row['wer']:.2%} | "
                     f"{row['s_per_photo']:.2f} | {row['peak_rss_mb']:.0f} |")
    return "\n".join(lines) + "\n", {"environment": env, "rows": rows}


def main() -> None:
    sizes = {"--photos": (20, "photos in page_photos"), "--large": (3, "photos in photos_12mp")}
    bench_main(__file__, benchmark_parser(__doc__, tuple(RUNNERS), "scan.md", "folder for the rendered sets (required)", sizes),
               RUNNERS, benchmark, cache_required=True)


if __name__ == "__main__":
    main()
