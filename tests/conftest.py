"""Tests render their own data with the synthetic engine; they never read the evaluation sets in ../shared.
Writers of real file formats that more than one test module needs live here as fixtures."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import numpy as np
import pytest


def _write_digit_struct(path: Path, entries: list[tuple[str, list[tuple[float, ...]]]]) -> None:
    """digitStruct.mat as MATLAB v7.3 lays it out; each digit is (left, top, width, height, label)."""
    import h5py

    with h5py.File(path, "w") as h5:
        refs = h5.create_group("#refs#")

        def ref_to(data: np.ndarray) -> h5py.Reference:
            return refs.create_dataset(f"r{len(refs)}", data=data).ref

        names, bboxes = [], []
        for name, digits in entries:
            names.append(ref_to(np.array([[ord(c)] for c in name], np.uint16)))  # MATLAB chars: (len, 1) uint16
            group = refs.create_group(f"r{len(refs)}")
            for k, key in enumerate(("left", "top", "width", "height", "label")):
                if len(digits) == 1:  # one digit: the value itself
                    group.create_dataset(key, data=np.array([[digits[0][k]]], np.float64))
                else:  # several: one reference per digit, each to a (1, 1) dataset
                    values = [[ref_to(np.array([[d[k]]], np.float64))] for d in digits]
                    group.create_dataset(key, data=np.array(values, dtype=h5py.ref_dtype))
            bboxes.append(group.ref)
        struct_group = h5.create_group("digitStruct")
        struct_group.create_dataset("name", data=np.array([[r] for r in names], dtype=h5py.ref_dtype))
        struct_group.create_dataset("bbox", data=np.array([[r] for r in bboxes], dtype=h5py.ref_dtype))


@pytest.fixture
def write_digit_struct() -> Callable[[Path, list[tuple[str, list[tuple[float, ...]]]]], None]:
    """SVHN's full-number annotations (digitStruct.mat) written as MATLAB does."""
    return _write_digit_struct


@contextmanager
def _running_server(*args: str) -> Iterator[str]:
    """`ocrforge serve ARGS` on a free loopback port, up and listening; yields its URL, stops it after."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "ocrforge", "serve", *args, "--port", str(port), "--log-level", "warning"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    pytest.fail(f"the server did not start: {process.stderr.read() if process.poll() is not None else 'timeout'}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def running_server() -> Callable[..., AbstractContextManager[str]]:
    """Start `ocrforge serve` in a process of its own: `with running_server("--db", db) as url: ...`."""
    return _running_server


def _index_folder(root: Path) -> Path:
    from ocrforge.index.indexer import index_paths
    from ocrforge.index.store import IndexStore

    db = root / "index.db"
    store = IndexStore.open(db)
    try:
        index_paths(store, [root], progress=False)
    finally:
        store.close()
    return db


@pytest.fixture(scope="session")
def index_folder() -> Callable[[Path], Path]:
    """Index a folder's media into ROOT/index.db with the shipped models; returns the database's path."""
    return _index_folder
