"""Index folders of images, PDFs and videos: skip what is unchanged, read the rest (in parallel), write as each finishes."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ocrforge.index.reader import AssetReader, ReadOptions
from ocrforge.index.store import AssetRecord, IndexStore
from ocrforge.io.images import IMAGE_SUFFIXES
from ocrforge.io.video import VIDEO_SUFFIXES

MEDIA_SUFFIXES = IMAGE_SUFFIXES + VIDEO_SUFFIXES + (".pdf",)


@dataclass(frozen=True)
class Job:
    path: Path
    sha256: str
    size: int
    mtime: float


@dataclass
class IndexReport:
    indexed: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)  # error messages, each naming its file
    removed: list[str] = field(default_factory=list)


def discover(paths: Iterable[Path]) -> list[Path]:
    """Absolute paths of the media files under `paths` (folders walked, files taken as given), sorted, once each."""
    found: set[Path] = set()
    for path in paths:
        path = Path(path).resolve()
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MEDIA_SUFFIXES)
        else:
            found.add(path)  # a missing or unreadable file is reported when it is read
    return sorted(found)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def plan(store: IndexStore, paths: list[Path], report: IndexReport) -> list[Job]:
    """The files that need reading. Unchanged ones (same size and mtime, or same content) are counted and skipped."""
    jobs = []
    for path in paths:
        try:
            stat = path.stat()
            stored = store.stored(str(path))
            if stored and stored.size == stat.st_size and stored.mtime == stat.st_mtime:
                report.unchanged += 1
                continue
            sha = file_sha256(path)
        except OSError as err:
            report.failed.append(f"{path}: {err.strerror or err}")
            continue
        if stored and stored.sha256 == sha:
            store.touch(str(path), stat.st_size, stat.st_mtime)
            report.unchanged += 1
            continue
        jobs.append(Job(path, sha, stat.st_size, stat.st_mtime))
    return jobs


# One reader per worker process, built once by the pool's initializer.
_worker_reader: AssetReader | None = None


def _init_worker(options: ReadOptions, threads: int) -> None:
    global _worker_reader
    _worker_reader = AssetReader(options, threads)


def _read_job(job: Job) -> AssetRecord:
    return _worker_reader.read(job.path, job.sha256, job.size, job.mtime)


def read_jobs(jobs: list[Job], options: ReadOptions, workers: int) -> Iterator[AssetRecord]:
    """Records in completion order; `workers` > 1 reads in that many processes, each with its own models."""
    if workers <= 1 or len(jobs) <= 1:
        reader = AssetReader(options)
        for job in jobs:
            yield reader.read(job.path, job.sha256, job.size, job.mtime)
        return
    threads = max(1, (os.cpu_count() or 1) // workers)
    # spawn, not fork: onnxruntime's thread pools do not survive a fork.
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(options, threads)) as pool:
        yield from pool.imap_unordered(_read_job, jobs)


def index_paths(store: IndexStore, paths: list[Path], options: ReadOptions = ReadOptions(), workers: int = 1,
                prune: bool = False, progress: bool = True, engine: str = "local", ray_address: str | None = None) -> IndexReport:
    """Index the media under `paths` into `store`. engine "local": `workers` processes here;
    "ray": `workers` Ray actors on the cluster at `ray_address` (None: a local Ray instance)."""
    report = IndexReport()
    files = discover(paths)
    jobs = plan(store, files, report)
    if engine == "ray":
        from ocrforge.index.ray_engine import read_jobs_on_ray

        records = read_jobs_on_ray(jobs, options, workers, ray_address)
    elif engine == "local":
        records = read_jobs(jobs, options, workers)
    else:
        raise ValueError(f"engine must be 'local' or 'ray', not {engine!r}")
    bar = tqdm(total=len(jobs), desc="index", unit="file", disable=not progress or None, dynamic_ncols=True)
    for record in records:
        store.put(record)  # committed: a crash after this line loses nothing
        if record.error:
            report.failed.append(record.error)
        else:
            report.indexed += 1
        bar.update(1)
    bar.close()
    if prune:
        roots = [str(Path(p).resolve()) for p in paths if Path(p).is_dir()]
        report.removed = store.prune((str(f) for f in files if f.exists()), roots)
    return report
