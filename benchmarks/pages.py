"""Side-by-side end-to-end reading of whole images: ocrforge vs Tesseract 5 vs RapidOCR.

Every engine reads the same image files and is scored by the same code (ocrforge.eval.pages and
ocrforge.eval.detection). Each (set, engine) pair runs in its own child process (this script with
--worker), so the peak RSS it reports belongs to that engine alone.

Run from the repository root:

    python benchmarks/pages.py                            # all sets, all engines
    python benchmarks/pages.py --limit 2                  # a quick look: first 2 images per set
    python benchmarks/pages.py --sets synth_scenes --engines ocrforge,rapidocr --synth-n 5
    python benchmarks/pages.py --detector /tmp/dbnet.onnx --cache /tmp/pages-cache

Sets: pages_tesseract (page texts, labels.tsv) and receipts_det (phrase boxes, one JSON per image)
under --data-root; the validation splits of the real detector training images (train_real/val:
ICDAR 2003 scenes, ICDAR 2013 born-digital, SROIE receipts with word boxes cut from their lines);
synth_scenes and synth_photos (rendered once from holdout fonts and seeds 60 / 61,
never trained on). The Markdown table goes to --out (default benchmarks/results/pages.md) with the
raw numbers and every image's predictions in a .json beside it.
"""

from __future__ import annotations

import argparse
import itertools
import operator
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# benchmarks/ is on sys.path because scripts are run from it (python benchmarks/pages.py)
from common import (REPO, Runner, Workers, bench_main, benchmark_parser, comma_list, environment, positive_int,
                    report_head, timed, word)
from peers import rapidocr_pages, tesseract_pages
from tqdm import tqdm

REAL_SETS = ("pages_tesseract", "receipts_det")
# The validation splits of the real training images (never trained on): word boxes, don't-care regions kept.
VAL_SETS = ("val/ic03_scenes", "val/ic13_borndigital", "val/sroie_receipts")
SYNTH_SEEDS = {"synth_scenes": 60, "synth_photos": 61}  # seeds the detector's training never used
SETS = REAL_SETS + VAL_SETS + tuple(SYNTH_SEEDS)
TEXT_SETS = ("pages_tesseract", "synth_photos")  # headline CER; the others headline detection H-mean
PHRASE_SETS = ("receipts_det",)  # WildReceipt boxes phrases and removes their spaces: compare per box, folded
CASELESS_SETS = ("val/sroie_receipts",)  # SROIE labels are upper case whatever the print: texts compared ignoring case


@dataclass(frozen=True)
class Truth:
    path: Path
    text: str | None  # the page text in reading order, where the set has one
    quads: list[np.ndarray] | None  # word (phrase, for receipts) boxes, where the set has them
    words: list[str] | None  # the text in each box
    ignore: list[np.ndarray] = ()  # don't-care regions: illegible words, receipt lines not cut into words


# ---------------------------------------------------------------- data


def render_synth(name: str, n: int, cache: Path) -> Path:
    """Render a synthetic set once as PNG + detection JSON; a complete earlier render in `cache` is reused."""
    from PIL import Image

    from ocrforge.data.readers.boxes import save_boxes
    from ocrforge.data.synth.fonts import load_faces
    from ocrforge.data.synth.scenes import photo, scene

    seed = SYNTH_SEEDS[name]
    out = cache / f"{name}-seed{seed}-n{n}"
    if len(list(out.glob("*.json"))) != n:  # each JSON is written after its PNG, so n of them means complete
        out.mkdir(parents=True, exist_ok=True)
        faces = load_faces("holdout")
        for i in tqdm(range(n), desc=f"render {name}", unit="img"):
            rng = np.random.default_rng([seed, i])
            sample = scene(rng, faces, max_angle=30.0) if name == "synth_scenes" else photo(rng, faces)
            Image.fromarray(sample.image).save(out / f"{i:04d}.png")
            save_boxes(out / f"{i:04d}.json", f"{i:04d}.png", sample.image.shape, sample.quads, sample.texts)
    return out


