"""Pack the synthetic engine's fonts for a machine without Debian's font packages (the lent GPU machine):
up to --per-package faces of every package in font_packages.txt (train and holdout alike, so the split
stays the package's), each cut down to the printable ASCII glyphs with fontTools' subsetter, laid out
PACKAGE/FACE so that `OCRFORGE_FONT_DIR=<folder>` makes the engine render with them.

    python scripts/build_font_bundle.py --out gpu/fonts              # 2 faces a package: about 5 MB
"""

from __future__ import annotations

import argparse
import logging
import shutil
from pathlib import Path

from fontTools import subset
from tqdm import tqdm

from ocrforge.data.synth.fonts import load_faces
from ocrforge.text.charset import PRINTABLE_ASCII


def pick(paths: list[str], count: int) -> list[str]:
    """`count` faces spread evenly over a package's sorted files (weights and styles, not just the first)."""
    if len(paths) <= count:
        return paths
    step = (len(paths) - 1) / max(count - 1, 1)
    return [paths[round(i * step)] for i in range(count)]


def subset_face(source: str, target: Path) -> None:
    options = subset.Options()
    options.layout_features = ["kern", "liga"]  # spacing as the full face sets it
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # the engine renders large and scales down: hints only add bytes
    font = subset.load_font(source, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=PRINTABLE_ASCII)
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(target), options)


def main() -> None:
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # "FFTM NOT subset; dropped" and the like, per face
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write PACKAGE/FACE files into")
    parser.add_argument("--per-package", type=int, default=2, help="faces kept per package (default 2)")
    parser.add_argument("--packages", type=int, help="only the first N packages of each split (for quick tests)")
    args = parser.parse_args()
    chosen = []
    for split in ("train", "holdout"):
        by_package: dict[str, list[str]] = {}
        for face in load_faces(split):
            by_package.setdefault(face.package, []).append(face.path)
        for package in sorted(by_package)[: args.packages]:
            chosen += [(package, path) for path in pick(sorted(by_package[package]), args.per_package)]
    whole = 0
    for package, path in tqdm(chosen, desc="subset fonts", unit="face"):
        target = args.out / package / Path(path).name
        try:
            subset_face(path, target)
        except Exception:  # a table fontTools cannot rewrite (seen: a 'gasp' of version 768): the face as it is
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            whole += 1
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"wrote {len(chosen)} faces of {len({p for p, _ in chosen})} packages to {args.out} ({size / 1e6:.1f} MB; "
          f"{whole} copied whole, their tables beyond the subsetter)")


if __name__ == "__main__":
    main()
