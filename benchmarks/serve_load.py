"""A soak of `ocrforge serve`: 20 concurrent clients for 10 minutes on loopback, mixed requests, a share of them bad
uploads: no 5xx, every bad upload a 4xx JSON error naming it, latency percentiles, requests per second and
the server's memory over time (flat after warm-up), as a table and a plot.

Starts `ocrforge serve` (default settings, --db the given index if any) in a child process. Each client
thread loops over a fixed mix: 7 in 20 requests read a 640x480 synthetic scene (/v1/read), 4 scan a
phone photo of a page (/v1/scan), 3 read a car's plate (/v1/plate), 4 search the index (/v1/search,
when --db is given; else reads), and 2 upload a bad file (truncated JPEG, text, empty, a PNG whose
header claims 2.5 gigapixels, a GIF cut mid-frame). Synthetic images: holdout fonts, seeds never trained on.
The server's RSS is sampled every second; "growth" compares the last minute with the minute after warm-up.

    python benchmarks/serve_load.py --db DIR/search-100k.db           # the 10-minute soak
    python benchmarks/serve_load.py --seconds 60 --clients 8          # a quick look
"""

from __future__ import annotations

import argparse
import io
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections import Counter
from pathlib import Path

import httpx
import numpy as np
from common import REPO, environment, environment_lines, positive_int, write_report

WARM_UP_S = 60.0
WINDOW_S = 60.0  # memory is compared between the first window after warm-up and the last one
# The cycle every client walks (each from its own place): 7 reads, 4 scans, 3 plates, 4 searches, 2 bad uploads.
MIX = ["read", "scan", "read", "plate", "search", "read", "bad", "scan", "read", "plate",
       "search", "read", "scan", "plate", "search", "read", "read", "bad", "search", "scan"]


