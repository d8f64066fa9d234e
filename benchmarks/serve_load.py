"""Issue #7's server target: 20 concurrent clients for 60 s on loopback: no 5xx, memory flat, p95 latency.

Starts `ocrforge serve` (default settings, --db the given index if any) in a child process; each client
thread loops posting one of four 640x480 synthetic scenes (holdout fonts, seed 66) to /v1/read, and
every fifth request asks /v1/search when an index is given. The server's RSS is sampled every second;
"flat" compares the last 10 s with the 10 s after the first 15 s of warm-up.

    python benchmarks/serve_load.py [--clients 20] [--seconds 60] [--db INDEX]
"""

from __future__ import annotations

import argparse
import io
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import numpy as np
from common import REPO, environment, environment_lines, positive_int, write_report

WARM_UP_S = 15.0


def scenes(count: int = 4) -> list[bytes]:
    from PIL import Image

    from ocrforge.data.synth.fonts import load_faces
    from ocrforge.data.synth.scenes import scene

    faces = load_faces("holdout")
    out = []
    for i in range(count):
        data = io.BytesIO()
        Image.fromarray(scene(np.random.default_rng([66, i]), faces, 640, 480, max_angle=30.0).image).save(data, format="JPEG", quality=90)
        out.append(data.getvalue())
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(port: int, db: Path | None) -> subprocess.Popen:
    command = [sys.executable, "-m", "ocrforge", "serve", "--port", str(port), "--log-level", "warning"]
    if db:
        command += ["--db", str(db)]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"server did not start: {server.stderr.read()}")


def client(url: str, images: list[bytes], search: bool, stop: float, offset: int, results: list) -> None:
    with httpx.Client(base_url=url, timeout=120) as http:
        n = offset
        while time.time() < stop:
            n += 1
            start = time.perf_counter()
            try:
                if search and n % 5 == 0:
                    response = http.get("/v1/search", params={"q": "the"})
                    kind = "search"
                else:
                    response = http.post("/v1/read", files={"file": ("scene.jpg", images[n % len(images)], "image/jpeg")})
                    kind = "read"
                status = response.status_code
            except httpx.HTTPError as err:
                kind, status = "error", type(err).__name__
            results.append((time.time(), kind, status, time.perf_counter() - start))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=positive_int, default=20)
    parser.add_argument("--seconds", type=positive_int, default=60)
    parser.add_argument("--db", type=Path, help="an index for /v1/search requests (default: read requests only)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/results/serve_load.md")
    args = parser.parse_args()

    env = environment()
    images = scenes()
    port = free_port()
    server = start_server(port, args.db)
    url = f"http://127.0.0.1:{port}"
    results: list = []
    memory: list[tuple[float, float]] = []
    begin = time.time()
    stop = begin + args.seconds
    threads = [threading.Thread(target=client, args=(url, images, args.db is not None, stop, i, results)) for i in range(args.clients)]
    for thread in threads:
        thread.start()
    while time.time() < stop:
        memory.append((time.time() - begin, rss_mb(server.pid)))
        time.sleep(1.0)
    for thread in threads:
        thread.join()
    memory.append((time.time() - begin, rss_mb(server.pid)))
    server.terminate()
    server.wait(timeout=30)

    statuses = Counter(str(status) for _, _, status, _ in results)
    ok = [latency for _, _, status, latency in results if status == 200]
    reads = [latency for _, kind, status, latency in results if kind == "read" and status == 200]
    server_errors = sum(n for s, n in statuses.items() if s.startswith("5") or not s.isdigit())
    warm = [mb for t, mb in memory if WARM_UP_S <= t < WARM_UP_S + 10]
    last = [mb for t, mb in memory if t >= args.seconds - 10]
    growth = (statistics.mean(last) - statistics.mean(warm)) / statistics.mean(warm) if warm and last else float("nan")
    summary = {
        "clients": args.clients, "seconds": args.seconds, "requests": len(results), "statuses": dict(statuses),
        "server_errors": server_errors, "requests_per_s": len(results) / args.seconds,
        "p50_s": statistics.median(ok) if ok else None, "p95_s": float(np.percentile(ok, 95)) if ok else None,
        "read_p95_s": float(np.percentile(reads, 95)) if reads else None,
        "rss_after_warm_up_mb": statistics.mean(warm) if warm else None, "rss_last_10s_mb": statistics.mean(last) if last else None,
        "rss_max_mb": max(mb for _, mb in memory), "rss_growth": growth,
    }
    lines = ["# `ocrforge serve` under load", "", *environment_lines(env), f"- Command: `{env['command']}`",
             f"- Server: default settings (2 workers, queue 32, 1 ONNX thread per model); "
             f"{'index ' + str(args.db) if args.db else 'no index'}; clients and server on the same 2 cores", "",
             "| clients | seconds | requests | req/s | statuses | 5xx + transport errors | p50 s | p95 s | RSS after warm-up MB | RSS last 10 s MB | growth |",
             "|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
             f"| {args.clients} | {args.seconds} | {len(results)} | {summary['requests_per_s']:.1f} | "
             + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
             + f" | **{server_errors}** | {summary['p50_s']:.2f} | **{summary['p95_s']:.2f}** | "
             f"{summary['rss_after_warm_up_mb']:.0f} | {summary['rss_last_10s_mb']:.0f} | **{growth:+.1%}** |"]
    write_report(args.out, "\n".join(lines) + "\n", {"environment": env, "summary": summary, "memory": memory})


if __name__ == "__main__":
    main()
