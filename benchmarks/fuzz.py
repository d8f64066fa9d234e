"""The long fuzz run: the suite's fuzz tests (tests/fuzz) with many random examples instead of a short
fixed draw, and their figures as a table: inputs tried per target, failures found.

    python benchmarks/fuzz.py                      # 5,000 examples per target (about 20 minutes on 2 cores)
    python benchmarks/fuzz.py --examples 2000      # a quicker look

Targets: the image loaders (PNG, PNG with alpha, 16-bit PNG, JPEG with EXIF, CMYK JPEG, WebP, multi-page
TIFF, animated GIF, BMP, PPM, PGM seeds), the PDF reader, the video loader (an MP4 seed, in a process of
its own), `ocrforge read` on a folder of damaged files, and every operation of the HTTP API generated from
its OpenAPI schema (schemathesis). The table goes to --out (default benchmarks/results/fuzz.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import REPO, environment, environment_lines, positive_int, write_report

# hypothesis --hypothesis-show-statistics: a test's name line, then its counts.
TEST_LINE = re.compile(r"^(tests/fuzz/\S+::\S+?)(?:\[(.*)\])?:\s*$")
COUNTS = re.compile(r"(\d+) passing examples, (\d+) failing examples")


def run(examples: int, scratch: Path) -> tuple[list[dict], str, float]:
    started = time.perf_counter()
    calls = scratch / "api-calls.json"
    env = {**os.environ, "OCRFORGE_FUZZ_EXAMPLES": str(examples), "OCRFORGE_FUZZ_REPORT": str(calls)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:warnings", "tests/fuzz", "--hypothesis-show-statistics"],
                          cwd=REPO, capture_output=True, text=True, env=env)
    rows, current = [], None
    for line in done.stdout.splitlines():
        name = TEST_LINE.match(line.strip())
        if name and "test_fuzz_inputs" in name.group(1):
            current = name.group(1).split("::")[-1]
        counts = COUNTS.search(line)
        if counts and current:
            rows.append({"target": current, "inputs": int(counts.group(1)) + int(counts.group(2)), "failing": int(counts.group(2))})
            current = None
    # Fixed counts of damaged files (see tests/fuzz/test_fuzz_inputs.py); the API's from the test's own count.
    failed = {m.group(1).split("::")[-1] for m in re.finditer(r"FAILED (\S+)", done.stdout)}
    fixed = {"test_video_loader_survives_damaged_files": max(80, examples // 20),
             "test_read_names_each_damaged_file_and_reads_the_rest": 17}
    rows += [{"target": target, "inputs": count, "failing": int(target in failed)} for target, count in fixed.items()]
    subfailed = [line for line in done.stdout.splitlines() if line.startswith("SUBFAILED")]
    by_path = Counter()  # schemathesis also tries every other method on each path: counted with it
    for operation, count in (json.loads(calls.read_text()).items() if calls.exists() else []):
        by_path[operation.partition(" ")[2]] += count
    for path, count in sorted(by_path.items()):
        rows.append({"target": f"API {path}", "inputs": count, "failing": int(any(f"{path}]" in line for line in subfailed))})
    if subfailed and not calls.exists():
        rows.append({"target": "API", "inputs": 0, "failing": len(subfailed)})
    return rows, done.stdout[-4000:], time.perf_counter() - started


def markdown(env: dict, rows: list[dict], summary: str, seconds: float) -> str:
    lines = ["# Fuzzing the inputs and the HTTP API", "", *environment_lines(env), f"- Command: `{env['command']}`",
             f"- Wall time: {seconds / 60:.1f} min", "",
             "| Target | Inputs tried | Failing target |", "|---|---:|---:|"]
    lines += [f"| {r['target']} | {r['inputs']:,} | {'yes' if r['failing'] else 'no'} |" for r in rows]
    lines += ["", f"Total inputs tried: {sum(r['inputs'] for r in rows):,}; failing targets: {sum(bool(r['failing']) for r in rows)}.",
              "", "pytest's last line:", "", "```", summary.strip().splitlines()[-1] if summary.strip() else "", "```", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=positive_int, default=5000, help="random examples per fuzz target (default 5000)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "fuzz.md")
    args = parser.parse_args()
    env = environment()
    with tempfile.TemporaryDirectory() as scratch:
        rows, summary, seconds = run(args.examples, Path(scratch))
    write_report(args.out, markdown(env, rows, summary, seconds), {"environment": env, "rows": rows, "pytest_tail": summary})


if __name__ == "__main__":
    main()
