"""Side-by-side text recognition on cropped words and lines: ocrforge vs Tesseract 5 vs RapidOCR.

Every engine reads the same image files and is scored by the same code (ocrforge.eval.metrics).
Each (set, engine) pair runs in its own child process (this script with --worker), so the peak
RSS it reports belongs to that engine alone.

Run from the repository root:

    python benchmarks/recognition.py                      # all sets, every engine but ocrforge-french
    python benchmarks/recognition.py --limit 20           # a quick look: first 20 crops per set
    python benchmarks/recognition.py --sets words_real,lines_uw3 --engines ocrforge,rapidocr
    python benchmarks/recognition.py --model /tmp/crnn.onnx --cache /tmp/bench-cache
    python benchmarks/recognition.py --sets none --set htr_val=folder:../shared/data/train_real/val/htr_testaments \
      --model src/ocrforge/weights/handwriting.onnx --engines ocrforge,ocrforge-french,tesseract,rapidocr   # handwriting

Sets: words_real and lines_uw3 (labels.tsv under --data-root), the real validation splits of
train_real/val (val/ic15_words, val/iiit5k_words, val/svt_words, val/sroie_lines: never trained on, but
used to choose checkpoints), synth_clean, synth_degraded and synth_arched (rendered once from holdout fonts
and seeds 50 / 51 / 54, never trained on). The Markdown table goes to --out (default
benchmarks/results/recognition.md) with the raw numbers in a .json.gz beside it.

The standard scene-text benchmarks, from wherever a user keeps them:

    python benchmarks/recognition.py --standard ~/data/evaluation --sets none    # the clovaai LMDB folders
    python benchmarks/recognition.py --set SVT=svt:~/svt/test.xml --set IC13=icdar_words:~/ic13/test --sets none

--standard finds IIIT5k_3000, SVT, IC13_857, IC15_2077 (or IC15_1811), SVTP and CUTE80 under a folder,
each an LMDB environment (the layout of clovaai/deep-text-recognition-benchmark's `evaluation/`) or a
folder with labels.tsv; --set adds any `ocrforge eval` KIND:PATH under a name. They are scored as the
published protocol scores them: case-insensitive, letters and digits only (the bold column).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# benchmarks/ is on sys.path because scripts are run from it (python benchmarks/recognition.py)
from common import (CORES, REPO, Runner, Workers, bench_main, benchmark_parser, comma_list, environment, positive_int,
                    report_head, timed)
from peers import RapidOCRRunner, require_tesseract, tesseract
from tqdm import tqdm

REAL_SETS = ("words_real", "lines_uw3")
# The real validation splits (under train_real/ in --data-root): what training chooses checkpoints on.
VAL_SETS = ("val/ic15_words", "val/iiit5k_words", "val/svt_words", "val/sroie_lines")
# The six standard scene-text benchmarks as clovaai's `evaluation/` folder names them, in the published
# order; a name with alternatives takes the first found (IC15_1811 is IC15_2077 less its hardest words).
STANDARD_SETS = (("IIIT5k_3000",), ("SVT",), ("IC13_857",), ("IC15_2077", "IC15_1811"), ("SVTP",), ("CUTE80",))
# name -> (ocrforge.data.synth.writer preset, seed): holdout fonts and seeds the training never saw.
SYNTH_SETS = {"synth_clean": ("clean", 50), "synth_degraded": ("degraded", 51), "synth_arched": ("arched", 54)}
SETS = REAL_SETS + VAL_SETS + tuple(SYNTH_SETS)
LINE_SETS = ("lines_uw3",)  # headline metric CER; the word sets headline case-insensitive alnum accuracy
NO_SPACE_SETS = ("words_real",)  # receipt labels have their spaces removed, so spaces are not scored


@dataclass(frozen=True)
class CropSet:
    name: str
    paths: list[Path]
    texts: list[str]
    faces: list[str] | None = None  # font package of each crop, for the synthetic sets


# ---------------------------------------------------------------- data


def render_synth(name: str, n: int, cache: Path) -> Path:
    """Render a synthetic set once as PNG + labels.tsv; a complete earlier render in `cache` is reused."""
    from ocrforge.data.synth.writer import write_samples

    preset, seed = SYNTH_SETS[name]
    out = cache / f"{name}-seed{seed}-n{n}"
    labels, faces = out / "labels.tsv", out / "faces.tsv"
    # Both files grow a line per crop; renders older than faces.tsv are redone (same seed, same pixels).
    if not faces.exists() or len(faces.read_text(encoding="utf-8").splitlines()) != n:
        write_samples(out, n, seed, preset, fonts="holdout")
    return labels


def standard_sets(root: Path) -> dict[str, str]:
    """NAME -> KIND:PATH for each standard benchmark found under `root`: an LMDB environment, or a
    folder with labels.tsv."""
    found = {}
    for names in STANDARD_SETS:
        for name in names:
            folder = root / name
            if (folder / "data.mdb").is_file():
                found[name] = f"lmdb:{folder}"
            elif (folder / "labels.tsv").is_file():
                found[name] = f"folder:{folder}"
            else:
                continue
            break
    if not found:
        wanted = ", ".join("/".join(names) for names in STANDARD_SETS)
        raise FileNotFoundError(f"{root}: none of the standard sets ({wanted}) as an LMDB folder or labels.tsv folder")
    return found


def materialise(name: str, spec: str, cache: Path) -> Path:
    """A KIND:PATH set written once as PNG + labels.tsv, as every engine reads files; returns labels.tsv."""
    from ocrforge.data.readers import open_dataset
    from ocrforge.data.readers.folder import write_folder

    out = cache / "sets" / name.replace("/", "_")
    if not (out / "labels.tsv").is_file():  # written last: a folder without it is an interrupted run, redone
        write_folder(out, ((s.image, s.text) for s in tqdm(open_dataset(spec), desc=f"write {name}", unit="crop")))
    return out / "labels.tsv"


def load_set(name: str, data_root: Path, cache: Path, synth_n: int, limit: int | None, spec: str | None = None) -> CropSet:
    """A set by name: `spec` (KIND:PATH) when given, else a synthetic set, a real validation split or a
    labels.tsv folder under data_root."""
    if spec is not None:
        labels = materialise(name, spec, cache)
    elif name in SYNTH_SETS:
        labels = render_synth(name, min(synth_n, limit or synth_n), cache)
    elif name in VAL_SETS:
        labels = data_root / "train_real" / name / "labels.tsv"
    else:
        labels = data_root / name / "labels.tsv"
        if not labels.is_file():
            raise FileNotFoundError(f"{labels} not found")
    from ocrforge.data.readers.folder import read_labels

    pairs = list(itertools.islice(read_labels(labels), limit))
    faces = None
    if name in SYNTH_SETS:  # render_synth wrote faces.tsv beside the labels
        faces = [line.split("\t")[1] for line in labels.with_name("faces.tsv").read_text(encoding="utf-8").splitlines()][:len(pairs)]
    return CropSet(name, [p for p, _ in pairs], [t for _, t in pairs], faces)


# ---------------------------------------------------------------- engines (run inside the worker)
# Each runner takes the crop paths and returns the predicted texts. Timing covers decoding the
# image files and recognition, for every engine, and excludes the one-off model load.


def run_ocrforge(paths: list[Path], model: str | None, lexicon: str | None = None) -> tuple[list[str], float]:
    from ocrforge.io.images import load_image
    from ocrforge.runtime.recognizers import load_recognizer
    from ocrforge.runtime.upright import detector_for, recognize_upright, straightened
    from ocrforge.text.lexicon import load_lexicon

    rec, detector = load_recognizer(model), detector_for(model)
    words = load_lexicon(lexicon) if lexicon else None
    first = load_image(paths[0])  # warm-up: ONNX Runtime allocates on the first run
    rec.recognize([first], lexicon=words)
    if detector is not None:
        straightened(detector, first)
    start = time.perf_counter()
    images = [load_image(p) for p in tqdm(paths, desc="ocrforge decode", unit="img")]
    # As `ocrforge recognize` reads crops: tall ones also turned, unsure ones also straightened.
    texts = [r.text for r in recognize_upright(rec, images, "greedy", 32, words, detector)]
    return texts, time.perf_counter() - start


def run_tesseract(paths: list[Path], model: str | None) -> tuple[list[str], float]:
    require_tesseract()
    # One line of text (psm 7), one process per crop, one per core at a time.
    return timed(lambda path: tesseract(path, 7).strip(), paths, "tesseract", threads=CORES)


def run_rapidocr(paths: list[Path], model: str | None) -> tuple[list[str], float]:
    rapid = RapidOCRRunner()
    # Recognition only, one crop per call; the warm-up crop loads its recognition model.
    return timed(lambda path: (rapid.read(path, detect=False).texts or ("",))[0], paths, "rapidocr")


def run_ocrforge_lexicon(paths: list[Path], model: str | None) -> tuple[list[str], float]:
    return run_ocrforge(paths, model, lexicon="english")  # the CRNN decoded with the built-in word list


def run_ocrforge_french(paths: list[Path], model: str | None) -> tuple[list[str], float]:
    return run_ocrforge(paths, model, lexicon="french")  # for French text (handwritten wills): the built-in French list


def run_ocrforge_attention(paths: list[Path], model: str | None) -> tuple[list[str], float]:
    return run_ocrforge(paths, "attention")  # the shipped Attention-OCR beside the CRNN (--model applies to the CRNN)


RUNNERS: dict[str, Runner] = {
    "ocrforge": run_ocrforge, "ocrforge-lexicon": run_ocrforge_lexicon, "ocrforge-french": run_ocrforge_french,
    "ocrforge-attention": run_ocrforge_attention, "tesseract": run_tesseract, "rapidocr": run_rapidocr,
}
RECOGNITION_ENGINES = tuple(RUNNERS)


# ---------------------------------------------------------------- orchestration


def measure(workers: Workers, engine: str, crop_set: CropSet) -> dict:
    """One child process per (set, engine), then its predictions scored here."""
    from ocrforge.eval.metrics import score

    def scored(reply: dict) -> dict:
        scores = score(reply["outputs"], crop_set.texts, ignore_spaces=crop_set.name in NO_SPACE_SETS)
        return {**scores.as_dict(), "seconds": reply["seconds"], "crops_per_s": scores.n / reply["seconds"],
                "peak_rss_mb": reply["peak_rss_mb"], "predictions": reply["outputs"]}

    return workers.measure({"set": crop_set.name, "engine": engine}, crop_set.paths, scored)


# ---------------------------------------------------------------- report


def cell(row: dict, key: str, fmt: str) -> str:
    if row["status"] != "ok":
        return "n/a"
    text = format(row[key], fmt)
    headline = "cer" if row["set"] in LINE_SETS else "word_accuracy_alnum"
    return f"**{text}**" if key == headline else text


def speed_ratio(row: dict, rows: list[dict]) -> str:
    """ocrforge's throughput as a multiple of RapidOCR's on the same set."""
    rapid = next((r for r in rows if r["set"] == row["set"] and r["engine"] == "rapidocr"), None)
    if not row["engine"].startswith("ocrforge") or row["status"] != "ok" or not rapid or rapid["status"] != "ok":
        return ""
    return f"{row['crops_per_s'] / rapid['crops_per_s']:.2f}×"


def markdown(env: dict, rows: list[dict]) -> str:
    lines = [
        *report_head("Text recognition on cropped words and lines", env, f"- ocrforge model: {env['model']}"),
        "How it was run: each set × engine in its own process. ocrforge: all crops in one batched call "
        "(batch 32, greedy), read as `ocrforge recognize` reads them: crops taller than wide also turned, "
        "unsurely read ones also straightened along the word the detector finds in them; ocrforge-lexicon: the same, decoded by beam search with the built-in English word "
        "list (`--lexicon english`); ocrforge-french: with the built-in French list. Tesseract: `tesseract IMG stdout --psm 7 -l eng`, one process per crop, "
        f"{env['cores']} at a time (OMP_THREAD_LIMIT=1). RapidOCR: recognition only, one crop per call, "
        "default settings. crops/s is wall time over the set including decoding the image files, "
        "after one untimed warm-up crop, excluding model load. Peak RSS: the worker process "
        "(+ the largest tesseract child). Headline metric in bold: case-insensitive alphanumeric "
        "accuracy for word sets, CER for line sets. words_real is scored ignoring spaces.",
        "",
        "| Set | Engine | n | Exact acc | Alnum acc (ci) | CER | 1-NED | crops/s | Speed vs RapidOCR | Peak RSS (MB) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        n = str(row["n"]) if row["status"] == "ok" else "n/a"
        lines.append(
            f"| {row['set']} | {row['engine']} | {n} | {cell(row, 'word_accuracy', '.1%')} "
            f"| {cell(row, 'word_accuracy_alnum', '.1%')} | {cell(row, 'cer', '.2%')} "
            f"| {cell(row, 'one_minus_ned', '.3f')} | {cell(row, 'crops_per_s', '.1f')} "
            f"| {speed_ratio(row, rows)} | {cell(row, 'peak_rss_mb', '.0f')} |"
        )
    reasons = [f"- {r['set']} / {r['engine']}: n/a, {r['reason']}" for r in rows if r["status"] != "ok"]
    return "\n".join(lines + ([""] + reasons if reasons else []) + [""])


def by_face(rows: list[dict], crop_sets: dict[str, list[dict]]) -> str:
    """Exact accuracy of every engine on each synthetic set, split by the (unseen) font package:
    which kinds of face an engine cannot read yet, where a set's mean hides it."""
    sections = []
    for name, crops in crop_sets.items():
        faces = [c["face"] for c in crops]
        ok = [r for r in rows if r["set"] == name and r["status"] == "ok"]
        if None in faces or not ok:
            continue
        packages = sorted(set(faces))
        lines = [f"### {name}: exact accuracy by font package", "",
                 "| Package | n | " + " | ".join(r["engine"] for r in ok) + " |",
                 "|---|---:|" + "---:|" * len(ok)]
        for package in packages:
            picked = [i for i, f in enumerate(faces) if f == package]
            cells = [f"{sum(r['predictions'][i] == crops[i]['text'] for i in picked) / len(picked):.1%}" for r in ok]
            lines.append(f"| {package} | {len(picked)} | " + " | ".join(cells) + " |")
        sections.append("\n".join(lines))
    return "\n" + "\n\n".join(sections) + "\n" if sections else ""


