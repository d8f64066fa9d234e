"""`ocrforge synth words|shards|scenes|detection-shards|house-numbers`: the synthetic engine's samples,
to look at or to train on."""

from __future__ import annotations

import argparse
from pathlib import Path


def _run_words(args: argparse.Namespace) -> int:
    from ocrforge.data.synth.writer import write_samples

    write_samples(args.out, args.n, args.seed, args.preset, args.fonts)
    print(f"wrote {args.n} images and labels.tsv to {args.out}")
    return 0


def _run_shards(args: argparse.Namespace) -> int:
    from ocrforge.data.synth.writer import write_shards

    write_shards(args.out, args.seed, args.shards, args.shard_size, args.first, args.kind)
    return 0


def _run_scenes(args: argparse.Namespace) -> int:
    from ocrforge.data.synth.writer import write_scenes

    write_scenes(args.out, args.n, args.seed, args.kind, args.fonts)
    print(f"wrote {args.n} images and their word boxes (JSON) to {args.out}")
    return 0


def _run_detection_shards(args: argparse.Namespace) -> int:
    from ocrforge.data.synth.detection_shards import write_detection_shards

    write_detection_shards(args.out, args.seed, args.shards, args.shard_size, args.first, args.kind)
    return 0


def _run_house_numbers(args: argparse.Namespace) -> int:
    from PIL import Image
    from tqdm import tqdm

    from ocrforge.data.synth.house_numbers import house_number, write_house_number_shards

    if args.shards:
        for k in tqdm(range(args.first, args.first + args.shards), desc="shards", unit="shard"):
            write_house_number_shards(args.out, args.seed, 1, args.shard_size, first=k, split=args.fonts)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in tqdm(range(args.n), desc="house numbers", unit="image"):
        number = house_number(args.seed, i, args.fonts)
        name = f"house-{args.seed}-{i:06d}.png"
        Image.fromarray(number.image).save(args.out / name)
        rows.append(f"{name}\t{number.digits}\n")
    (args.out / "labels.tsv").write_text("".join(rows), encoding="utf-8")
    print(f"wrote {args.n} images and labels.tsv to {args.out}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    synth = sub.add_parser("synth", help="the synthetic text-image engine").add_subparsers(dest="what", required=True)
    words = synth.add_parser("words", help="write rendered samples and labels.tsv to look at")
    words.add_argument("--n", type=int, default=200)
    words.add_argument("--out", type=Path, required=True)
    words.add_argument("--seed", type=int, default=0)
    words.add_argument("--preset", choices=["mixed", "training", "clean", "degraded", "arched"], default="mixed")
    words.add_argument("--fonts", choices=["train", "holdout"], default="train")
    words.set_defaults(run=_run_words)
    shards = synth.add_parser("shards", help="pre-render training shards (uint8 crops, model-ready)")
    shards.add_argument("--out", type=Path, required=True)
    shards.add_argument("--seed", type=int, default=1000, help="training streams use seeds >= 100")
    shards.add_argument("--shards", type=int, default=10)
    shards.add_argument("--shard-size", type=int, default=10000)
    shards.add_argument("--first", type=int, default=0, help="index of the first shard (to extend a stream)")
    shards.add_argument("--kind", choices=["words", "arched", "plates", "handwriting"], default="words",
                        help="words: word and line crops; arched: words along arcs; plates: licence-plate rows for the "
                             "plate recognizer; handwriting: handwritten-looking French lines for the handwriting recognizer")
    shards.set_defaults(run=_run_shards)
    scenes = synth.add_parser("scenes", help="write whole images (scenes, pages, photos of pages) with word boxes to look at")
    scenes.add_argument("--n", type=int, default=20)
    scenes.add_argument("--out", type=Path, required=True)
    scenes.add_argument("--seed", type=int, default=0)
    scenes.add_argument("--kind", choices=["scene", "page", "photo"], help="default: a mix")
    scenes.add_argument("--fonts", choices=["train", "holdout"], default="train")
    scenes.set_defaults(run=_run_scenes)
    det_shards = synth.add_parser("detection-shards", help="pre-render detector training images with their word boxes")
    det_shards.add_argument("--out", type=Path, required=True)
    det_shards.add_argument("--seed", type=int, default=2000, help="training streams use seeds >= 100")
    det_shards.add_argument("--shards", type=int, default=10)
    det_shards.add_argument("--shard-size", type=int, default=200)
    det_shards.add_argument("--first", type=int, default=0, help="index of the first shard (to extend a stream)")
    det_shards.add_argument("--kind", choices=["text", "plates"], default="text",
                            help="text: scenes and pages, every word boxed; plates: plate crops and car photos, plate rows boxed")
    det_shards.set_defaults(run=_run_detection_shards)
    house = synth.add_parser("house-numbers", help="synthetic house-number photos (64x128) for the digit-sequence model")
    house.add_argument("--out", type=Path, required=True)
    house.add_argument("--n", type=int, default=50, help="images written as PNG with labels.tsv, to look at")
    house.add_argument("--shards", type=int, help="write this many training shards (.npz) instead of PNGs")
    house.add_argument("--shard-size", type=int, default=1000)
    house.add_argument("--first", type=int, default=0, help="index of the first shard (to extend a stream)")
    house.add_argument("--seed", type=int, default=4000, help="training streams use seeds >= 100")
    house.add_argument("--fonts", choices=["train", "holdout"], default="train")
    house.set_defaults(run=_run_house_numbers)
