"""Plates laid into real street photos, as detection records for training the plate detector on real appearance.

Half of the plates are real labelled crops, their row boxed by the shipped reader where its reading agrees with
the label (plates.labelled); the other half synthetic plates of every style. Each goes into a real photo whose
own words are painted out, with real word crops beside it as neighbouring print (data.synth.plate_scenes);
only plate rows are boxed. Photos come from detection records that box every word (partial labels are left out).
A share of the real plates is written bare instead, as the crop it is: the reader is given such crops too.

    R=../shared/data/train_real
    python scripts/plate_scenes.py --plates $R/train/br_plates --photos $R/train/ic03_scenes \\
        --neighbours $R/train/ic15_words --neighbours $R/train/iiit5k_words --count 3000 --seed 1 --out data/plate_scenes_train
    python scripts/plate_scenes.py --plates $R/val/br_plates --photos $R/val/ic03_scenes \\
        --neighbours $R/val/ic15_words --count 150 --seed 2 --fonts holdout --out data/plate_scenes_val
    ocrforge train detector --shards PLATE_DETECTION_SHARDS --validation plates --real data/plate_scenes_train \\
        --real-val data/plate_scenes_val --real-share 0.5 --init-from train-state/dbnet-last.pt --out runs/platedet
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from ocrforge.data.readers.boxes import read_boxes, save_boxes
from ocrforge.data.readers.folder import read_labels
from ocrforge.data.synth.plate_scenes import PlateCut, plate_scene, synthetic_cut, without_text
from ocrforge.data.synth.plates import plate_faces
from ocrforge.data.synth.scenes import TextImage
from ocrforge.io.images import load_image
from ocrforge.plates.labelled import agreed_box
from ocrforge.plates.reader import PlateReader

ONE_ROW_ASPECT = 2.5  # a box at least this many heights wide holds one row; the detector learns rows, not plates


def real_cuts(folder: Path) -> list[PlateCut]:
    """The one-row plates of a labelled crop folder whose box the reader's reading confirms."""
    reader = PlateReader(threads=1)
    cuts = []
    for path, text in tqdm(list(read_labels(folder)), desc="boxing real plates", unit="crop"):
        pixels = load_image(path)
        box = agreed_box(reader, pixels, text)
        if box is None:
            continue
        width, height = np.linalg.norm(box[1] - box[0]), np.linalg.norm(box[3] - box[0])
        if width >= ONE_ROW_ASPECT * height:
            cuts.append(PlateCut(pixels, [(text, box)]))
    return cuts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plates", type=Path, required=True, help="folder with labels.tsv of real whole-plate crops")
    parser.add_argument("--photos", type=Path, action="append", required=True,
                        help="folder of real photos' detection records, every word boxed (repeatable)")
    parser.add_argument("--neighbours", type=Path, action="append", default=[],
                        help="folder with labels.tsv of real word crops to stand beside plates (repeatable)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--synthetic-share", type=float, default=0.5, help="share of plates drawn synthetic")
    parser.add_argument("--bare-share", type=float, default=0.25, help="share of real plates written as the bare crop")
    parser.add_argument("--fonts", default="train", help="font split of the synthetic plates (train, holdout)")
    args = parser.parse_args()

    cuts = real_cuts(args.plates)
    print(f"{args.plates}: {len(cuts)} real plates boxed")
    photos = [without_text(load_image(item.image_path), item.quads + item.ignore)
              for folder in args.photos for item in tqdm(list(read_boxes(folder)), desc="painting out words", unit="photo")
              if not item.partial_labels]
    words = [path for folder in args.neighbours for path, _ in read_labels(folder)]
    faces = plate_faces(args.fonts)
    rng = np.random.default_rng(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for k in tqdm(range(args.count), desc="plate scenes", unit="image"):
        real = bool(cuts) and rng.random() >= args.synthetic_share
        cut = cuts[int(rng.integers(len(cuts)))] if real else synthetic_cut(rng, faces)
        if real and rng.random() < args.bare_share:
            scene = TextImage(cut.pixels, [q for _, q in cut.rows], [t for t, _ in cut.rows])
        else:
            chosen = [words[int(i)] for i in rng.integers(len(words), size=int(rng.integers(0, 3)))] if words else []
            scene = plate_scene(rng, photos[int(rng.integers(len(photos)))], cut, [load_image(p) for p in chosen])
        name = f"scene_{k:05d}.jpg"
        cv2.imwrite(str(args.out / name), cv2.cvtColor(scene.image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 95])
        save_boxes(args.out / f"scene_{k:05d}.json", name, scene.image.shape, scene.quads, scene.texts)


if __name__ == "__main__":
    main()