def load_set(name: str, data_root: Path, cache: Path, synth_n: dict[str, int], limit: int | None) -> list[Truth]:
    from ocrforge.data.readers.boxes import read_boxes
    from ocrforge.data.readers.folder import read_labels

    if name == "pages_tesseract":
        truths = [Truth(p, t, None, None) for p, t in itertools.islice(read_labels(data_root / name / "labels.tsv"), limit)]
    else:
        if name in SYNTH_SEEDS:
            folder = render_synth(name, min(synth_n[name], limit or synth_n[name]), cache)
        elif name in VAL_SETS:
            folder = data_root / "train_real" / name
        else:
            folder = data_root / name
        # A photo's words come columns first, then lines: that is the page's reading order.
        truths = [Truth(b.image_path, " ".join(b.texts) if name == "synth_photos" else None, b.quads, b.texts, b.ignore)
                  for b in itertools.islice(read_boxes(folder), limit)]
    if not truths:
        raise ValueError(f"{name}: no images")
    return truths


# ---------------------------------------------------------------- engines (run inside the worker)
# Each runner takes the image paths and returns, per image, {"text": page text in reading order,
# "words": [{"text", "box": 4 [x, y] points, "confidence"}]} and the seconds the set took. Timing
# covers decoding the image file and reading it, for every engine, and excludes the one-off model load.
# Tesseract and RapidOCR: peers.tesseract_pages and peers.rapidocr_pages.


def run_ocrforge(paths: list[Path], detector: str | None, lexicon: str | None = None) -> tuple[list[dict], float]:
    from ocrforge.pipeline.ocr import OCR
    from ocrforge.text.lexicon import load_lexicon

    ocr = OCR(detector=detector)
    words = load_lexicon(lexicon) if lexicon else None

    def read(path: Path) -> dict:
        page = ocr.read(path, lexicon=words)
        return {"text": page.text, "words": [word(w.text, w.box, w.confidence) for w in page.words],
                "lines": [word(line.text, line.box, line.confidence) for line in page.lines]}

    return timed(read, paths, "ocrforge")


def run_ocrforge_lexicon(paths: list[Path], detector: str | None) -> tuple[list[dict], float]:
    return run_ocrforge(paths, detector, lexicon="english")  # words decoded with the built-in word list


RUNNERS: dict[str, Runner] = {
    "ocrforge": run_ocrforge, "ocrforge-lexicon": run_ocrforge_lexicon, "tesseract": tesseract_pages, "rapidocr": rapidocr_pages,
}
PAGE_ENGINES = tuple(RUNNERS)


# ---------------------------------------------------------------- scoring


def fold_phrase(text: str) -> str:
    """How receipt texts are compared: spaces removed (the labels have none), case ignored."""
    return text.replace(" ", "").casefold()


def same_phrase(predicted: str, truth: str) -> bool:
    return fold_phrase(predicted) == fold_phrase(truth)


def same_caseless(predicted: str, truth: str) -> bool:
    return predicted.casefold() == truth.casefold()


def score_set(name: str, truths: list[Truth], pages: list[dict]) -> dict:
    """The set's metrics, summed over its images; None where the set has nothing to score it against."""
    from ocrforge.eval.detection import MatchScore, score_image
    from ocrforge.eval.pages import PageTextScore, bag_of_words, page_text_score, spotting_score

    text, detection, spotting, bow = PageTextScore(), MatchScore(), MatchScore(), MatchScore()
    same = same_phrase if name in PHRASE_SETS else same_caseless if name in CASELESS_SETS else operator.eq
    for truth, page in zip(truths, pages):
        # Phrase labels are scored against the engine's lines where it gives them (RapidOCR's words are lines).
        boxes = page.get("lines", page["words"]) if name in PHRASE_SETS else page["words"]
        quads = [np.float32(w["box"]) for w in boxes]
        texts = [w["text"] for w in boxes]
        if truth.text is not None:
            text.add(page_text_score(page["text"], truth.text))
        if truth.quads is not None:
            detection.add(score_image(quads, truth.quads, ignore=truth.ignore))
            spotting.add(spotting_score(quads, texts, truth.quads, truth.words, same, ignore=truth.ignore))
        if name in PHRASE_SETS:  # one token per box on both sides
            bow.add(bag_of_words(map(fold_phrase, texts), map(fold_phrase, truth.words)))
        else:  # whitespace tokens of the page text
            fold = str.casefold if name in CASELESS_SETS else str
            bow.add(bag_of_words(map(fold, page["text"].split()), map(fold, (truth.text or " ".join(truth.words)).split())))
    has_text, has_boxes = truths[0].text is not None, truths[0].quads is not None
    return {
        "cer": text.cer if has_text else None, "wer": text.wer if has_text else None,
        "det_precision": detection.precision if has_boxes else None,
        "det_recall": detection.recall if has_boxes else None,
        "det_hmean": detection.hmean if has_boxes else None,
        "spot_precision": spotting.precision if has_boxes else None,
        "spot_recall": spotting.recall if has_boxes else None,
        "spot_hmean": spotting.hmean if has_boxes else None,
        "bow_precision": bow.precision, "bow_recall": bow.recall, "bow_f1": bow.hmean,
    }


