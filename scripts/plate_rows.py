"""Real plate rows for training the plate recognizer, from a folder of labelled plate crops.

Each crop's plate is found and boxed by the shipped plate reader and its row cut as the reader cuts it
(READ_MARGIN), so the recognizer learns from what it is shown at run time. A crop is kept only where the
reader's reading agrees with the label (plates.labelled): a box that lost a character (a tight crop's first
letter against the image edge) would teach the wrong text.

    python scripts/plate_rows.py ../shared/data/train_real/train/br_plates data/br_rows_train
    python scripts/plate_rows.py ../shared/data/train_real/val/br_plates data/br_rows_val
    ocrforge train recognizer --init-from train-state/plates-last.pt --shards PLATE_SHARDS --validation plates \\
        --real folder:data/br_rows_train --real-val folder:data/br_rows_val --real-share 0.3 --lr 3e-4 --out runs/plates
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image
from tqdm import tqdm

from ocrforge.data.readers.folder import read_labels
from ocrforge.detect.geometry import crop_quad, expand_quad, reading_quad
from ocrforge.io.images import load_image
from ocrforge.plates.labelled import agreed_box
from ocrforge.plates.reader import READ_MARGIN, PlateReader


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("crops", type=Path, help="folder with labels.tsv of whole-plate crops")
    parser.add_argument("out", type=Path, help="folder to write the rows and their labels.tsv to")
    args = parser.parse_args()
    (args.out / "images").mkdir(parents=True, exist_ok=True)
    reader = PlateReader(threads=1)
    pairs = list(read_labels(args.crops))
    rows = []
    for path, text in tqdm(pairs, desc="rows", unit="crop"):
        pixels = load_image(path)
        box = agreed_box(reader, pixels, text)
        if box is None:
            continue
        name = f"images/{path.stem}.png"
        Image.fromarray(crop_quad(pixels, expand_quad(reading_quad(box), READ_MARGIN))).save(args.out / name)
        rows.append(f"{name}\t{text}\n")
    (args.out / "labels.tsv").write_text("".join(rows), encoding="utf-8")
    print(f"{args.crops}: kept {len(rows)} of {len(pairs)} crops as rows in {args.out}")


if __name__ == "__main__":
    main()
