"""Optional dependencies of some readers (scipy, h5py, lmdb), imported only when such a set is read."""

from __future__ import annotations

import importlib
from types import ModuleType


def optional_import(module: str, kind: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as err:
        package = module.partition(".")[0]
        raise ImportError(f"the {kind!r} reader needs {package}: pip install 'ocrforge[data]'") from err