# ---------------------------------------------------------------- orchestration


def measure(workers: Workers, engine: str, name: str, truths: list[Truth]) -> dict:
    """One child process per (set, engine), then its pages scored here."""
    def scored(reply: dict) -> dict:
        return {
            "n": len(truths), **score_set(name, truths, reply["outputs"]),
            "seconds": reply["seconds"], "s_per_image": reply["seconds"] / len(truths),
            "peak_rss_mb": reply["peak_rss_mb"],
            # Lines are kept only where they were scored, page texts only where a page text was scored (elsewhere
            # they are the words' texts in order): the raw file has to travel with the repository.
            "predictions": [{"path": str(t.path), **{k: stored(v) if k in ("words", "lines") else v for k, v in page.items()
                                                      if kept(k, name, t)}}
                            for t, page in zip(truths, reply["outputs"])],
        }

    return workers.measure({"set": name, "engine": engine}, [t.path for t in truths], scored)


def kept(key: str, name: str, truth: Truth) -> bool:
    """Whether the raw file keeps this part of an engine's page."""
    return {"lines": name in PHRASE_SETS, "text": truth.text is not None}.get(key, True)


def stored(words: list[dict]) -> list[dict]:
    """Words as the raw file keeps them: boxes in whole pixels, confidences to 3 places (the file travels
    with the repository; scoring used the full precision)."""
    return [{**w, "box": np.round(w["box"]).astype(int).tolist(),
             **({"confidence": round(w["confidence"], 3)} if "confidence" in w else {})} for w in words]


def truth_record(truth: Truth) -> dict:
    words = None if truth.quads is None else stored([{"text": t, "box": q} for q, t in zip(truth.quads, truth.words)])
    return {"path": str(truth.path), "text": truth.text, "words": words}


# ---------------------------------------------------------------- report

COLUMNS = (  # header, row key, format
    ("Det P", "det_precision", ".1%"), ("Det R", "det_recall", ".1%"), ("Det H-mean", "det_hmean", ".1%"),
    ("Spotting H-mean", "spot_hmean", ".1%"), ("Page CER", "cer", ".2%"), ("Page WER", "wer", ".2%"),
    ("BoW F1", "bow_f1", ".1%"), ("s/image", "s_per_image", ".2f"), ("Peak RSS (MB)", "peak_rss_mb", ".0f"),
)


def cell(row: dict, key: str, fmt: str) -> str:
    if row["status"] != "ok" or row[key] is None:
        return "n/a"
    text = format(row[key], fmt)
    headline = "cer" if row["set"] in TEXT_SETS else "det_hmean"
    return f"**{text}**" if key == headline else text


