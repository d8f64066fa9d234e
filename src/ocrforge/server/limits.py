"""What one server accepts, and the bounded queue in front of the models."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    max_upload_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000  # decoded size; a 12 MP phone photo is well inside
    request_timeout: float = 60.0  # seconds a request may wait and run before it gets 504
    workers: int = 2  # requests read at the same time (each on one model instance, thread-safe)
    queue: int = 32  # requests waiting beyond those; more get 429


class QueueFull(Exception):
    pass


class WorkQueue:
    """At most `workers` jobs run at once on their own threads, at most `queue` more wait; the rest are
    refused at once, so a burst costs clients a quick 429 instead of the server its memory."""

    def __init__(self, workers: int, queue: int) -> None:
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="ocrforge-worker")
        self._capacity = workers + queue
        self._admitted = 0

    async def run(self, job: Callable[[], T], timeout: float) -> T:
        """`job()` on a worker thread; QueueFull when full, TimeoutError after `timeout` seconds."""
        if self._admitted >= self._capacity:
            raise QueueFull(f"{self._admitted} requests are being read or waiting; try again shortly")
        self._admitted += 1
        future = self._executor.submit(job)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout)
        finally:
            future.cancel()  # a waiting job whose client timed out never starts; a running one finishes
            self._admitted -= 1

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
