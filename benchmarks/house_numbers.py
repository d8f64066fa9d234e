"""House numbers, ocrforge's DRAM reader against Tesseract and RapidOCR on the same images (issue #5).

Set (rendered once into --cache): synthetic house numbers in holdout faces from a seed no model trained
on (`ocrforge.data.synth.house_numbers`, seed 71): 1-5 digits on walls and plaques, neighbours cut by
the frame, blur, perspective, low light.

Scoring: whole-number accuracy on the digits. Peers read the whole image (Tesseract: one text line,
--psm 7, digits whitelisted; RapidOCR: detection + recognition, and recognition alone as rapidocr-rec) and are credited with the digits of all
their text joined, so letters or stray marks they read do not count against them.
Speed: images/s over the set, image decoding included, after one warm-up image, one process per
engine; ocrforge reads the set in batches of 64, the peers one image at a time (Tesseract two at a time).

    python benchmarks/house_numbers.py --cache DIR [--n 300] [--engines ocrforge,tesseract,rapidocr,rapidocr-rec]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from common import REPO, call_worker, comma_list, environment, environment_lines, positive_int, serve_listing, write_report

SEED = 71


def render(n: int, cache: Path) -> tuple[list[Path], list[str]]:
    from PIL import Image

    from ocrforge.data.synth.house_numbers import house_number

    out = cache / f"house-seed{SEED}-n{n}"
    labels = out / "labels.tsv"
    if not labels.exists():
        out.mkdir(parents=True, exist_ok=True)
        rows = []
        for i in range(n):
            number = house_number(SEED, i, "holdout")
            Image.fromarray(number.image).save(out / f"{i:04d}.png")
            rows.append(f"{i:04d}.png\t{number.digits}\n")
        labels.write_text("".join(rows), encoding="utf-8")
    pairs = [line.split("\t") for line in labels.read_text(encoding="utf-8").splitlines()]
    return [out / p for p, _ in pairs], [t for _, t in pairs]


def run_ocrforge(paths: list[Path]) -> list[str]:
    from ocrforge.digits.house import HouseNumberReader
    from ocrforge.io.images import load_image

    reader = HouseNumberReader()
    reader.read([load_image(paths[0])])
    texts = []
    for i in range(0, len(paths), 64):
        texts += [r.digits for r in reader.read([load_image(p) for p in paths[i : i + 64]])]
    return texts


def run_tesseract(paths: list[Path]) -> list[str]:
    def one(path: Path) -> str:
        done = subprocess.run(["tesseract", str(path), "stdout", "--psm", "7", "-l", "eng", "-c", "tessedit_char_whitelist=0123456789"],
                              capture_output=True, text=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        return done.stdout

    one(paths[0])
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(one, paths))


def _read_with_rapidocr(paths: list[Path], detect: bool) -> list[str]:
    """RapidOCR's text per image, all its lines joined; `detect=False` runs its recognizer alone on the whole
    image (the photos are framed around their number, like crops), sparing it the detection that misses
    small or low-contrast digits."""
    from rapidocr import RapidOCR

    from ocrforge.io.images import load_image

    engine = RapidOCR(params={"Global.log_level": "warning"})
    modes = {} if detect else {"use_det": False, "use_cls": False, "use_rec": True}

    def one(path: Path) -> str:
        result = engine(load_image(path)[..., ::-1], **modes)
        return " ".join(getattr(result, "txts", None) or ())

    one(paths[0])
    return [one(p) for p in paths]


def run_rapidocr(paths: list[Path]) -> list[str]:
    return _read_with_rapidocr(paths, detect=True)


def run_rapidocr_rec(paths: list[Path]) -> list[str]:
    return _read_with_rapidocr(paths, detect=False)


RUNNERS = {"ocrforge": run_ocrforge, "tesseract": run_tesseract, "rapidocr": run_rapidocr, "rapidocr-rec": run_rapidocr_rec}


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, help="folder for the rendered set (required)")
    parser.add_argument("--n", type=positive_int, default=300)
    parser.add_argument("--engines", type=comma_list(tuple(RUNNERS)), default=list(RUNNERS))
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/results/house_numbers.md")
    parser.add_argument("--worker", choices=tuple(RUNNERS), help=argparse.SUPPRESS)
    parser.add_argument("--listing", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        serve_listing(RUNNERS[args.worker], args.listing)
        return
    if args.cache is None:
        parser.error("--cache is required")

    env = environment()
    paths, truths = render(args.n, args.cache)
    listing = args.cache / "house_numbers.txt"
    listing.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
    rows = []
    for engine in args.engines:
        reply = call_worker(__file__, ["--worker", engine, "--listing", str(listing)])
        if "error" in reply:
            rows.append({"engine": engine, "status": "n/a", "reason": reply["error"]})
            continue
        hits = [digits_of(text) == truth for text, truth in zip(reply["outputs"], truths)]
        rows.append({"engine": engine, "status": "ok", "n": len(truths), "accuracy": float(np.mean(hits)),
                     "images_per_s": len(truths) / reply["seconds"], "peak_rss_mb": reply["peak_rss_mb"],
                     "predictions": reply["outputs"]})
        print(f"{engine}: {rows[-1]['accuracy']:.1%}", file=sys.stderr)

    ours = next((r for r in rows if r["engine"] == "ocrforge" and r["status"] == "ok"), None)
    lines = ["# House numbers", "", *environment_lines(env), "- ocrforge model: shipped weights/house.onnx (DRAM)",
             f"- Command: `{env['command']}`", "",
             f"Whole-number accuracy on {args.n} synthetic house numbers in holdout faces (seed {SEED}, never trained on). "
             "Peers read the whole image and are credited with the digits of all their text.", "",
             "| Engine | n | Accuracy | images/s | ocrforge speed × | Peak RSS (MB) |", "|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        if row["status"] != "ok":
            lines.append(f"| {row['engine']} | | n/a ({row['reason'][:60]}) | | | |")
            continue
        ratio = f"{ours['images_per_s'] / row['images_per_s']:.1f}×" if ours and row is not ours else ""
        lines.append(f"| {row['engine']} | {row['n']} | **{row['accuracy']:.1%}** | {row['images_per_s']:.1f} | {ratio} | "
                     f"{row['peak_rss_mb']:.0f} |")
    write_report(args.out, "\n".join(lines) + "\n", {"environment": env, "rows": rows})


if __name__ == "__main__":
    main()
