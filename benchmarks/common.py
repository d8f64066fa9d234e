"""What the benchmark scripts share: the worker protocol (one child process per set × engine,
replying in JSON), the entry point of the side-by-side scripts (`bench_main`: their common flags,
their --worker children, the scratch folder), the environment header and the command-line helpers.
The peer engines themselves are in peers.py.

Scripts here are run as `python benchmarks/NAME.py`, which puts this folder on sys.path, so
they and their --worker children import this module as `common`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import numpy as np

# numpy, tqdm and the thread pool are imported where they are used: a worker's peak RSS includes what it
# imports, and before this module served them all most workers never loaded them.

REPO = Path(__file__).resolve().parents[1]
CORES = os.cpu_count() or 1

# Worker side: an engine over a list of image files -> (one output per image, seconds the set took). The
# second argument is the ocrforge model the run names (--model, --detector; None: the shipped one); the
# peers ignore it.
Runner = Callable[[list[Path], str | None], tuple[list, float]]


# ---------------------------------------------------------------- worker protocol


def json_channel() -> TextIO:
    """The real stdout for the JSON reply; fd 1 is pointed at stderr so library prints cannot corrupt it."""
    sys.stdout.flush()
    reply = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    return reply


def peak_rss_mb() -> float:
    """This process's peak RSS plus the largest single child's (one tesseract run), in MB."""
    # ru_maxrss is in KiB on Linux; for children it is the largest one, not their sum.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def serve(run: Callable[[], dict]) -> None:
    """Worker side: `run()`'s dict plus peak_rss_mb as the JSON reply, or {"error": why} if it raised."""
    with json_channel() as reply:
        try:
            result = run()
        except Exception as err:  # an engine that cannot run is reported n/a with its reason, not a crash
            json.dump({"error": f"{type(err).__name__}: {err}"}, reply)
            return
        json.dump({**result, "peak_rss_mb": peak_rss_mb()}, reply)


def call_worker(script: str, args: list[str]) -> dict:
    """Parent side: run `script --worker ...` as a child; its reply, or an error naming why it has none."""
    command = [sys.executable, str(Path(script).resolve()), *args]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)  # stderr shows the progress bars
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"error": f"worker exited with status {done.returncode} and no reply"}


# ---------------------------------------------------------------- reading a set (inside the worker)


def timed(read: Callable[[Path], object], paths: list[Path], desc: str | None = None, threads: int = 1) -> tuple[list, float]:
    """`read` on every path, in order, and the seconds that took: after one untimed warm-up image (ONNX
    Runtime allocates on its first run; page cache and shared libraries for tesseract), so model load is
    excluded. threads > 1: that many images at a time. desc: the progress bar's label (none without)."""
    read(paths[0])
    start = time.perf_counter()
    if threads > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=threads) as pool:
            outputs = list(_progress(pool.map(read, paths), len(paths), desc))
    else:
        outputs = list(_progress(map(read, paths), len(paths), desc))
    return outputs, time.perf_counter() - start


def _progress(reads: Iterator, total: int, desc: str | None) -> Iterator:
    if desc is None:
        return reads
    from tqdm import tqdm

    return tqdm(reads, total=total, desc=desc, unit="img")


def timed_with_load(run: Callable[[list[Path]], list]) -> Runner:
    """A runner timed from its start, model load and warm-up included (how plates.py and house_numbers.py
    time their engines)."""
    def timed_run(paths: list[Path], model: str | None) -> tuple[list, float]:
        start = time.perf_counter()
        outputs = run(paths)
        return outputs, time.perf_counter() - start
    return timed_run


def word(text: str, box: np.ndarray, confidence: float) -> dict:
    """One word (or line) of a page runner's output: its text, 4 [x, y] points, its confidence."""
    import numpy as np

    box = np.round(np.asarray(box, float).reshape(4, 2), 1).tolist()
    return {"text": text, "box": box, "confidence": round(float(confidence), 4)}


# ---------------------------------------------------------------- the side-by-side scripts' entry point


