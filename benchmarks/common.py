"""What the benchmark scripts share: the worker protocol (one child process per set × engine,
replying in JSON), the environment header and the command-line helpers.

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
import time
from collections.abc import Callable
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import TextIO

REPO = Path(__file__).resolve().parents[1]
ENGINES = ("ocrforge", "tesseract", "rapidocr")


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


def serve_listing(runner: Callable[[list[Path]], list], listing: Path) -> None:
    """Worker side for engines that read a list of image files: {"outputs", "seconds"} for the paths in `listing`."""
    paths = [Path(p) for p in listing.read_text(encoding="utf-8").splitlines()]

    def run() -> dict:
        start = time.perf_counter()
        outputs = runner(paths)
        return {"outputs": outputs, "seconds": time.perf_counter() - start}

    serve(run)


def call_worker(script: str, args: list[str]) -> dict:
    """Parent side: run `script --worker ...` as a child; its reply, or an error naming why it has none."""
    command = [sys.executable, str(Path(script).resolve()), *args]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)  # stderr shows the progress bars
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"error": f"worker exited with status {done.returncode} and no reply"}


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


def environment(**models: str) -> dict:
    """Date, machine, load, versions and command line, plus the model paths the caller names."""
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(), "cores": os.cpu_count(), "load_average": os.getloadavg(),
        "python": sys.version.split()[0], "ocrforge": package_version("ocrforge"),
        "onnxruntime": package_version("onnxruntime"), "tesseract": tesseract_version(),
        "rapidocr": package_version("rapidocr"), **models,
        "command": shlex.join(["python", *sys.argv]),
    }


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