def markdown(env: dict, rows: list[dict]) -> str:
    lines = [
        *report_head("End-to-end reading of whole images", env,
                     f"- ocrforge models: detector {env['detector']}, recognizer shipped weights/crnn.onnx"),
        "How it was run: each set × engine in its own process, one image at a time. ocrforge: "
        "`OCR(detector=...).read(path)`, default settings (greedy decoding, detector at most 1280 px); "
        "ocrforge-lexicon: the same with `lexicon=` the built-in English word list (beam search). "
        "Tesseract: `tesseract IMG stdout --psm 3 -l eng tsv`, one process per image, OMP_THREAD_LIMIT "
        f"not set (a page may use all {env['cores']} cores); its text is the TSV's words joined by line, "
        "paragraph and block. RapidOCR: full pipeline (detection, orientation, recognition), default "
        "settings; its boxes are lines, not words, and its text is those lines top to bottom. "
        "s/image is wall time over the set including decoding the image file, after one untimed "
        "warm-up image, excluding model load. Peak RSS: the worker process (+ the largest tesseract child).",
        "",
        "Metrics, summed over each set's images before dividing:",
        "- Det P / R / H-mean: ICDAR 2015 one-to-one box matching at IoU >= 0.5 against the set's boxes "
        "(words; for receipts_det phrases, scored against each engine's lines: ocrforge's and Tesseract's lines, RapidOCR's boxes; "
        "boxes on don't-care regions, illegible words and receipt lines not cut into words, count neither way).",
        "- Spotting H-mean: as Det H-mean, but a matched pair counts only if its texts are equal "
        "(exact; receipts_det: spaces removed and case ignored; val/sroie_receipts: case ignored).",
        "- Page CER / WER: character / word edit distance to the page text in reading order, over its "
        "length; all whitespace runs collapsed to one space on both sides first.",
        "- BoW F1: multiset overlap of whitespace tokens of the page text, order ignored "
        "(receipts_det: one token per box, spaces removed, case ignored).",
        "- Headline in bold: Page CER for pages_tesseract and synth_photos, Det H-mean for the others.",
        "",
        "| Set | Engine | n | " + " | ".join(c[0] for c in COLUMNS) + " |",
        "|---|---|---:|" + "---:|" * len(COLUMNS),
    ]
    for row in rows:
        n = str(row["n"]) if row["status"] == "ok" else "n/a"
        cells = " | ".join(cell(row, key, fmt) for _, key, fmt in COLUMNS)
        lines.append(f"| {row['set']} | {row['engine']} | {n} | {cells} |")
    reasons = [f"- {r['set']} / {r['engine']}: n/a, {r['reason']}" for r in rows if r["status"] != "ok"]
    return "\n".join(lines + ([""] + reasons if reasons else []) + [""])


# ---------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    parser = benchmark_parser(__doc__, PAGE_ENGINES, "pages.md", cache="keep the rendered synthetic sets here and reuse them",
                              sizes={"--synth-n": (30, "images in synth_scenes"), "--synth-photos-n": (10, "images in synth_photos")},
                              model=("--detector", "ocrforge ONNX detector (default: the shipped weights/dbnet.onnx)"))
    parser.add_argument("--sets", type=comma_list(SETS), default=list(SETS), help="comma list (default: all)")
    parser.add_argument("--limit", type=positive_int, help="only the first N images of each set, for quick runs")
    parser.add_argument("--data-root", type=Path, default=REPO.parent / "shared" / "data",
                        help="folder holding pages_tesseract/ and receipts_det/ (default: <repo>/../shared/data)")
    return parser


def benchmark(args: argparse.Namespace, workers: Workers) -> tuple[str, dict]:
    env = environment(detector=workers.model or "shipped weights/dbnet.onnx")
    synth_n = {"synth_scenes": args.synth_n, "synth_photos": args.synth_photos_n}
    rows: list[dict] = []
    images: dict[str, list[dict]] = {}
    for name in args.sets:
        try:
            truths = load_set(name, args.data_root, args.cache or workers.scratch, synth_n, args.limit)
        except (OSError, RuntimeError, ValueError) as err:  # missing data or fonts: a row of n/a, not a crash
            rows += [{"set": name, "engine": e, "status": "n/a", "reason": str(err)} for e in args.engines]
            continue
        images[name] = [truth_record(t) for t in truths]
        for engine in args.engines:
            print(f"== {name} / {engine} ({len(truths)} images)", file=sys.stderr)
            rows.append(measure(workers, engine, name, truths))
    return markdown(env, rows), {"environment": env, "results": rows, "images": images}


def main(argv: list[str] | None = None) -> None:
    bench_main(__file__, build_parser(), RUNNERS, benchmark, argv)


if __name__ == "__main__":
    main()