# ---------------------------------------------------------------- main


def _sets(value: str) -> list[str]:
    return [] if value == "none" else comma_list(SETS)(value)


def _named_spec(value: str) -> tuple[str, str]:
    name, equals, spec = value.partition("=")
    if not equals or not name or ":" not in spec:
        raise SystemExit(f"--set {value!r}: expected NAME=KIND:PATH")
    return name, spec


def build_parser() -> argparse.ArgumentParser:
    parser = benchmark_parser(__doc__, RECOGNITION_ENGINES, "recognition.md",
                              cache="keep the rendered synthetic sets and written --set/--standard crops here and reuse them",
                              sizes={"--synth-n": (300, "crops per synthetic set")},
                              model=("--model", "ocrforge ONNX recognizer (default: the shipped weights)"))
    parser.set_defaults(engines=[e for e in RECOGNITION_ENGINES if e != "ocrforge-french"])  # French: asked for by name
    parser.add_argument("--sets", type=_sets, default=list(SETS), help="comma list of the bundled sets (default: all; none: only --set/--standard)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=KIND:PATH", dest="extra",
                        help="also any labelled set `ocrforge eval` reads, under NAME (repeatable)")
    parser.add_argument("--standard", type=Path, metavar="DIR", help="also the standard benchmarks found in DIR (see above)")
    parser.add_argument("--limit", type=positive_int, help="only the first N crops of each set, for quick runs")
    parser.add_argument("--data-root", type=Path, default=REPO.parent / "shared" / "data",
                        help="folder holding words_real/ and lines_uw3/ (default: <repo>/../shared/data)")
    return parser


