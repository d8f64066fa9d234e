"""Phone photos of pages: `ocrforge scan` against Tesseract and RapidOCR on the same photos (issue #6's scan targets).

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
from pathlib import Path

import numpy as np

from common import REPO, call_worker, comma_list, environment, environment_lines, positive_int, serve, write_report
from pages import run_rapidocr, run_tesseract, timed

SETS = {"page_photos": (62, (960, 1200)), "photos_12mp": (63, (3000, 4000))}
ENGINES = ("ocrforge", "read", "tesseract", "rapidocr")


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


RUNNERS = {"ocrforge": run_scan, "read": run_read, "tesseract": run_tesseract, "rapidocr": run_rapidocr}


def corner_error(found: list | None, truth: np.ndarray) -> float:
    """Mean distance of the four corners as a share of the page diagonal; a page not found counts 100%."""
    if found is None:
        return 1.0
    diagonal = (np.linalg.norm(truth[2] - truth[0]) + np.linalg.norm(truth[3] - truth[1])) / 2
    return float(np.linalg.norm(np.asarray(found) - truth, axis=1).mean() / diagonal)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, help="folder for the rendered sets (required)")
    parser.add_argument("--photos", type=positive_int, default=20, help="photos in page_photos")
    parser.add_argument("--large", type=positive_int, default=3, help="photos in photos_12mp")
    parser.add_argument("--engines", type=comma_list(ENGINES), default=list(ENGINES))
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/results/scan.md")
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--listing", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        paths = [Path(p) for p in args.listing.read_text(encoding="utf-8").splitlines()]
        serve(lambda: dict(zip(("pages", "seconds"), RUNNERS[args.worker](paths, None))))
        return
    if args.cache is None:
        parser.error("--cache is required")

    from ocrforge.data.readers.folder import read_labels
    from ocrforge.eval.pages import PageTextScore, page_text_score

    env = environment()
    rows = []
    for name, n in (("page_photos", args.photos), ("photos_12mp", args.large)):
        folder = render(name, n, args.cache)
        pairs = list(read_labels(folder / "labels.tsv"))
        listing = args.cache / f"{name}.txt"
        listing.write_text("".join(f"{path}\n" for path, _ in pairs), encoding="utf-8")
        for engine in args.engines:
            reply = call_worker(__file__, ["--worker", engine, "--listing", str(listing)])
            if "error" in reply:
                rows.append({"set": name, "engine": engine, "status": "n/a", "reason": reply["error"]})
                continue
            score = PageTextScore()
            for page, (_, truth) in zip(reply["pages"], pairs):
                score.add(page_text_score(page["text"], truth))
            row = {"set": name, "engine": engine, "status": "ok", "n": len(pairs), "cer": score.cer, "wer": score.wer,
                   "s_per_photo": reply["seconds"] / len(pairs), "peak_rss_mb": reply["peak_rss_mb"], "pages": reply["pages"]}
            if engine == "ocrforge":
                truths = [np.load(Path(path).with_suffix(".corners.npy")) for path, _ in pairs]
                row["corner_error"] = float(np.mean([corner_error(p["corners"], t) for p, t in zip(reply["pages"], truths)]))
            rows.append(row)
            print(f"{name} {engine}: CER {row['cer']:.2%}", file=sys.stderr)

    lines = ["# Scanning phone photos of pages", "", *environment_lines(env),
             "- ocrforge models: shipped weights/dbnet.onnx and weights/crnn.onnx", f"- Command: `{env['command']}`", "",
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
    write_report(args.out, "\n".join(lines) + "\n", {"environment": env, "rows": rows})


if __name__ == "__main__":
    main()
