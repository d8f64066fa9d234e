"""Licence plates, ocrforge against Tesseract and RapidOCR on the same images.

Sets (rendered once into --cache from faces and seeds no model trained on): plate_crops, loose crops of
plates photographed at up to 40° in dirt, night, glare and blur (seed 52); car_photos, the backs of
cars in a street at 1280x960, sometimes beside a shop sign (seed 53). Real sets, where --data-root has
them: br_plates_val, real Brazilian plate crops (train_real's validation split: no plate of it was trained
on); plates_real_dev, real European car photos (evaluation only).

Scoring: whole-plate accuracy, letters and digits only, case and separators ignored. ocrforge gives
one answer per image (`PlateReader`'s best plate); ocrforge-asread is the same without the plate-format
prior (`--region none`), to measure it on and off. The peers read the whole image (Tesseract --psm 11,
RapidOCR detection + recognition) and count as right if any one of their text lines, or all of them
joined, is the plate: a generous rule, since they have no notion of which text is the plate. On the crop
sets, rapidocr-rec is RapidOCR's recognizer alone on the whole crop, as a plate reader that is handed
crops would run it (its detection misses many small or tilted plates).
Speed: images/s over the set after one warm-up image, image decoding included, one process per run;
ocrforge and Tesseract read one image per core at a time, RapidOCR one image at a time.

    python benchmarks/plates.py --cache DIR [--crops 300] [--photos 100] [--engines ocrforge,ocrforge-asread,tesseract,rapidocr,rapidocr-rec]
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

import numpy as np
from common import CORES, REPO, Workers, bench_main, benchmark_parser, environment, report_head, timed, timed_with_load
from peers import RapidOCRRunner, tesseract

SETS = {"plate_crops": 52, "car_photos": 53}
REAL_SETS = {"br_plates_val": "train_real/val/br_plates", "plates_real_dev": "plates_real_dev"}  # under --data-root
CROP_SETS = {"plate_crops", "br_plates_val"}  # a plate and little else in every image
CROPS_ONLY = {"rapidocr-rec"}  # engines that read an image as one line: meaningless on whole car photos


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


def real_set(folder: Path) -> tuple[list[Path], list[str]]:
    from ocrforge.data.readers.folder import read_labels

    pairs = list(read_labels(folder))
    return [path for path, _ in pairs], [text for _, text in pairs]


def run_ocrforge(paths: list[Path], region: str = "auto") -> list[list[str]]:
    from ocrforge.plates.reader import PlateReader

    reader = PlateReader(threads=1)  # as `ocrforge plate` runs: one image per core, each on one thread

    def best(path: Path) -> list[str]:
        plates = reader.read(path, region=region)
        return [plates[0].text] if plates else []

    return timed(best, paths, threads=CORES)[0]


def run_tesseract(paths: list[Path]) -> list[list[str]]:
    def lines(path: Path) -> list[str]:  # sparse text (psm 11): every line it finds; a failed run reads nothing
        return [line.strip() for line in tesseract(path, 11, check=False).splitlines() if line.strip()]

    return timed(lines, paths, threads=CORES)[0]


def run_rapidocr(paths: list[Path], detect: bool = True) -> list[list[str]]:
    rapid = RapidOCRRunner()
    return timed(lambda path: list(rapid.read(path, detect=detect).texts), paths)[0]


# Timed from the start of the worker's run, model load and warm-up included.
RUNNERS = {name: timed_with_load(run) for name, run in
           {"ocrforge": run_ocrforge, "ocrforge-asread": partial(run_ocrforge, region="none"), "tesseract": run_tesseract,
            "rapidocr": run_rapidocr, "rapidocr-rec": partial(run_rapidocr, detect=False)}.items()}


def correct(lines: list[str], truth: str) -> bool:
    from ocrforge.plates.matching import normalise

    candidates = lines + [" ".join(lines)]
    return any(normalise(c) == normalise(truth) and normalise(truth) for c in candidates)


def scored(truths: list[str], reply: dict) -> dict:
    hits = [correct(lines, truth) for lines, truth in zip(reply["outputs"], truths)]
    return {"n": len(truths), "accuracy": float(np.mean(hits)), "images_per_s": len(truths) / reply["seconds"],
            "peak_rss_mb": reply["peak_rss_mb"], "predictions": reply["outputs"]}


def benchmark(args: argparse.Namespace, workers: Workers) -> tuple[str, dict]:
    env = environment()
    rows = []
    sets = [(name, *render(name, n, args.cache)) for name, n in (("plate_crops", args.crops), ("car_photos", args.photos))]
    sets += [(name, *real_set(args.data_root / folder)) for name, folder in REAL_SETS.items() if (args.data_root / folder).is_dir()]
    for name, paths, truths in sets:
        for engine in args.engines:
            if engine in CROPS_ONLY and name not in CROP_SETS:
                continue
            rows.append(workers.measure({"set": name, "engine": engine}, paths, partial(scored, truths)))
            if rows[-1]["status"] == "ok":
                print(f"{name} {engine}: {rows[-1]['accuracy']:.1%}", file=sys.stderr)

    lines = [*report_head("Licence plates", env, "- ocrforge model: shipped weights/plates.onnx with weights/plate-detector.onnx"),
             "Whole-plate accuracy (letters and digits, case and separators ignored). ocrforge: its one best plate per "
             "image; peers: any of their lines, or all joined (generous). Synthetic images from holdout faces and unseen seeds; "
             "real ones never trained on.", "",
             "| Set | Engine | n | Plate accuracy | images/s | Peak RSS (MB) |", "|---|---|---:|---:|---:|---:|"]
    for row in rows:
        if row["status"] != "ok":
            lines.append(f"| {row['set']} | {row['engine']} | | n/a ({row['reason'][:60]}) | | |")
        else:
            lines.append(f"| {row['set']} | {row['engine']} | {row['n']} | **{row['accuracy']:.1%}** | "
                         f"{row['images_per_s']:.1f} | {row['peak_rss_mb']:.0f} |")
    return "\n".join(lines) + "\n", {"environment": env, "rows": rows}


def main() -> None:
    sizes = {"--crops": (300, "images in plate_crops"), "--photos": (100, "images in car_photos")}
    parser = benchmark_parser(__doc__, tuple(RUNNERS), "plates.md", "folder for the rendered sets (required)", sizes)
    parser.add_argument("--data-root", type=Path, default=REPO.parent / "shared" / "data",
                        help="folder holding the real sets (default: <repo>/../shared/data)")
    bench_main(__file__, parser, RUNNERS, benchmark, cache_required=True)


if __name__ == "__main__":
    main()
