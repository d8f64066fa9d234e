"""`ocrforge eval recognizer|detector|digits`: measure a model on a labelled set."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ocrforge.commands.common import add_decoding, add_max_side, add_orientation, add_recognizer_choice, fail


def _run_recognizer(args: argparse.Namespace) -> int:
    from ocrforge.eval.recognizer import evaluate_recognizer

    return evaluate_recognizer(args.data, args.model or args.arch, args.limit, args.ignore_spaces, args.decoder, args.json,
                               args.lexicon, args.orientation)


def _run_detector(args: argparse.Namespace) -> int:
    from ocrforge.eval.detector import evaluate_detector

    return evaluate_detector(args.data, args.model, args.limit, args.iou, args.max_side, args.json)


def _run_digits(args: argparse.Namespace) -> int:
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
        return fail("eval digits", err)
    print(json.dumps({"data": args.data, "variant": args.variant, "model": str(reader.model_path), **report.as_dict()})
          if args.json else text)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ocrforge.data.mnist_variants import VARIANTS

    evaluate = sub.add_parser("eval", help="measure a model on a labelled set").add_subparsers(dest="what", required=True)
    rec_eval = evaluate.add_parser("recognizer", help="word accuracy, CER, 1-NED, accuracy by length, confusions, speed")
    rec_eval.add_argument("--data", required=True, help="KIND:PATH, e.g. folder:../shared/data/words_real (kinds: folder, lmdb, "
                          "boxes, icdar, icdar_words, iiit5k, svt, alto, page, mnist, mnist_csv, svhn, svhn_full)")
    add_recognizer_choice(rec_eval)
    rec_eval.add_argument("--limit", type=int, help="only the first N samples")
    rec_eval.add_argument("--ignore-spaces", action="store_true", help="compare without spaces (receipt labels)")
    add_decoding(rec_eval)
    add_orientation(rec_eval)
    rec_eval.add_argument("--json", action="store_true", help="one JSON object instead of the readable report")
    rec_eval.set_defaults(run=_run_recognizer)
    det_eval = evaluate.add_parser("detector", help="precision, recall and H-mean of the word boxes found (IoU >= 0.5)")
    det_eval.add_argument("--data", required=True, help="KIND:PATH, e.g. boxes:../shared/data/receipts_det (kinds: boxes "
                                                        "(detection JSON), icdar (gt_*.txt), svt (train.xml/test.xml))")
    det_eval.add_argument("--model", type=Path, help="ONNX detector (default: the shipped DBNet)")
    det_eval.add_argument("--limit", type=int, help="only the first N images")
    det_eval.add_argument("--iou", type=float, default=0.5, help="IoU a found box needs with a true one to match it (default 0.5)")
    add_max_side(det_eval, "; small print is looked at again larger")
    det_eval.add_argument("--json", action="store_true", help="one JSON object instead of the readable report")
    det_eval.set_defaults(run=_run_detector)
    digits = evaluate.add_parser("digits", help="house-number accuracy (DRAM) or single-digit error (RAM) on a labelled set")
    digits.add_argument("--data", required=True, help="KIND:PATH, e.g. mnist:../shared/data/mnist/t10k-images-idx3-ubyte.gz "
                                                      "(with --model ram) or folder:DIR of house numbers")
    digits.add_argument("--model", default="house", help="'house', 'ram', 'ram-translated', 'ram-cluttered' (shipped) "
                                                         "or an exported .onnx digit model")
    digits.add_argument("--variant", choices=VARIANTS, default="centred",
                        help="RAM only: show the digits centred (28x28), translated or cluttered (60x60, placed with a fixed seed)")
    digits.add_argument("--limit", type=int, help="only the first N digits")
    digits.add_argument("--json", action="store_true")
    digits.set_defaults(run=_run_digits)