def _jpeg(pixels: np.ndarray) -> bytes:
    from PIL import Image

    data = io.BytesIO()
    Image.fromarray(pixels).save(data, format="JPEG", quality=90)
    return data.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A valid PNG header for an enormous image, with almost no data behind it: a decompression bomb."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def uploads() -> dict[str, list[tuple[str, bytes]]]:
    """The good files each kind of request posts, and the bad ones."""
    from PIL import Image

    from ocrforge.data.synth.fonts import load_faces
    from ocrforge.data.synth.plates import plate_detection_sample
    from ocrforge.data.synth.scenes import photo, scene

    faces = load_faces("holdout")
    scenes = [_jpeg(scene(np.random.default_rng([66, i]), faces, 640, 480, max_angle=30.0).image) for i in range(4)]
    pages = [_jpeg(photo(np.random.default_rng([67, i]), faces, 640, 800).image) for i in range(2)]
    cars = [_jpeg(plate_detection_sample(68, i, "holdout", "car").image) for i in range(3)]
    gif = io.BytesIO()
    Image.new("P", (64, 64)).save(gif, format="GIF")
    bad = [("truncated.jpg", scenes[0][: len(scenes[0]) * 2 // 5]), ("notes.jpg", b"meeting notes, not a picture\n" * 20),
           ("empty.png", b""), ("bomb.png", _png_claiming(50_000, 50_000)), ("cut.gif", gif.getvalue()[:30])]
    return {"read": [("scene.jpg", d) for d in scenes], "scan": [("page.jpg", d) for d in pages],
            "plate": [("car.jpg", d) for d in cars], "bad": bad}


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


def request(http: httpx.Client, kind: str, files: dict[str, list[tuple[str, bytes]]], n: int) -> tuple[httpx.Response, str | None]:
    """One request of `kind`; for a bad upload also the file name its error must mention."""
    if kind == "search":
        return http.get("/v1/search", params={"q": "the"}), None
    name, data = files[kind][n % len(files[kind])]
    endpoint = {"read": "/v1/read", "scan": "/v1/scan", "plate": "/v1/plate", "bad": "/v1/read"}[kind]
    return http.post(endpoint, files={"file": (name, data, "application/octet-stream")}), name if kind == "bad" else None


def client(url: str, files: dict, search: bool, stop: float, offset: int, results: list) -> None:
    with httpx.Client(base_url=url, timeout=120) as http:
        n = offset
        while time.time() < stop:
            n += 1
            kind = MIX[n % len(MIX)]
            kind = "read" if kind == "search" and not search else kind
            start = time.perf_counter()
            named = None
            try:
                response, expected_name = request(http, kind, files, n)
                status = response.status_code
                if expected_name is not None:
                    error = response.json().get("error", "") if response.headers.get("content-type", "").startswith("application/json") else ""
                    named = 400 <= status < 500 and expected_name in error
            except httpx.HTTPError as err:
                status = type(err).__name__
            results.append((time.time(), kind, status, time.perf_counter() - start, named))


def plot(path: Path, begin: float, results: list, memory: list[tuple[float, float]], warm_up: float) -> None:
    """Server memory and p50/p95 latency per 30 s over the run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5.5), sharex=True)
    top.plot([t / 60 for t, _ in memory], [mb for _, mb in memory], color="tab:blue")
    top.set_ylabel("server RSS (MB)")
    top.axvline(warm_up / 60, color="grey", linestyle=":", label="end of warm-up")
    top.legend(loc="lower right")
    windows: dict[int, list[float]] = {}
    for stamp, kind, status, latency, _ in results:
        if status == 200:
            windows.setdefault(int((stamp - begin) // 30), []).append(latency)
    starts = sorted(windows)
    for q, style in ((50, "-"), (95, "--")):
        bottom.plot([(w * 30 + 15) / 60 for w in starts], [np.percentile(windows[w], q) for w in starts], style, label=f"p{q}")
    bottom.set_ylabel("latency of 200s (s)")
    bottom.set_xlabel("minutes")
    bottom.legend(loc="upper right")
    fig.suptitle("ocrforge serve soak: memory and latency over time")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=positive_int, default=20)
    parser.add_argument("--seconds", type=positive_int, default=600)
    parser.add_argument("--db", type=Path, help="an index for /v1/search requests (default: reads in their place)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/results/serve_load.md")
    args = parser.parse_args()

    env = environment()
    files = uploads()
    port = free_port()
    server = start_server(port, args.db)
    url = f"http://127.0.0.1:{port}"
    results: list = []
    memory: list[tuple[float, float]] = []
    begin = time.time()
    stop = begin + args.seconds
    threads = [threading.Thread(target=client, args=(url, files, args.db is not None, stop, i, results)) for i in range(args.clients)]
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

    statuses = Counter(f"{kind} {status}" for _, kind, status, _, _ in results)
    ok = [latency for _, _, status, latency, _ in results if status == 200]
    bad = [named for _, kind, status, _, named in results if kind == "bad"]
    server_errors = sum(1 for _, _, status, _, _ in results if not isinstance(status, int) or status >= 500)
    warm_up = min(WARM_UP_S, args.seconds / 3)
    window = min(WINDOW_S, args.seconds / 3)
    warm = [mb for t, mb in memory if warm_up <= t < warm_up + window]
    last = [mb for t, mb in memory if t >= args.seconds - window]
    growth = (statistics.mean(last) - statistics.mean(warm)) / statistics.mean(warm) if warm and last else float("nan")
    percentile = {q: float(np.percentile(ok, q)) if ok else float("nan") for q in (50, 95, 99)}
    summary = {
        "clients": args.clients, "seconds": args.seconds, "requests": len(results), "statuses": dict(statuses),
        "server_errors": server_errors, "requests_per_s": len(results) / args.seconds,
        "p50_s": percentile[50], "p95_s": percentile[95], "p99_s": percentile[99],
        "bad_uploads": len(bad), "bad_uploads_named_4xx": sum(bool(b) for b in bad),
        "rss_after_warm_up_mb": statistics.mean(warm) if warm else None, "rss_last_window_mb": statistics.mean(last) if last else None,
        "rss_max_mb": max(mb for _, mb in memory), "rss_growth": growth,
    }
    plot_path = args.out.with_suffix(".png")
    plot(plot_path, begin, results, memory, warm_up)
    lines = ["# `ocrforge serve` soak", "", *environment_lines(env), f"- Command: `{env['command']}`",
             f"- Server: default settings (2 workers, queue 32, 1 ONNX thread per model); "
             f"{'index ' + str(args.db) if args.db else 'no index'}; clients and server on the same "
             f"{env['cores']} cores; warm-up {warm_up:.0f} s, memory compared over {window:.0f} s windows", "",
             "| clients | seconds | requests | req/s | 5xx + transport errors | bad uploads: 4xx JSON naming the file | p50 s | p95 s | p99 s | RSS after warm-up MB | RSS at the end MB | growth |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
             f"| {args.clients} | {args.seconds} | {len(results)} | {summary['requests_per_s']:.1f} | **{server_errors}** | "
             f"**{summary['bad_uploads_named_4xx']} of {len(bad)}** | {percentile[50]:.2f} | **{percentile[95]:.2f}** | "
             f"{percentile[99]:.2f} | {summary['rss_after_warm_up_mb']:.0f} | {summary['rss_last_window_mb']:.0f} | **{growth:+.1%}** |",
             "", "Requests by kind and status: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())) + ".",
             "", f"![memory and latency over time]({plot_path.name})", ""]
    write_report(args.out, "\n".join(lines), {"environment": env, "summary": summary, "memory": memory})


if __name__ == "__main__":
    main()
