"""Handwritten pages read whole, ocrforge against Tesseract and RapidOCR on the same page images.

Set: the validation pages of train_real's handwriting (val/htr_pages: French wills of 1898-1918 by hands
no ocrforge model trained on, with each transcribed line's text). Only the will's own lines are
transcribed (stamps, printed forms and later notes are not), so what an engine reads beyond them counts
against its precision, not its recall: the headline is bag-of-words recall, the share of the
transcribed words (whitespace tokens, case and accents kept, a token counted as often as it occurs)
found anywhere in the engine's page text.

Engines: ocrforge-handwriting (`OCR(handwriting=True)`: the line detector and the handwriting
recognizer), ocrforge-handwriting-french (the same, decoded with the built-in French word list:
`read --handwriting --lexicon french`), ocrforge (the default models for print), Tesseract 5 (`--psm 3 -l eng`: the only
language installed), RapidOCR (its full pipeline). Speed: pages/s after one warm-up page, one process
per engine, decoding included.

    python benchmarks/handwritten_pages.py [--limit N] [--engines ocrforge-handwriting,rapidocr] [--data-root DIR]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

from common import REPO, Runner, Workers, bench_main, benchmark_parser, environment, positive_int, report_head, timed, word
from peers import rapidocr_pages, tesseract_pages

SET = "val/htr_pages"


def _read_with(ocr, paths: list[Path], desc: str, lexicon: str | None = None) -> tuple[list[dict], float]:
    from ocrforge.text.lexicon import load_lexicon

    words = load_lexicon(lexicon) if lexicon else None

    def read(path: Path) -> dict:
        page = ocr.read(path, lexicon=words)
        return {"text": page.text, "words": [word(w.text, w.box, w.confidence) for w in page.words]}

    return timed(read, paths, desc)


def run_ocrforge_handwriting(paths: list[Path], model: str | None) -> tuple[list[dict], float]:
    from ocrforge.pipeline.ocr import OCR

    return _read_with(OCR(detector=model, handwriting=True), paths, "ocrforge-handwriting")


def run_ocrforge_handwriting_french(paths: list[Path], model: str | None) -> tuple[list[dict], float]:
    from ocrforge.pipeline.ocr import OCR

    return _read_with(OCR(detector=model, handwriting=True), paths, "ocrforge-handwriting-french", lexicon="french")


def run_ocrforge(paths: list[Path], model: str | None) -> tuple[list[dict], float]:
    from ocrforge.pipeline.ocr import OCR

    return _read_with(OCR(), paths, "ocrforge")  # the models for print, whatever --detector says


RUNNERS: dict[str, Runner] = {"ocrforge-handwriting": run_ocrforge_handwriting,
                              "ocrforge-handwriting-french": run_ocrforge_handwriting_french, "ocrforge": run_ocrforge,
                              "tesseract": tesseract_pages, "rapidocr": rapidocr_pages}


def load_pages(data_root: Path, limit: int | None) -> list[tuple[Path, str]]:
    """(page image, its transcribed lines in order, one a line)."""
    from ocrforge.data.readers.boxes import read_line_boxes

    pages = [(b.image_path, "\n".join(b.texts)) for b in itertools.islice(read_line_boxes(data_root / "train_real" / SET), limit)]
    if not pages:
        raise ValueError(f"{SET}: no pages")
    return pages


def score(pages: list[tuple[Path, str]], outputs: list[dict]) -> dict:
    from ocrforge.eval.detection import MatchScore
    from ocrforge.eval.pages import bag_of_words

    bow = MatchScore()
    for (_, truth), page in zip(pages, outputs):
        bow.add(bag_of_words(page["text"].split(), truth.split()))
    return {"bow_recall": bow.recall, "bow_precision": bow.precision,
            "recall_per_page": [bag_of_words(p["text"].split(), t.split()).recall for (_, t), p in zip(pages, outputs)]}


def markdown(env: dict, rows: list[dict], n: int) -> str:
    lines = [
        *report_head("Handwritten pages read whole", env),
        f"Set: {SET} ({n} pages of train_real, hands never trained on). Bag-of-words recall: the share of the "
        "transcribed words (whitespace tokens, case and accents kept) found in the engine's page text; "
        "precision is low for every engine by construction (stamps, printed forms and later notes are read "
        "but not transcribed). pages/s: after one warm-up page, decoding included.",
        "",
        "| Engine | BoW recall | BoW precision | pages/s |",
        "|---|---:|---:|---:|",
    ]
    for row in rows:
        if row["status"] != "ok":
            lines.append(f"| {row['engine']} | n/a | n/a | n/a |")
            continue
        lines.append(f"| {row['engine']} | **{row['bow_recall']:.1%}** | {row['bow_precision']:.1%} | {n / row['seconds']:.2f} |")
    reasons = [f"- {r['engine']}: n/a, {r['reason']}" for r in rows if r["status"] != "ok"]
    return "\n".join(lines + ([""] + reasons if reasons else []) + [""])


def build_parser() -> argparse.ArgumentParser:
    parser = benchmark_parser(__doc__, tuple(RUNNERS), "handwritten_pages.md", cache=None,
                              sizes={}, model=("--detector", "ocrforge ONNX line detector (default: the shipped one)"))
    parser.add_argument("--limit", type=positive_int, help="only the first N pages, for quick runs")
    parser.add_argument("--data-root", type=Path, default=REPO.parent / "shared" / "data",
                        help="folder holding train_real/ (default: <repo>/../shared/data)")
    return parser


def benchmark(args: argparse.Namespace, workers: Workers) -> tuple[str, dict]:
    env = environment(detector=workers.model or "shipped weights/handwriting-lines.onnx")
    pages = load_pages(args.data_root, args.limit)
    rows = []
    for engine in args.engines:
        print(f"== {SET} / {engine} ({len(pages)} pages)", file=sys.stderr)
        rows.append(workers.measure({"engine": engine}, [path for path, _ in pages],
                                    lambda reply: {**score(pages, reply["outputs"]), "seconds": reply["seconds"],
                                                   "texts": [o["text"] for o in reply["outputs"]]}))
    return markdown(env, rows, len(pages)), {"environment": env, "results": rows,
                                             "truth": [{"path": str(p), "text": t} for p, t in pages]}


def main(argv: list[str] | None = None) -> None:
    bench_main(__file__, build_parser(), RUNNERS, benchmark, argv)


if __name__ == "__main__":
    main()
