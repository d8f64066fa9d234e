"""House numbers, ocrforge's DRAM reader against Tesseract and RapidOCR on the same images.

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
import re
import sys
from functools import partial
from pathlib import Path

import numpy as np
from common import CORES, Workers, bench_main, benchmark_parser, environment, report_head, timed, timed_with_load
from peers import RapidOCRRunner, tesseract

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
    # One line of text (psm 7), digits only, one image per core at a time; a failed run reads nothing.
    read = partial(tesseract, psm=7, options=("-c", "tessedit_char_whitelist=0123456789"), check=False)
    return timed(read, paths, threads=CORES)[0]


def run_rapidocr(paths: list[Path], detect: bool = True) -> list[str]:
    """RapidOCR's text per image, all its lines joined; `detect=False` runs its recognizer alone on the whole
    image (the photos are framed around their number, like crops), sparing it the detection that misses
    small or low-contrast digits."""
    rapid = RapidOCRRunner()
    return timed(lambda path: " ".join(rapid.read(path, detect=detect).texts), paths)[0]


# Timed from the start of the worker's run, model load and warm-up included.
RUNNERS = {name: timed_with_load(run) for name, run in {"ocrforge": run_ocrforge, "tesseract": run_tesseract, "rapidocr": run_rapidocr,
                                                         "rapidocr-rec": partial(run_rapidocr, detect=False)}.items()}


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def benchmark(args: argparse.Namespace, workers: Workers) -> tuple[str, dict]:
    env = environment()
    paths, truths = render(args.n, args.cache)

    def scored(reply: dict) -> dict:
        hits = [digits_of(text) == truth for text, truth in zip(reply["outputs"], truths)]
        return {"n": len(truths), "accuracy": float(np.mean(hits)), "images_per_s": len(truths) / reply["seconds"],
                "peak_rss_mb": reply["peak_rss_mb"], "predictions": reply["outputs"]}

    rows = []
    for engine in args.engines:
        rows.append(workers.measure({"engine": engine}, paths, scored))
        if rows[-1]["status"] == "ok":
            print(f"{engine}: {rows[-1]['accuracy']:.1%}", file=sys.stderr)

    ours = next((r for r in rows if r["engine"] == "ocrforge" and r["status"] == "ok"), None)
    lines = [*report_head("House numbers", env, "- ocrforge model: shipped weights/house.onnx (DRAM)"),
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
    return "\n".join(lines) + "\n", {"environment": env, "rows": rows}


def main() -> None:
    sizes = {"--n": (300, "house numbers in the set")}
    bench_main(__file__, benchmark_parser(__doc__, tuple(RUNNERS), "house_numbers.md", "folder for the rendered set (required)", sizes),
               RUNNERS, benchmark, cache_required=True)


if __name__ == "__main__":
    main()
