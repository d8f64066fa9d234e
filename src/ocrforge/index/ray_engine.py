"""Indexing on a Ray cluster: Ray Data reads the files in actors that each load the models once,
and this process, the only writer, puts the records into the same SQLite index as the local engine.

Workers open the files by the paths this process found, so on a real cluster those paths must name
the same files on every node (a shared or network file system).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ocrforge.index.reader import AssetReader, ReadOptions
from ocrforge.index.store import AssetRecord, EntryRecord


def record_to_json(record: AssetRecord) -> str:
    return json.dumps(asdict(record))


def record_from_json(text: str) -> AssetRecord:
    data = json.loads(text)
    data["entries"] = [EntryRecord(**{**e, "tags": [tuple(t) for t in e["tags"]]}) for e in data["entries"]]
    return AssetRecord(**data)


class _ReadActor:
    """One per Ray worker: the models load in the constructor, once."""

    def __init__(self, options: ReadOptions) -> None:
        self.reader = AssetReader(options, threads=1)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        records = [
            record_to_json(self.reader.read(Path(path), sha, int(size), float(mtime)))
            for path, sha, size, mtime in zip(batch["path"], batch["sha256"], batch["size"], batch["mtime"])
        ]
        return {"record": np.array(records, dtype=object)}


def read_jobs_on_ray(jobs: list, options: ReadOptions, workers: int, address: str | None = None) -> Iterator[AssetRecord]:
    """Records for `jobs` read by `workers` Ray actors; connects to `address` (None: a local Ray instance,
    or the one `ray.init` already joined)."""
    import ray  # the Ray engine is optional: only this path needs it

    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # ours counts files as they are written
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    if not jobs:
        return
    rows = [{"path": str(job.path), "sha256": job.sha256, "size": job.size, "mtime": job.mtime} for job in jobs]
    dataset = ray.data.from_items(rows, override_num_blocks=min(len(rows), 4 * workers)).map_batches(
        _ReadActor, fn_constructor_kwargs={"options": options}, batch_size=1, concurrency=workers, num_cpus=1,
    )
    for row in dataset.iter_rows():
        yield record_from_json(row["record"])
