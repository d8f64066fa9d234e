"""The `ocrforge` command: recognize, read, scan, plate, permits, index, search, tags, serve, synth, train, eval, export."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ocrforge.digits.cli import add_digits_parser
from ocrforge.digits.cli import add_eval_parser as add_eval_digits_parser
from ocrforge.digits.cli import add_synth_parser as add_synth_house_parser
from ocrforge.digits.cli import add_train_house_parser
from ocrforge.digits.cli import add_train_parser as add_train_ram_parser
from ocrforge.extras import missing_extra_message
from ocrforge.index.cli import add_parsers as add_index_parsers
from ocrforge.plates.cli import add_parsers as add_plate_parsers
from ocrforge.server.cli import add_parser as add_serve_parser


def _cmd_synth_words(args: argparse.Namespace) -> int:
    from ocrforge.data.synth.writer import write_samples

    write_samples(args.out, args.n, args.seed, args.preset, args.fonts)
    print(f"wrote {args.n} images and labels.tsv to {args.out}")
    return 0


def _cmd_synth_shards(args: argparse.Namespace) -> int:
    from ocrforge.data.synth.writer import write_shards

    write_shards(args.out, args.seed, args.shards, args.shard_size, args.first, args.kind)
    return 0


def _cmd_synth_scenes(args: argparse.Namespace) -> int:
    from ocrforge.data.synth.writer import write_scenes

    write_scenes(args.out, args.n, args.seed, args.kind, args.fonts)
    print(f"wrote {args.n} images and their word boxes (JSON) to {args.out}")
    return 0


def _cmd_synth_detection_shards(args: argparse.Namespace) -> int:
    from ocrforge.data.synth.detection_shards import write_detection_shards

    write_detection_shards(args.out, args.seed, args.shards, args.shard_size, args.first, args.kind)
    return 0


def _cmd_train_detector(args: argparse.Namespace) -> int:
    from ocrforge.train.detector import DetectorConfig, train_detector

    cfg = DetectorConfig(
        shards=args.shards, out=args.out, steps=args.steps, batch_size=args.batch_size, crop_size=args.crop_size,
        lr=args.lr, val_every=args.val_every, val_images=args.val_images, seed=args.seed, threads=args.threads,
        loader_workers=args.loader_workers,
        bf16=not args.no_bf16, resume=args.resume, init_from=args.init_from, validation=args.validation,
        minutes=args.minutes, device=args.device, real=tuple(args.real), real_share=args.real_share,
        real_val=tuple(args.real_val),
    )
    try:
        final = train_detector(cfg)
    except (ValueError, FileNotFoundError) as err:  # a bad --real folder or record, a device that is not there
        print(f"ocrforge train detector: {err}", file=sys.stderr)
        return 2
    print(" ".join(f"{k}={v}" for k, v in final.items()))
    return 0


def _cmd_train_recognizer(args: argparse.Namespace) -> int:
    from ocrforge.train.loop import TrainConfig, train

    cfg = TrainConfig(
        shards=args.shards, out=args.out, render_workers=args.render_workers, init_from=args.init_from,
        chunk_size=args.chunk_size, arch=args.arch, steps=args.steps, batch_size=args.batch_size,
        lr=args.lr, val_every=args.val_every, val_size=args.val_size, seed=args.seed, threads=args.threads,
        bf16=not args.no_bf16, resume=args.resume, validation=args.validation, model_args=args.model_args,
        real=tuple(args.real), real_caseless=tuple(args.real_caseless), real_share=args.real_share,
        real_val=tuple(args.real_val), minutes=args.minutes, device=args.device,
    )
    try:
        final = train(cfg)
    except (ValueError, FileNotFoundError) as err:  # a bad --real spec or set, a device that is not there
        print(f"ocrforge train recognizer: {err}", file=sys.stderr)
        return 2
    print(" ".join(f"{k}={v}" for k, v in final.items()))
    return 0


def _add_budget_and_device(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--minutes", type=float, help="wall-clock budget: validate and save before it runs out")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                        help="where to train (default auto: a CUDA GPU when there is one, with bf16 autocast)")


def _cmd_export(args: argparse.Namespace) -> int:
    if args.out.suffix == ".pt":
        from ocrforge.train.session import keep_state

        path = keep_state(args.checkpoint, args.out)
    else:
        from ocrforge.export.onnx import export_checkpoint

        path = export_checkpoint(args.checkpoint, args.out, half=not args.float32)
    print(f"wrote {path}")
    return 0


def _cmd_eval_recognizer(args: argparse.Namespace) -> int:
    from ocrforge.eval.run import evaluate_recognizer

    return evaluate_recognizer(args.data, args.model or args.arch, args.limit, args.ignore_spaces, args.decoder, args.json,
                               args.lexicon)


def _cmd_eval_detector(args: argparse.Namespace) -> int:
    from ocrforge.eval.run_detector import evaluate_detector

    return evaluate_detector(args.data, args.model, args.limit, args.iou, args.max_side, args.json)


def _cmd_recognize(args: argparse.Namespace) -> int:
    from ocrforge.runtime.recognize_cli import run

    return run(args)


def _cmd_read(args: argparse.Namespace) -> int:
    from ocrforge.runtime.read_cli import run

    return run(args)


def _cmd_scan(args: argparse.Namespace) -> int:
    from ocrforge.runtime.scan_cli import run

    return run(args)


LEXICON_HELP = ("prefer the words of a list where the recognizer is unsure: 'english' (built in, needs "
                "ocrforge[lexicon]) or a file of words, one per line (optionally WORD COUNT); CTC recognizers only")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ocrforge", description="Read text in images with deep models.")
    sub = parser.add_subparsers(dest="command", required=True)

    rec = sub.add_parser("recognize", help="read cropped words or text lines, one result line per image")
    rec.add_argument("paths", nargs="*", type=Path, help="image files or folders of images")
    rec.add_argument("--from-file", type=Path, help="a file of image paths, one per line ('-' for stdin)")
    rec.add_argument("--format", choices=["tsv", "json"], default="tsv", help="tsv: PATH<TAB>TEXT; json: one object per line")
    rec.add_argument("--arch", choices=["crnn", "attention"], default="crnn", help="shipped recognizer to use (default crnn)")
    rec.add_argument("--model", type=Path, help="an ONNX recognizer file instead of a shipped one (CTC or attention)")
    rec.add_argument("--explain", type=Path, metavar="DIR",
                     help="attention recognizers: write per crop a picture of where the decoder looked for each character")
    rec.add_argument("--decoder", choices=["greedy", "beam"], default="greedy")
    rec.add_argument("--lexicon", metavar="english|FILE", help=LEXICON_HELP)
    rec.add_argument("--batch-size", type=int, default=32)
    rec.set_defaults(run=_cmd_recognize)

    read = sub.add_parser("read", help="find and read every piece of text in photos, scenes, pages and PDFs")
    read.add_argument("paths", nargs="*", type=Path, help="image or PDF files, or folders of them")
    read.add_argument("--from-file", type=Path, help="a file of image paths, one per line ('-' for stdin)")
    read.add_argument("--format", choices=["text", "json", "hocr", "alto"], default="text",
                      help="text: the page text in reading order; json: one JSON object per image (JSON Lines); "
                           "hocr: one hOCR document; alto: one ALTO v4 XML document")
    read.add_argument("--recognizer", help="shipped recognizer name (crnn, attention) or an ONNX file (default: crnn)")
    read.add_argument("--detector", type=Path, help="ONNX detector (default: the shipped DBNet)")
    read.add_argument("--visualize", type=Path, metavar="DIR", help="also write each image with its boxes and text drawn on it")
    read.add_argument("--max-side", type=int, default=1280, help="longer side the detector works at (default 1280)")
    read.add_argument("--decoder", choices=["greedy", "beam"], default="greedy")
    read.add_argument("--lexicon", metavar="english|FILE", help=LEXICON_HELP)
    read.add_argument("--force-ocr", action="store_true",
                      help="read PDF pages that already carry text too (default: give the text they carry)")
    read.set_defaults(run=_cmd_read)

    scan = sub.add_parser("scan", help="phone photos of pages, and PDFs, to a searchable PDF, flat page images or text")
    scan.add_argument("paths", nargs="*", type=Path, metavar="PHOTO", help="photos of pages (one page each) or PDF files")
    scan.add_argument("--out", type=Path, help="OUT.pdf: one searchable document, a page per photo and the pages of each "
                      "PDF as they were, with an invisible text layer; OUT.png: the scanned page (several: OUT-1.png, "
                      "OUT-2.png ...); OUT.txt: the text, pages split by a form feed")
    scan.add_argument("--force-ocr", action="store_true",
                      help="read PDF pages that already carry text too, written as images of themselves with the text read "
                           "(default: such pages are kept as they are, text and all)")
    scan.add_argument("--format", choices=["json"], help="json: also print one JSON object per photo (page corners, size, text)")
    scan.add_argument("--binarize", action="store_true", help="black and white pages instead of colour")
    scan.add_argument("--detector", type=Path, help="ONNX detector (default: the shipped DBNet)")
    scan.set_defaults(run=_cmd_scan)
    add_plate_parsers(sub)
    add_index_parsers(sub)
    add_digits_parser(sub)
    add_serve_parser(sub)

    synth = sub.add_parser("synth", help="the synthetic text-image engine").add_subparsers(dest="what", required=True)
    words = synth.add_parser("words", help="write rendered samples and labels.tsv to look at")
    words.add_argument("--n", type=int, default=200)
    words.add_argument("--out", type=Path, required=True)
    words.add_argument("--seed", type=int, default=0)
    words.add_argument("--preset", choices=["mixed", "training", "clean", "degraded", "arched"], default="mixed")
    words.add_argument("--fonts", choices=["train", "holdout"], default="train")
    words.set_defaults(run=_cmd_synth_words)
    shards = synth.add_parser("shards", help="pre-render training shards (uint8 crops, model-ready)")
    shards.add_argument("--out", type=Path, required=True)
    shards.add_argument("--seed", type=int, default=1000, help="training streams use seeds >= 100")
    shards.add_argument("--shards", type=int, default=10)
    shards.add_argument("--shard-size", type=int, default=10000)
    shards.add_argument("--first", type=int, default=0, help="index of the first shard (to extend a stream)")
    shards.add_argument("--kind", choices=["words", "arched", "plates"], default="words",
                        help="words: word and line crops; arched: words along arcs; plates: licence-plate rows for the plate recognizer")
    shards.set_defaults(run=_cmd_synth_shards)
    scenes = synth.add_parser("scenes", help="write whole images (scenes, pages, photos of pages) with word boxes to look at")
    scenes.add_argument("--n", type=int, default=20)
    scenes.add_argument("--out", type=Path, required=True)
    scenes.add_argument("--seed", type=int, default=0)
    scenes.add_argument("--kind", choices=["scene", "page", "photo"], help="default: a mix")
    scenes.add_argument("--fonts", choices=["train", "holdout"], default="train")
    scenes.set_defaults(run=_cmd_synth_scenes)
    det_shards = synth.add_parser("detection-shards", help="pre-render detector training images with their word boxes")
    det_shards.add_argument("--out", type=Path, required=True)
    det_shards.add_argument("--seed", type=int, default=2000, help="training streams use seeds >= 100")
    det_shards.add_argument("--shards", type=int, default=10)
    det_shards.add_argument("--shard-size", type=int, default=200)
    det_shards.add_argument("--first", type=int, default=0, help="index of the first shard (to extend a stream)")
    det_shards.add_argument("--kind", choices=["text", "plates"], default="text",
                            help="text: scenes and pages, every word boxed; plates: plate crops and car photos, plate rows boxed")
    det_shards.set_defaults(run=_cmd_synth_detection_shards)
    add_synth_house_parser(synth)

    train = sub.add_parser("train", help="train a model").add_subparsers(dest="what", required=True)
    recognizer = train.add_parser("recognizer", help="train a text recognizer on synthetic text, mixed with real crops if given")
    recognizer.add_argument("--arch", default="crnn")
    recognizer.add_argument("--model-args", type=json.loads, default={},
                            help='JSON of architecture settings, e.g. \'{"channels": [48, 96, 192, 256, 320], "lstm_hidden": 192}\'')
    recognizer.add_argument("--shards", type=Path, help="pre-rendered shards; without it samples are rendered live")
    recognizer.add_argument("--render-workers", type=int, default=2, help="processes rendering live (no --shards)")
    recognizer.add_argument("--chunk-size", type=int, default=2048, help="samples sorted by width together, then cut into batches")
    recognizer.add_argument("--init-from", type=Path, help="checkpoint whose weights to start from (fine-tuning)")
    recognizer.add_argument("--validation", choices=["words", "plates"], default="words",
                            help="validation sets that choose the best checkpoint (plates: for a plate recognizer)")
    recognizer.add_argument("--real", action="append", default=[], metavar="KIND:PATH",
                            help="real labelled crops to mix into training (repeatable; KIND as for `ocrforge eval`)")
    recognizer.add_argument("--real-caseless", action="append", default=[], metavar="KIND:PATH",
                            help="as --real, for sets labelled in upper case whatever the print (SROIE): scored ignoring case")
    recognizer.add_argument("--real-share", type=float, default=0.5, help="share of every batch drawn from the real sets (default 0.5)")
    recognizer.add_argument("--real-val", action="append", default=[], metavar="KIND:PATH",
                            help="real validation set (repeatable): reported on its own, weighed in choosing best.pt")
    _add_budget_and_device(recognizer)
    recognizer.add_argument("--out", type=Path, required=True)
    recognizer.add_argument("--steps", type=int, default=20000)
    recognizer.add_argument("--batch-size", type=int, default=64)
    recognizer.add_argument("--lr", type=float, default=2e-3)
    recognizer.add_argument("--val-every", type=int, default=1000)
    recognizer.add_argument("--val-size", type=int, default=500)
    recognizer.add_argument("--seed", type=int, default=0)
    recognizer.add_argument("--threads", type=int, default=2)
    recognizer.add_argument("--no-bf16", action="store_true",
                            help="train in float32 (default: bfloat16 autocast where the CPU has bf16 instructions)")
    recognizer.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    recognizer.set_defaults(run=_cmd_train_recognizer)
    detector = train.add_parser("detector", help="train the text detector on pre-rendered synthetic images, mixed with real ones if given")
    detector.add_argument("--shards", type=Path, required=True, help="folder of `ocrforge synth detection-shards` output")
    detector.add_argument("--out", type=Path, required=True)
    detector.add_argument("--steps", type=int, default=6000)
    detector.add_argument("--batch-size", type=int, default=8)
    detector.add_argument("--crop-size", type=int, default=384)
    detector.add_argument("--lr", type=float, default=2e-3)
    detector.add_argument("--val-every", type=int, default=500)
    detector.add_argument("--val-images", type=int, help="at most N validation images of each kind (default: all)")
    detector.add_argument("--seed", type=int, default=0)
    detector.add_argument("--threads", type=int, default=2)
    detector.add_argument("--loader-workers", type=int, default=1, help="processes cutting crops and targets")
    detector.add_argument("--no-bf16", action="store_true",
                            help="train in float32 (default: bfloat16 autocast where the CPU has bf16 instructions)")
    detector.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    detector.add_argument("--init-from", type=Path, help="checkpoint whose weights to start from")
    detector.add_argument("--validation", choices=["text", "plates"], default="text",
                          help="validation sets that choose the best checkpoint (plates: for the plate detector)")
    detector.add_argument("--real", action="append", default=[], type=Path, metavar="DIR",
                          help="folder of real detection records (JSON beside each image) to mix into training (repeatable)")
    detector.add_argument("--real-share", type=float, default=0.5, help="share of training crops cut from the real images (default 0.5)")
    detector.add_argument("--real-val", action="append", default=[], type=Path, metavar="DIR",
                          help="real validation folder (repeatable): reported on its own, weighed in choosing best.pt")
    _add_budget_and_device(detector)
    detector.set_defaults(run=_cmd_train_detector)
    add_train_ram_parser(train)
    add_train_house_parser(train)

    evaluate = sub.add_parser("eval", help="measure a model on a labelled set").add_subparsers(dest="what", required=True)
    rec_eval = evaluate.add_parser("recognizer", help="word accuracy, CER, 1-NED, accuracy by length, confusions, speed")
    rec_eval.add_argument("--data", required=True, help="KIND:PATH, e.g. folder:../shared/data/words_real (kinds: folder, lmdb, "
                          "boxes, icdar, icdar_words, iiit5k, svt, mnist, mnist_csv, svhn, svhn_full)")
    rec_eval.add_argument("--arch", choices=["crnn", "attention"], default="crnn", help="shipped recognizer to measure (default crnn)")
    rec_eval.add_argument("--model", type=Path, help="an ONNX recognizer file instead of a shipped one (CTC or attention)")
    rec_eval.add_argument("--limit", type=int, help="only the first N samples")
    rec_eval.add_argument("--ignore-spaces", action="store_true", help="compare without spaces (receipt labels)")
    rec_eval.add_argument("--decoder", choices=["greedy", "beam"], default="greedy")
    rec_eval.add_argument("--lexicon", metavar="english|FILE", help=LEXICON_HELP)
    rec_eval.add_argument("--json", action="store_true", help="one JSON object instead of the readable report")
    rec_eval.set_defaults(run=_cmd_eval_recognizer)
    det_eval = evaluate.add_parser("detector", help="precision, recall and H-mean of the word boxes found (IoU >= 0.5)")
    det_eval.add_argument("--data", required=True, help="KIND:PATH, e.g. boxes:../shared/data/receipts_det (kinds: boxes "
                                                        "(detection JSON), icdar (gt_*.txt), svt (train.xml/test.xml))")
    det_eval.add_argument("--model", type=Path, help="ONNX detector (default: the shipped DBNet)")
    det_eval.add_argument("--limit", type=int, help="only the first N images")
    det_eval.add_argument("--iou", type=float, default=0.5, help="IoU a found box needs with a true one to match it (default 0.5)")
    det_eval.add_argument("--max-side", type=int, default=1280,
                          help="longer side the detector works at (default 1280; small print is looked at again larger)")
    det_eval.add_argument("--json", action="store_true", help="one JSON object instead of the readable report")
    det_eval.set_defaults(run=_cmd_eval_detector)
    add_eval_digits_parser(evaluate)

    export = sub.add_parser("export", help="export a checkpoint to ONNX with its charset and geometry in the metadata, "
                                           "or (--out *.pt) to a training state small enough to commit")
    export.add_argument("checkpoint", type=Path)
    export.add_argument("--out", type=Path, required=True,
                        help="*.onnx (and its model card *.md), or *.pt: half-precision weights without optimiser moments")
    export.add_argument("--float32", action="store_true",
                        help="ONNX weights in float32 (default: stored in half precision; the text detector ships float32, "
                             "see weights/dbnet.md)")
    export.set_defaults(run=_cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ModuleNotFoundError as err:
        message = missing_extra_message(err)
        if message is None:
            raise
        print(f"ocrforge {args.command}: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # e.g. piped into `head`
        return 0
