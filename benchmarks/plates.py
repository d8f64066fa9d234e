"""Licence plates, ocrforge against Tesseract and RapidOCR on the same images (issue #6's plate targets).

Sets (rendered once into --cache from faces and seeds no model trained on): plate_crops, loose crops of
plates photographed at up to 40° in dirt, night, glare and blur (seed 52); car_photos, the backs of
cars in a street at 1280x960, sometimes beside a shop sign (seed 53).

Scoring: whole-plate accuracy, letters and digits only, case and separators ignored. ocrforge gives
one answer per image (`PlateReader`'s best plate). The peers read the whole image (Tesseract --psm 11,
RapidOCR detection + recognition) and count as right if any one of their text lines, or all of them
joined, is the plate: a generous rule, since they have no notion of which text is the plate.
Speed: images/s over the set after one warm-up image, image decoding included, one process per run;
ocrforge and Tesseract read one image per core at a time, RapidOCR one image at a time.

    python benchmarks/plates.py --cache DIR [--crops 300] [--photos 100] [--engines ocrforge,tesseract,rapidocr]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from common import REPO, ENGINES, call_worker, comma_list, environment, environment_lines, positive_int, serve_listing, write_report

SETS = {"plate_crops": 52, "car_photos": 53}


def render(name: str, n: int, cache: Path) -> tuple[list[Path], list[str]]:
    from PIL import Image

    from ocrforge.data.synth.plates import car_photo, plate_faces, plate_photo

    out = cache / f"{name}-seed{SETS[name]}-n{n}"
    labels = out / "labels.tsv"
    if not labels.exists():
        out.mkdir(parents=True, exist_ok=True)
        faces = plate_faces("holdout")
        rows = []
        for i in range(n):
            rng = np.random.default_rng([SETS[name], i])
            item = plate_photo(rng, faces) if name == "plate_crops" else car_photo(rng, faces)
            Image.fromarray(item.image).save(out / f"{i:04d}.png")
            rows.append(f"{i:04d}.png\t{item.text}\n")
        labels.write_text("".join(rows), encoding="utf-8")
    pairs = [line.split("\t") for line in labels.read_text(encoding="utf-8").splitlines()]
    return [out / p for p, _ in pairs], [t for _, t in pairs]


def run_ocrforge(paths: list[Path]) -> list[list[str]]:
    from ocrforge.plates.reader import PlateReader

    reader = PlateReader(threads=1)  # as `ocrforge plate` runs: one image per core, each on one thread
    reader.read(paths[0])
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return [[plates[0].text] if plates else [] for plates in pool.map(reader.read, paths)]


def run_tesseract(paths: list[Path]) -> list[list[str]]:
    def one(path: Path) -> list[str]:
        done = subprocess.run(["tesseract", str(path), "stdout", "--psm", "11", "-l", "eng"], capture_output=True, text=True,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        return [line.strip() for line in done.stdout.splitlines() if line.strip()]

    one(paths[0])
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(one, paths))


def run_rapidocr(paths: list[Path]) -> list[list[str]]:
    from rapidocr import RapidOCR

    from ocrforge.io.images import load_image

    engine = RapidOCR(params={"Global.log_level": "warning"})

    def one(path: Path) -> list[str]:
        result = engine(load_image(path)[..., ::-1])
        return list(getattr(result, "txts", None) or ())

    one(paths[0])
    return [one(p) for p in paths]


RUNNERS = {"ocrforge": run_ocrforge, "tesseract": run_tesseract, "rapidocr": run_rapidocr}


def correct(lines: list[str], truth: str) -> bool:
    from ocrforge.plates.matching import normalise

    candidates = lines + [" ".join(lines)]
    return any(normalise(c) == normalise(truth) and normalise(truth) for c in candidates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, help="folder for the rendered sets (required)")
    parser.add_argument("--crops", type=positive_int, default=300)
    parser.add_argument("--photos", type=positive_int, default=100)
    parser.add_argument("--engines", type=comma_list(ENGINES), default=list(ENGINES))
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/results/plates.md")
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--listing", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        serve_listing(RUNNERS[args.worker], args.listing)
        return
    if args.cache is None:
        parser.error("--cache is required")

    env = environment()
    rows = []
    for name, n in (("plate_crops", args.crops), ("car_photos", args.photos)):
        paths, truths = render(name, n, args.cache)
        listing = args.cache / f"{name}.txt"
        listing.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
        for engine in args.engines:
            reply = call_worker(__file__, ["--worker", engine, "--listing", str(listing)])
            if "error" in reply:
                rows.append({"set": name, "engine": engine, "status": "n/a", "reason": reply["error"]})
                continue
            hits = [correct(lines, truth) for lines, truth in zip(reply["outputs"], truths)]
            rows.append({"set": name, "engine": engine, "status": "ok", "n": len(truths), "accuracy": float(np.mean(hits)),
                         "images_per_s": len(truths) / reply["seconds"], "peak_rss_mb": reply["peak_rss_mb"],
                         "predictions": reply["outputs"]})
            print(f"{name} {engine}: {rows[-1]['accuracy']:.1%}", file=sys.stderr)

    lines = ["# Licence plates", "", *environment_lines(env), "- ocrforge model: shipped weights/plates.onnx with weights/plate-detector.onnx",
             f"- Command: `{env['command']}`", "",
             "Whole-plate accuracy (letters and digits, case and separators ignored). ocrforge: its one best plate per "
             "image; peers: any of their lines, or all joined (generous). Images from holdout faces and unseen seeds.", "",
             "| Set | Engine | n | Plate accuracy | images/s | Peak RSS (MB) |", "|---|---|---:|---:|---:|---:|"]
    for row in rows:
        if row["status"] != "ok":
            lines.append(f"| {row['set']} | {row['engine']} | | n/a ({row['reason'][:60]}) | | |")
        else:
            lines.append(f"| {row['set']} | {row['engine']} | {row['n']} | **{row['accuracy']:.1%}** | "
                         f"{row['images_per_s']:.1f} | {row['peak_rss_mb']:.0f} |")
    write_report(args.out, "\n".join(lines) + "\n", {"environment": env, "rows": rows})


if __name__ == "__main__":
    main()