def benchmark(args: argparse.Namespace, workers: Workers) -> tuple[str, dict]:
    env = environment(model=(workers.model or "shipped weights/crnn.onnx") + "; ocrforge-attention: shipped weights/attention.onnx")
    rows: list[dict] = []
    crop_sets: dict[str, list[dict]] = {}
    specs = {**(standard_sets(args.standard) if args.standard else {}), **dict(_named_spec(s) for s in args.extra)}
    for name in [*args.sets, *specs]:
        try:
            crop_set = load_set(name, args.data_root, args.cache or workers.scratch, args.synth_n, args.limit, specs.get(name))
        except (OSError, RuntimeError) as err:  # missing data or fonts: a row of n/a, not a crash
            rows += [{"set": name, "engine": e, "status": "n/a", "reason": str(err)} for e in args.engines]
            continue
        crop_sets[name] = [{"path": str(p), "text": t, "face": f}
                           for p, t, f in zip(crop_set.paths, crop_set.texts, crop_set.faces or [None] * len(crop_set.paths))]
        for engine in args.engines:
            print(f"== {name} / {engine} ({len(crop_set.paths)} crops)", file=sys.stderr)
            rows.append(measure(workers, engine, crop_set))
    return markdown(env, rows) + by_face(rows, crop_sets), {"environment": env, "results": rows, "crops": crop_sets}


def main(argv: list[str] | None = None) -> None:
    bench_main(__file__, build_parser(), RUNNERS, benchmark, argv)


if __name__ == "__main__":
    main()
