"""Where ocrforge stands against Tesseract and RapidOCR: one compact Markdown table from benchmarks/results/.

Each row is one figure from a benchmark's results: ocrforge, Tesseract and RapidOCR on the same inputs.
Results are read from every `*.json.gz` there (its "environment" gives the date and machine), and from
every `*.md` without a `.json.gz` of the same name (a run written with --out: its "- Date:" and
"- Machine:" lines and its Set / Engine table; with no date line, the date of the file's last commit).
Each cell comes from the newest run that measured that engine on that set; a speed row takes all three
engines from one run, so they shared a machine and its load.

    python benchmarks/summary.py            # print the table
    python benchmarks/summary.py --write    # put it into README.md between the standing markers
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- standing:start -->", "<!-- standing:end -->"
ENGINES = {"ocrforge": "ocrforge", "tesseract": "Tesseract", "rapidocr": "RapidOCR"}  # column key -> header

# Markdown table headers of the results files -> the keys their .json.gz rows use.
MD_COLUMNS = {"Set": "set", "Engine": "engine", "n": "n", "Exact acc": "word_accuracy",
              "Alnum acc (ci)": "word_accuracy_alnum", "CER": "cer", "crops/s": "crops_per_s",
              "Det H-mean": "det_hmean", "Page CER": "cer", "s/image": "s_per_image",
              "Plate accuracy": "accuracy", "Accuracy": "accuracy", "images/s": "images_per_s"}


@dataclass(frozen=True)
class Row:
    label: str
    set: str  # the set's name in the results; for a file without sets, the file's name
    metric: str  # the key in the results rows
    higher_is_better: bool
    digits: int  # decimals shown
    percent: bool = True
    same_run: bool = False  # all engines from one run (speed)
    engines: dict = field(default_factory=dict)  # column key -> engine name in the results, where they differ


ROWS = [
    Row("Word crops from real photos (ICDAR 2015 val.), words right ↑", "val/ic15_words", "word_accuracy_alnum", True, 1),
    Row("Scanned text lines (UW3), character errors ↓", "lines_uw3", "cer", False, 2),
    Row("Handwritten lines (real French wills, unseen hands; `--arch handwriting`), character errors ↓", "htr_val", "cer",
        False, 1),
    Row("Handwritten pages (the same wills, whole pages; `read --handwriting`), words found ↑", "handwritten_pages",
        "bow_recall", True, 1, engines={"ocrforge": "ocrforge-handwriting"}),
    Row("Whole scanned pages (Tesseract's test pages), character errors ↓", "pages_tesseract", "cer", False, 2),
    Row("Finding words in real scene photos (ICDAR 2003 val.), H-mean ↑", "val/ic03_scenes", "det_hmean", True, 1),
    Row("Licence plates in real European car photos, plates right ↑", "plates_real_dev", "accuracy", True, 1),
    Row("Real licence plate crops (Brazil, val.; RapidOCR without its detector), plates right ↑", "br_plates_val",
        "accuracy", True, 1, engines={"rapidocr": "rapidocr-rec"}),
    Row("Licence plates in car photos (synthetic), plates right ↑", "car_photos", "accuracy", True, 1),
    Row("House numbers (synthetic; RapidOCR without its detector), numbers right ↑", "house_numbers", "accuracy", True, 1,
        engines={"rapidocr": "rapidocr-rec"}),
    Row("Speed on word crops, crops per second ↑", "val/ic15_words", "crops_per_s", True, 0, percent=False, same_run=True),
    Row("Speed on real scene photos, seconds per image ↓", "val/ic03_scenes", "s_per_image", False, 2, percent=False,
        same_run=True),
]


@dataclass
class Run:
    file: str  # name under benchmarks/results
    date: str  # YYYY-MM-DD HH:MM UTC, or YYYY-MM-DD
    machine: str
    rows: list  # dicts with set, engine and metric keys
    date_from_git: bool = False


def _json_run(path: Path) -> Run:
    data = json.loads(gzip.decompress(path.read_bytes()))
    env = data.get("environment") or {}
    rows = data.get("results") or data.get("rows") or []
    stem = path.name.removesuffix(".json.gz")
    rows = [{"set": stem, **r} for r in rows if isinstance(r, dict) and r.get("status", "ok") == "ok"]
    machine = f"{env.get('cpu', 'unknown CPU')}, {env.get('cores', '?')} cores"
    load = (env.get("load_average") or [0.0])[0]
    if load >= env.get("cores", float("inf")):  # other work shared the cores: speeds are low, their ratios hold
        machine += f" (busy: load {load:.1f} at the start)"
    return Run(path.name, env.get("date", ""), _plain(machine), rows)


def _plain(machine: str) -> str:
    """`Intel(R) Xeon(R) Processor, 2 cores` -> `Intel Xeon, 2 cores`."""
    return re.sub(r"\((R|TM)\)", "", machine).replace(" Processor", "")


def _cell(text: str):
    text = text.strip().strip("*").replace("×", "")
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        return text or None


def _md_run(path: Path) -> Run | None:
    lines = path.read_text(encoding="utf-8").splitlines()
    date = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("- Date:")), "")
    machine = next((line.split(":", 1)[1].split(" (")[0].strip() for line in lines if line.startswith("- Machine:")), "")
    rows, header = [], None
    for line in lines:
        if not line.startswith("|"):
            if header and rows:
                break  # the first Set / Engine table only
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            if "Set" in cells and "Engine" in cells:
                header = [MD_COLUMNS.get(c, c) for c in cells]
            continue
        if set(line) <= set("|-: "):
            continue
        rows.append({key: (_cell(c) if key not in ("set", "engine") else c) for key, c in zip(header, cells)})
    if not rows:
        return None
    from_git = False
    if not date:  # no date line: the day of the file's last commit, said so in the table's source line
        log = subprocess.run(["git", "log", "-1", "--format=%cs", "--", str(path)], cwd=ROOT,
                             capture_output=True, text=True)
        date, from_git = log.stdout.strip(), bool(log.stdout.strip())
    return Run(path.name, date or "undated", _plain(machine) or "machine not recorded", rows, from_git)


def load_runs(results: Path) -> list[Run]:
    runs = [_json_run(p) for p in sorted(results.glob("*.json.gz"))]
    with_json = {p.name.removesuffix(".json.gz") for p in results.glob("*.json.gz")}
    runs += [r for p in sorted(results.glob("*.md")) if p.stem not in with_json and (r := _md_run(p))]
    return sorted(runs, key=lambda r: (r.date[:1].isdigit(), r.date), reverse=True)  # newest first, undated last


def _value(run: Run, row: Row, engine: str):
    name = row.engines.get(engine, engine)
    for r in run.rows:
        if r.get("set") == row.set and r.get("engine") == name and isinstance(r.get(row.metric), (int, float)):
            return r[row.metric]
    return None


def pick(runs: list[Run], row: Row) -> dict:
    """Column key -> (value, run) for one row."""
    if row.same_run:
        for run in runs:
            values = {e: _value(run, row, e) for e in ENGINES}
            if all(v is not None for v in values.values()):
                return {e: (v, run) for e, v in values.items()}
        return {}
    found = {}
    for engine in ENGINES:
        for run in runs:
            if (v := _value(run, row, engine)) is not None:
                found[engine] = (v, run)
                break
    return found


def _format(row: Row, value: float) -> str:
    return f"{value * 100:.{row.digits}f}%" if row.percent else f"{value:,.{row.digits}f}"


def table(runs: list[Run]) -> str:
    lines = ["| | " + " | ".join(ENGINES.values()) + " |", "|---|" + "---:|" * len(ENGINES)]
    used: dict[str, tuple[Run, set]] = {}
    for row in ROWS:
        found = pick(runs, row)
        if not found:
            continue
        best = (max if row.higher_is_better else min)(v for v, _ in found.values())
        cells = []
        for engine in ENGINES:
            if engine not in found:
                cells.append("n/a")
                continue
            value, run = found[engine]
            text = _format(row, value)
            cells.append(f"**{text}**" if text == _format(row, best) else text)
            used.setdefault(run.file, (run, set()))[1].add(engine)
        lines.append(f"| {row.label} | " + " | ".join(cells) + " |")
    sources = []
    for run, engines in sorted(used.values(), key=lambda item: item[0].date, reverse=True):
        only = "" if len(engines) == len(ENGINES) else " (" + ", ".join(ENGINES[e] for e in ENGINES if e in engines) + ")"
        when = run.date[:10] + (" (the day of its last commit)" if run.date_from_git else "")
        sources.append(f"`{run.file}`{only} {when} on {run.machine}")
    lines += ["", "Measured one engine after another on the same inputs; from `benchmarks/results/`: "
              + "; ".join(sources) + "."]
    return "\n".join(lines) + "\n"


def write(readme: Path, text: str) -> None:
    old = readme.read_text(encoding="utf-8")
    start, end = old.find(START), old.find(END)
    if start < 0 or end < start:
        sys.exit(f"{readme}: no {START} ... {END} markers")
    readme.write_text(old[: start + len(START)] + "\n" + text + old[end:], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--write", action="store_true", help="put the table into --readme between the markers")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    args = parser.parse_args()
    text = table(load_runs(args.results))
    if args.write:
        write(args.readme, text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