def benchmark_parser(doc: str, engines: tuple[str, ...], out: str, cache: str | None, sizes: dict[str, tuple[int, str]],
                     model: tuple[str, str] | None = None) -> argparse.ArgumentParser:
    """The flags every side-by-side script takes: --engines, --cache DIR (`cache` is its help; None for a
    script that renders nothing), --out
    (default benchmarks/results/`out`), the sizes of the sets it renders (flag -> default, what it counts),
    the ocrforge model its runners get where it has one (flag, help), and the hidden ones of its --worker
    children. The script adds its own."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--engines", type=comma_list(engines), default=list(engines), help="comma list (default: all)")
    if cache is not None:
        parser.add_argument("--cache", type=Path, metavar="DIR", help=cache)
    for flag, (default, what) in sizes.items():
        parser.add_argument(flag, type=positive_int, default=default, help=f"{what} (default {default})")
    if model:
        parser.add_argument(model[0], dest="model", help=model[1])
    parser.set_defaults(model=None)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / out,
                        help=f"the Markdown table, the raw numbers beside it as .json.gz (default: benchmarks/results/{out})")
    parser.add_argument("--worker", choices=engines, help=argparse.SUPPRESS)  # internal: the child process
    parser.add_argument("--listing", type=Path, help=argparse.SUPPRESS)  # its image files, one a line
    parser.add_argument("--worker-model", help=argparse.SUPPRESS)  # the runner's second argument
    return parser


@dataclass(frozen=True)
class Workers:
    """Parent side: one child process of `script` per set × engine, its image list written to `scratch`;
    `model` (the run's ocrforge model, resolved; None: the shipped one) goes to every runner."""

    script: str
    scratch: Path
    model: str | None = None

    def measure(self, row: dict, paths: list[Path], score: Callable[[dict], dict]) -> dict:
        """row["engine"] reads `paths` in a child; `row` with status ok and score(reply) (reply: {"outputs",
        "seconds", "peak_rss_mb"}), or with status n/a and the reason."""
        listing = self.scratch / f"{row.get('set', 'images').replace('/', '_')}.txt"  # val/ic15_words: a file, not a folder
        listing.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
        args = ["--worker", row["engine"], "--listing", str(listing)] + (["--worker-model", self.model] if self.model else [])
        reply = call_worker(self.script, args)
        if "error" in reply:
            return {**row, "status": "n/a", "reason": reply["error"]}
        return {**row, "status": "ok", **score(reply)}


def bench_main(script: str, parser: argparse.ArgumentParser, runners: dict[str, Runner],
               benchmark: Callable[[argparse.Namespace, Workers], tuple[str, dict]], argv: list[str] | None = None,
               cache_required: bool = False) -> None:
    """A side-by-side script's main: as a --worker child, serve one runner's outputs and seconds; else
    `benchmark(args, workers)`, with a scratch folder that lasts the run, and its (Markdown, raw numbers)
    written to --out."""
    args = parser.parse_args(argv)
    if args.worker:
        paths = [Path(p) for p in args.listing.read_text(encoding="utf-8").splitlines()]
        serve(lambda: dict(zip(("outputs", "seconds"), runners[args.worker](paths, args.worker_model))))
        return
    if cache_required and getattr(args, "cache", None) is None:
        parser.error("--cache is required")
    model = str(Path(args.model).resolve()) if args.model else None
    with tempfile.TemporaryDirectory(prefix="ocrforge-bench-") as scratch:
        table, raw = benchmark(args, Workers(script, Path(scratch), model))
    write_report(args.out, table, raw)


# ---------------------------------------------------------------- environment


def tesseract_version() -> str:
    try:
        done = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    except FileNotFoundError:
        return "tesseract not installed"
    return (done.stdout or done.stderr).splitlines()[0]


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def ocrforge_version() -> str:
    """The version of the source being measured (an editable install's metadata can lag behind it)."""
    from ocrforge.version import __version__

    return __version__


def environment(**models: str) -> dict:
    """Date, machine, load, versions and command line, plus the model paths the caller names."""
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(), "cores": os.cpu_count(), "load_average": os.getloadavg(),
        "python": sys.version.split()[0], "ocrforge": ocrforge_version(),
        "onnxruntime": package_version("onnxruntime"), "tesseract": tesseract_version(),
        "rapidocr": package_version("rapidocr"), **models,
        "command": shlex.join(["python", *sys.argv]),
    }


def report_head(title: str, env: dict, *models: str) -> list[str]:
    """A report's first lines: its title, the environment, the `models` lines, the command line."""
    return [f"# {title}", "", *environment_lines(env), *models, f"- Command: `{env['command']}`", ""]


def environment_lines(env: dict) -> list[str]:
    """The Markdown bullet lines for the environment, without the model lines each script adds."""
    return [
        f"- Date: {env['date']}",
        f"- Machine: {env['cpu']}, {env['cores']} cores (load average at start: "
        + ", ".join(f"{x:.2f}" for x in env["load_average"]) + ")",
        f"- Versions: Python {env['python']}, ocrforge {env['ocrforge']}, onnxruntime {env['onnxruntime']}, "
        f"{env['tesseract']}, rapidocr {env['rapidocr']}",
    ]


def write_report(out: Path, table: str, raw: dict) -> None:
    """The Markdown to stdout and `out`, the raw numbers beside it as gzipped JSON (`zcat NAME.json.gz`)."""
    print(table)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table, encoding="utf-8")
    # Compressed: the raw predictions of a pages run are megabytes, and the repository has to travel light.
    raw_path = out.with_suffix(".json.gz")
    with gzip.open(raw_path, "wt", encoding="utf-8") as f:
        json.dump(raw, f, ensure_ascii=False, separators=(",", ":"))
    print(f"wrote {out} and {raw_path}", file=sys.stderr)


# ---------------------------------------------------------------- command line


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def comma_list(allowed: tuple[str, ...]) -> Callable[[str], list[str]]:
    def parse(value: str) -> list[str]:
        names = [v.strip() for v in value.split(",") if v.strip()]
        unknown = sorted(set(names) - set(allowed))
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown {', '.join(unknown)}; choose among {', '.join(allowed)}")
        return names
    return parse
