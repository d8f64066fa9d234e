"""Seconds per image of `OCR().read` on three typical sizes, and peak memory on a 12-megapixel photo.

Images come from the synthetic engine (holdout fonts, seed 62): a 1080x1440 phone photo of a page,
a 640x480 scene, and a page photo scaled up to 4000x3000. Each size is read in its own child process
(this script with --worker) so that the reported peak RSS is that read's alone.

    python benchmarks/read_speed.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

import cv2
import numpy as np

CASES = {  # name -> (width, height, kind)
    "page photo 1080x1440": (1080, 1440, "photo"),
    "scene 640x480": (640, 480, "scene"),
    "photo 12 MP (4000x3000)": (4000, 3000, "photo"),
}


def render(width: int, height: int, kind: str) -> np.ndarray:
    from ocrforge.data.synth.fonts import load_faces
    from ocrforge.data.synth.scenes import photo, scene

    rng = np.random.default_rng([62, width])
    faces = load_faces("holdout")
    if kind == "scene":
        return scene(rng, faces, width, height, max_angle=30.0).image
    # The renderer draws pages at phone-screen sizes; bigger photos are that photo scaled up.
    image = photo(rng, faces, min(width, 1080), min(height, 1440)).image
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_CUBIC) if width > 1080 else image


def worker(name: str, repeats: int) -> None:
    import ocrforge

    image = render(*CASES[name])
    ocr = ocrforge.OCR()
    ocr.read(image)  # warm-up: onnxruntime allocates on the first run
    times, words = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        words = len(ocr.read(image).words)
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"median_s": statistics.median(times), "words": words, "peak_rss_mb": peak}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--worker", choices=list(CASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.repeats)
        return
    print("| image | words read | median s per read | peak RSS (MB) |\n|---|---:|---:|---:|")
    for name in CASES:
        done = subprocess.run([sys.executable, __file__, "--worker", name, "--repeats", str(args.repeats)],
                              capture_output=True, text=True, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"| {name} | {result['words']} | {result['median_s']:.2f} | {result['peak_rss_mb']:.0f} |")


if __name__ == "__main__":
    main()
