"""`ocrforge digits`, `ocrforge train ram` and `ocrforge eval digits`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

MNIST_5K = "mnist_csv:../shared/data/mnist/mnist_5k.csv.gz"


def _cmd_train_ram(args: argparse.Namespace) -> int:
    from ocrforge.train.ram import RAMTrainConfig, train_ram

    cfg = RAMTrainConfig(
        data=args.data, out=args.out, variant=args.variant, steps=args.steps, batch_size=args.batch_size, lr=args.lr,
        val_every=args.val_every, seed=args.seed, threads=args.threads, resume=args.resume, init_from=args.init_from,
        model_args=args.model_args,
    )
    final = train_ram(cfg)
    print(" ".join(f"{k}={v}" for k, v in final.items()))
    return 0


def add_train_parser(train: argparse._SubParsersAction) -> None:
    from ocrforge.data.mnist_variants import VARIANTS

    ram = train.add_parser("ram", help="train the recurrent attention model on 28x28 digits (MNIST-style)")
    ram.add_argument("--data", default=MNIST_5K, help=f"KIND:PATH of 28x28 training digits (default {MNIST_5K})")
    ram.add_argument("--variant", choices=VARIANTS, default="centred",
                     help="centred 28x28, or the digit at a random place in 60x60 (translated), with clutter (cluttered)")
    ram.add_argument("--out", type=Path, required=True)
    ram.add_argument("--steps", type=int, default=20000)
    ram.add_argument("--batch-size", type=int, default=128)
    ram.add_argument("--lr", type=float, default=1e-3)
    ram.add_argument("--val-every", type=int, default=1000)
    ram.add_argument("--seed", type=int, default=0)
    ram.add_argument("--threads", type=int, default=2)
    ram.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    ram.add_argument("--init-from", type=Path, help="checkpoint whose weights to start from")
    ram.add_argument("--model-args", type=json.loads, default={},
                     help='JSON of RAM settings, e.g. \'{"glimpses": 8, "patch": 12}\'')
    ram.set_defaults(run=_cmd_train_ram)


def _cmd_digits(args: argparse.Namespace) -> int:
    import sys

    from PIL import Image

    from ocrforge.digits.models import load_digit_model
    from ocrforge.digits.visualize import draw_glimpses
    from ocrforge.io.images import ImageError, load_image
    from ocrforge.runtime.recognize_cli import UsageError, collect_paths
    from ocrforge.text.escape import escape

    try:
        paths = collect_paths(args.paths, args.from_file)
        if not paths:
            raise UsageError("no input images (give paths, folders or --from-file)")
        reader = load_digit_model(args.model)
    except (UsageError, FileNotFoundError, ValueError) as err:
        print(f"ocrforge digits: {err}", file=sys.stderr)
        return 2
    images, readable, failed = [], [], 0
    for path in paths:
        try:
            images.append(load_image(path))
            readable.append(path)
        except ImageError as err:
            print(f"ocrforge digits: {err}", file=sys.stderr)
            failed += 1
    readings = reader.read(images)
    if args.visualize:
        args.visualize.mkdir(parents=True, exist_ok=True)
    for path, reading in zip(readable, readings):
        if args.json:
            print(json.dumps({"path": str(path), "digits": reading.digits, "confidence": round(reading.confidence, 4),
                              "glimpses": [[round(float(x), 2), round(float(y), 2)] for x, y in reading.glimpses]}))
        else:
            print(f"{escape(str(path))}\t{reading.digits}")
        if args.visualize:
            picture = draw_glimpses(reading.model_input, reading.glimpses, reader.patch, reader.scales,
                                    f"{reading.digits} ({reading.confidence:.0%})")
            Image.fromarray(picture).save(args.visualize / f"{path.stem}.glimpses.png")
    sys.stdout.flush()
    return 1 if failed else 0


def add_digits_parser(sub: argparse._SubParsersAction) -> None:
    digits = sub.add_parser("digits", help="read house numbers or handwritten digits with recurrent attention: PATH<TAB>DIGITS")
    digits.add_argument("paths", nargs="*", type=Path, help="image files or folders")
    digits.add_argument("--from-file", type=Path, help="read more paths from this file, one per line ('-': stdin)")
    digits.add_argument("--model", default="house",
                        help="'house': the shipped house-number reader (1-5 digits); 'ram': one handwritten digit per "
                             "image ('ram-translated', 'ram-cluttered': the RAMs trained on 60x60 digits); or an exported "
                             ".onnx digit model")
    digits.add_argument("--visualize", type=Path, metavar="DIR",
                        help="write DIR/<name>.glimpses.png: the glimpse path (the boxes it looked at, in order)")
    digits.add_argument("--json", action="store_true", help="one JSON object per image, with confidence and glimpse centres")
    digits.set_defaults(run=_cmd_digits)


def _cmd_eval_digits(args: argparse.Namespace) -> int:
    import sys

    from ocrforge.digits.evaluate import evaluate_digits, evaluate_house_numbers, format_digit_report, format_house_report
    from ocrforge.digits.house import HouseNumberReader
    from ocrforge.digits.models import load_digit_model

    try:
        reader = load_digit_model(args.model)
        if isinstance(reader, HouseNumberReader):
            report = evaluate_house_numbers(reader, args.data, args.limit)
            text = format_house_report(report, args.data)
        else:
            report = evaluate_digits(reader, args.data, args.variant, args.limit)
            text = format_digit_report(report, f"{args.data} ({args.variant})")
    except (ValueError, FileNotFoundError) as err:
        print(f"ocrforge eval digits: {err}", file=sys.stderr)
        return 2
    print(json.dumps({"data": args.data, "variant": args.variant, "model": str(reader.model_path), **report.as_dict()})
          if args.json else text)
    return 0


def add_eval_parser(evaluate: argparse._SubParsersAction) -> None:
    from ocrforge.data.mnist_variants import VARIANTS

    digits = evaluate.add_parser("digits", help="house-number accuracy (DRAM) or single-digit error (RAM) on a labelled set")
    digits.add_argument("--data", required=True, help="KIND:PATH, e.g. mnist:../shared/data/mnist/t10k-images-idx3-ubyte.gz "
                                                      "(with --model ram) or folder:DIR of house numbers")
    digits.add_argument("--model", default="house", help="'house', 'ram', 'ram-translated', 'ram-cluttered' (shipped) "
                                                         "or an exported .onnx digit model")
    digits.add_argument("--variant", choices=VARIANTS, default="centred",
                        help="RAM only: show the digits centred (28x28), translated or cluttered (60x60, placed with a fixed seed)")
    digits.add_argument("--limit", type=int, help="only the first N digits")
    digits.add_argument("--json", action="store_true")
    digits.set_defaults(run=_cmd_eval_digits)


def _cmd_synth_house_numbers(args: argparse.Namespace) -> int:
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


def add_synth_parser(synth: argparse._SubParsersAction) -> None:
    house = synth.add_parser("house-numbers", help="synthetic house-number photos (64x128) for the digit-sequence model")
    house.add_argument("--out", type=Path, required=True)
    house.add_argument("--n", type=int, default=50, help="images written as PNG with labels.tsv, to look at")
    house.add_argument("--shards", type=int, help="write this many training shards (.npz) instead of PNGs")
    house.add_argument("--shard-size", type=int, default=1000)
    house.add_argument("--first", type=int, default=0, help="index of the first shard (to extend a stream)")
    house.add_argument("--seed", type=int, default=4000, help="training streams use seeds >= 100")
    house.add_argument("--fonts", choices=["train", "holdout"], default="train")
    house.set_defaults(run=_cmd_synth_house_numbers)


def _cmd_train_dram(args: argparse.Namespace) -> int:
    from ocrforge.train.dram import DRAMTrainConfig, train_dram

    cfg = DRAMTrainConfig(
        shards=args.shards, out=args.out, real=args.real, steps=args.steps, batch_size=args.batch_size, lr=args.lr,
        val_every=args.val_every, val_size=args.val_size, box_guidance=args.box_guidance, seed=args.seed,
        threads=args.threads, resume=args.resume, init_from=args.init_from, model_args=args.model_args,
    )
    final = train_dram(cfg)
    print(" ".join(f"{k}={v}" for k, v in final.items()))
    return 0


def add_train_house_parser(train: argparse._SubParsersAction) -> None:
    house = train.add_parser("house-numbers", help="train the house-number reader (DRAM) on synthetic shards")
    house.add_argument("--shards", type=Path, required=True, help="folder of `ocrforge synth house-numbers --shards` output")
    house.add_argument("--out", type=Path, required=True)
    house.add_argument("--real", metavar="KIND:PATH",
                       help="real house numbers with digit boxes to train on as well, e.g. svhn_full:train/digitStruct.mat")
    house.add_argument("--steps", type=int, default=20000)
    house.add_argument("--batch-size", type=int, default=64)
    house.add_argument("--lr", type=float, default=1e-3)
    house.add_argument("--val-every", type=int, default=1000)
    house.add_argument("--val-size", type=int, default=500)
    house.add_argument("--box-guidance", type=float, default=0.5,
                       help="share of the run in which digit boxes guide the glimpses (fading to none); 0: REINFORCE alone")
    house.add_argument("--seed", type=int, default=0)
    house.add_argument("--threads", type=int, default=2)
    house.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    house.add_argument("--init-from", type=Path, help="checkpoint whose weights to start from")
    house.add_argument("--model-args", type=json.loads, default={}, help='JSON of DRAM settings, e.g. \'{"glimpses_per_digit": 3}\'')
    house.set_defaults(run=_cmd_train_dram)
