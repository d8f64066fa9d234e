"""`ocrforge train recognizer|detector|ram|house-numbers`: one run's options spelt once for all four
trainers (RunConfig), then each trainer's own."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ocrforge.commands.common import fail
from ocrforge.text.charset import CHARSETS
from ocrforge.train.config import (DETECTOR, DRAM, RAM, RECOGNIZER, DetectorTrainConfig, DRAMTrainConfig, RAMTrainConfig,
                                   RecognizerTrainConfig, RunConfig, RunDefaults)

MNIST_5K = "mnist_csv:../shared/data/mnist/mnist_5k.csv.gz"
TRAINABLE_SHIPPED = ("handwriting",)  # shipped recognizers whose files hold their weights by layer (train/onnx_weights.py)


def _starting_weights(value: str) -> Path:
    """--init-from: a file, else a shipped recognizer that training can start from, by name."""
    if not Path(value).exists() and value in TRAINABLE_SHIPPED:
        from ocrforge.runtime.onnx import RECOGNIZERS, shipped_model

        return shipped_model(RECOGNIZERS[value])
    return Path(value)


def _add_run_options(parser: argparse.ArgumentParser, defaults: RunDefaults, bf16: bool = True) -> None:
    """RunConfig's options, with the trainer's defaults. `bf16`: whether the trainer can take bf16 autocast."""
    parser.add_argument("--out", type=Path, required=True, help="run folder: checkpoints, log, metrics")
    parser.add_argument("--steps", type=int, default=defaults.steps)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--lr", type=float, default=defaults.lr)
    parser.add_argument("--val-every", type=int, default=defaults.val_every)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    parser.add_argument("--init-from", type=_starting_weights, metavar="CKPT|MODEL",
                        help="weights to start from (fine-tuning): a checkpoint (.pt), an exported CRNN (.onnx) or a "
                             f"shipped one by name ({', '.join(TRAINABLE_SHIPPED)}); its settings unless --model-args changes some")
    parser.add_argument("--minutes", type=float, help="wall-clock budget: validate and save before it runs out")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                        help="where to train (default auto: a CUDA GPU when there is one)")
    if bf16:
        parser.add_argument("--no-bf16", action="store_true",
                            help="train in float32 (default: bfloat16 autocast where the CPU has bf16 instructions)")
    parser.set_defaults(run_defaults=defaults)


def _run_config(args: argparse.Namespace) -> RunConfig:
    defaults = args.run_defaults
    return RunConfig(out=args.out, steps=args.steps, batch_size=args.batch_size, lr=args.lr, val_every=args.val_every,
                     warmup=defaults.warmup, weight_decay=defaults.weight_decay, seed=args.seed,
                     threads=args.threads, bf16=not getattr(args, "no_bf16", False), resume=args.resume,
                     init_from=args.init_from, minutes=args.minutes, device=args.device)


def _finish(what: str, train, cfg) -> int:
    """Train; print the last validation, or why the run could not start."""
    try:
        final = train(cfg)
    except (ValueError, FileNotFoundError) as err:  # a bad --real spec or set, a device that is not there
        return fail(f"train {what}", err)
    print(" ".join(f"{k}={v}" for k, v in final.items()))
    return 0


def _run_recognizer(args: argparse.Namespace) -> int:
    from ocrforge.train.recognizer import train_recognizer

    return _finish("recognizer", train_recognizer, RecognizerTrainConfig(
        run=_run_config(args), shards=args.shards, render_workers=args.render_workers, chunk_size=args.chunk_size,
        arch=args.arch, val_size=args.val_size, validation=args.validation,
        model_args=args.model_args | ({"charset": CHARSETS[args.charset]} if args.charset else {}),
        real=tuple(args.real), real_caseless=tuple(args.real_caseless), real_handwritten=tuple(args.real_handwritten),
        real_share=args.real_share, real_val=tuple(args.real_val)))


def _run_detector(args: argparse.Namespace) -> int:
    from ocrforge.train.detector import train_detector

    return _finish("detector", train_detector, DetectorTrainConfig(
        run=_run_config(args), shards=args.shards, crop_size=args.crop_size, val_images=args.val_images,
        loader_workers=args.loader_workers, validation=args.validation, real=tuple(args.real),
        real_share=args.real_share, real_val=tuple(args.real_val)))


def _run_ram(args: argparse.Namespace) -> int:
    from ocrforge.train.ram import train_ram

    return _finish("ram", train_ram, RAMTrainConfig(run=_run_config(args), data=args.data, variant=args.variant,
                                               model_args=args.model_args))


def _run_house_numbers(args: argparse.Namespace) -> int:
    from ocrforge.train.dram import train_dram

    return _finish("house-numbers", train_dram, DRAMTrainConfig(
        run=_run_config(args), shards=args.shards, real=args.real, val_size=args.val_size,
        box_guidance=args.box_guidance, model_args=args.model_args))


def _add_recognizer(train: argparse._SubParsersAction) -> None:

    recognizer = train.add_parser("recognizer", help="train a text recognizer on synthetic text, mixed with real crops if given")
    recognizer.add_argument("--arch", default=RecognizerTrainConfig.arch)
    recognizer.add_argument("--model-args", type=json.loads, default={},
                            help='JSON of architecture settings, e.g. \'{"channels": [48, 96, 192, 256, 320], "lstm_hidden": 192}\'')
    recognizer.add_argument("--charset", choices=sorted(CHARSETS), help="characters read (default ascii: the 95 printable; "
                            "latin adds Western European letters and typographic punctuation); a model started "
                            "--init-from one with fewer grows its output layer")
    recognizer.add_argument("--shards", type=Path, help="pre-rendered shards; without it samples are rendered live")
    recognizer.add_argument("--render-workers", type=int, default=RecognizerTrainConfig.render_workers, help="processes rendering live (no --shards)")
    recognizer.add_argument("--chunk-size", type=int, default=RecognizerTrainConfig.chunk_size, help="samples sorted by width together, then cut into batches")
    recognizer.add_argument("--validation", choices=["words", "plates", "lines"], default=RecognizerTrainConfig.validation,
                            help="validation sets that choose the best checkpoint (plates: for a plate recognizer; lines: "
                                 "the --real-val sets alone by character error rate, for handwritten lines)")
    recognizer.add_argument("--real", action="append", default=[], metavar="KIND:PATH",
                            help="real labelled crops to mix into training (repeatable; KIND as for `ocrforge eval`)")
    recognizer.add_argument("--real-caseless", action="append", default=[], metavar="KIND:PATH",
                            help="as --real, for sets labelled in upper case whatever the print (SROIE): scored ignoring case")
    recognizer.add_argument("--real-handwritten", action="append", default=[], metavar="KIND:PATH",
                            help="as --real, for handwritten lines: each draw also slanted, stretched, with another pen "
                                 "width and small elastic bends, as hands vary")
    recognizer.add_argument("--real-share", type=float, default=RecognizerTrainConfig.real_share,
                            help=f"share of every batch drawn from the real sets (default {RecognizerTrainConfig.real_share})")
    recognizer.add_argument("--real-val", action="append", default=[], metavar="KIND:PATH",
                            help="real validation set (repeatable): reported on its own, weighed in choosing best.pt")
    recognizer.add_argument("--val-size", type=int, default=RecognizerTrainConfig.val_size)
    _add_run_options(recognizer, RECOGNIZER)
    recognizer.set_defaults(run=_run_recognizer)


def _add_detector(train: argparse._SubParsersAction) -> None:

    detector = train.add_parser("detector", help="train the text detector on pre-rendered synthetic images, mixed with real ones if given")
    detector.add_argument("--shards", type=Path, help="folder of `ocrforge synth detection-shards` output (not needed with --real-share 1)")
    detector.add_argument("--crop-size", type=int, default=DetectorTrainConfig.crop_size)
    detector.add_argument("--val-images", type=int, help="at most N validation images of each kind (default: all)")
    detector.add_argument("--loader-workers", type=int, default=DetectorTrainConfig.loader_workers, help="processes cutting crops and targets")
    detector.add_argument("--validation", choices=["text", "plates", "lines"], default=DetectorTrainConfig.validation,
                          help="validation sets that choose the best checkpoint (plates: for the plate detector; lines: a "
                               "line detector for handwritten pages, the real sets' text lines as its boxes)")
    detector.add_argument("--real", action="append", default=[], type=Path, metavar="DIR",
                          help="folder of real detection records (JSON beside each image) to mix into training (repeatable)")
    detector.add_argument("--real-share", type=float, default=DetectorTrainConfig.real_share,
                          help=f"share of training crops cut from the real images (default {DetectorTrainConfig.real_share})")
    detector.add_argument("--real-val", action="append", default=[], type=Path, metavar="DIR",
                          help="real validation folder (repeatable): reported on its own, weighed in choosing best.pt")
    _add_run_options(detector, DETECTOR)
    detector.set_defaults(run=_run_detector)


def _add_ram(train: argparse._SubParsersAction) -> None:
    from ocrforge.data.mnist_variants import VARIANTS

    ram = train.add_parser("ram", help="train the recurrent attention model on 28x28 digits (MNIST-style)")
    ram.add_argument("--data", default=MNIST_5K, help=f"KIND:PATH of 28x28 training digits (default {MNIST_5K})")
    ram.add_argument("--variant", choices=VARIANTS, default=RAMTrainConfig.variant,
                     help="centred 28x28, or the digit at a random place in 60x60 (translated), with clutter (cluttered)")
    ram.add_argument("--model-args", type=json.loads, default={},
                     help='JSON of RAM settings, e.g. \'{"glimpses": 8, "patch": 12}\'')
    _add_run_options(ram, RAM, bf16=False)
    ram.set_defaults(run=_run_ram)


def _add_house_numbers(train: argparse._SubParsersAction) -> None:

    house = train.add_parser("house-numbers", help="train the house-number reader (DRAM) on synthetic shards")
    house.add_argument("--shards", type=Path, required=True, help="folder of `ocrforge synth house-numbers --shards` output")
    house.add_argument("--real", metavar="KIND:PATH",
                       help="real house numbers with digit boxes to train on as well, e.g. svhn_full:train/digitStruct.mat")
    house.add_argument("--val-size", type=int, default=DRAMTrainConfig.val_size)
    house.add_argument("--box-guidance", type=float, default=DRAMTrainConfig.box_guidance,
                       help="share of the run in which digit boxes guide the glimpses (fading to none); 0: REINFORCE alone")
    house.add_argument("--model-args", type=json.loads, default={}, help='JSON of DRAM settings, e.g. \'{"glimpses_per_digit": 3}\'')
    _add_run_options(house, DRAM, bf16=False)
    house.set_defaults(run=_run_house_numbers)


def add_parser(sub: argparse._SubParsersAction) -> None:
    train = sub.add_parser("train", help="train a model").add_subparsers(dest="what", required=True)
    for add in (_add_recognizer, _add_detector, _add_ram, _add_house_numbers):
        add(train)
